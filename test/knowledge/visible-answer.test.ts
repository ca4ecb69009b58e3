import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/core/knowledge/article.js';
import { visibleAnswer } from '../../src/core/knowledge/visible-answer.js';
import { testArticle } from '../support/articles.js';

const article = (id: string, path: string, answer = '', audiences?: string[]): Article =>
  testArticle(id, { category: 'network', answer, path, ...(audiences ? { audiences } : {}) });

const secret = article('vpn-troubleshooting', 'network/vpn-troubleshooting.md', 'x', ['remote-workers']);
const open = article('wifi-office', 'network/wifi-office.md', 'x');
const byPath = new Map([secret, open].map((a) => [a.path, a]));
const at = (path: string) => byPath.get(path);
const hidden = (a: Article) => a.audiences?.includes('remote-workers') === true;

describe('an answer as one reader may be given it', () => {
  it('leaves out each line linking to an article the reader may not be given, however the link is written', () => {
    const answer = [
      '1. Restart the router.',
      '2. Only slow with VPN on? See [VPN troubleshooting](../network/vpn-troubleshooting.md).',
      '3. Or [this](vpn-troubleshooting.md#slow "VPN") and [wifi](wifi-office.md).',
      '4. Or <link>: [x](<vpn%2Dtroubleshooting.md>)',
      '[vpn]: /network/vpn-troubleshooting.md',
      '5. Wi-Fi: [office Wi-Fi](wifi-office.md), `[code](vpn-troubleshooting.md)` is an example.',
      '6. Elsewhere: [the portal](https://vpn.example.com/vpn-troubleshooting.md).',
    ].join('\n');
    const from = article('home-internet-slow', 'network/home-internet-slow.md', answer);
    expect(visibleAnswer(from, at, hidden)).toBe(
      [
        '1. Restart the router.',
        '5. Wi-Fi: [office Wi-Fi](wifi-office.md), `[code](vpn-troubleshooting.md)` is an example.',
        '6. Elsewhere: [the portal](https://vpn.example.com/vpn-troubleshooting.md).',
      ].join('\n'),
    );
    // Someone in the audience is given all of it, the same string.
    expect(visibleAnswer(from, at, () => false)).toBe(answer);
  });

  it('keeps a link to a path no article has (kb:lint reports those)', () => {
    const from = article('a', 'network/a.md', 'See [gone](gone.md).');
    expect(visibleAnswer(from, at, () => true)).toBe('See [gone](gone.md).');
  });
});
