/**
 * The ticket page's "What the bot collected" over real HTTP on the project's database: a list
 * people read (field and value, nested lists, checks as passed/failed lines, dates in the reader's
 * zone, links only for http(s)), hostile values escaped, long and deep values still all there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { collected, DEEP, LONG, LONG_KEY, MANY } from './collected-fixture.js';
import { ann, Client, eve, serveWeb, TestClock, type WebReplica } from './web-harness.js';

let app: App;
let cleanup: () => void;
let web: WebReplica;
let ticket: Ticket;
let plain: Ticket;

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'COL' }));
  web = await serveWeb(app, { clock: new TestClock() });
  const open = (extra: Partial<Parameters<App['tickets']['open']>[0]>) =>
    app.tickets.open({
      requester: ann,
      channel: 'slack',
      conversationKey: null,
      subject: 'VPN drops',
      description: 'It drops',
      question: null,
      ...extra,
    });
  ticket = await open({ collected });
  plain = await open({ subject: 'Nothing collected' });
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

const page = async (key: string, query = '') => {
  const client = new Client(web.url);
  expect((await client.signIn((await web.access.linkFor('slack', eve)).url)).status).toBe(303);
  const response = await client.get(`/web/tickets/${key}${query}`);
  expect(response.status).toBe(200);
  const html = await response.text();
  const section = /<h2>What the bot collected<\/h2>([\s\S]*?)<\/section>/.exec(html)?.[1];
  expect(section).toBeDefined();
  return { html, section: section! };
};

/** The list's top-level entries: label and the HTML of its value (nested lists inside the value). */
function topLevel(section: string): Map<string, string> {
  const body = /^<dl id="collected">([\s\S]*)<\/dl>$/.exec(section)?.[1];
  expect(body).toBeDefined();
  const entries = new Map<string, string>();
  let depth = 0;
  let label = '';
  let start = 0;
  for (const tag of body!.matchAll(/<(\/?)(dl|dt|dd)\b[^>]*>/g)) {
    const closing = tag[1] === '/';
    if (tag[2] === 'dl') depth += closing ? -1 : 1;
    if (depth !== 0) continue;
    if (tag[2] === 'dt' && !closing) start = tag.index + tag[0].length;
    if (tag[2] === 'dt' && closing) label = body!.slice(start, tag.index);
    if (tag[2] === 'dd' && !closing) start = tag.index + tag[0].length;
    if (tag[2] === 'dd' && closing) entries.set(label, body!.slice(start, tag.index));
  }
  return entries;
}

describe('what the bot collected', () => {
  it('is a list of field and value for people, not JSON', async () => {
    const { section } = await page(ticket.key);
    const fields = topLevel(section);
    // Triage adds its guess when its model is loaded (as in the app): its own entry, last.
    expect(fields.has('Triage')).toBe('triage' in ticket.collected);
    if (fields.has('Triage'))
      expect(fields.get('Triage')).toMatch(/^<dl class="nested"><dt>Predicted<\/dt><dd><dl class="nested">/);
    expect([...fields.keys()].filter((key) => key !== 'Triage')).toEqual([
      '__proto__',
      'constructor',
      'Source',
      'Walkthrough',
      'Answers',
      'Checks',
      'Steps taken',
      'seenAt',
      'notADate',
      'Link',
      'evil',
      'count',
      'sure',
      'none',
      'empty',
      'multiline',
      'long',
      'deep',
      'many',
      'rows',
      LONG_KEY,
    ]);
    expect(fields.get('Source')).toBe('<span>form</span>');
    expect(fields.get('Walkthrough')).toBe('<span>vpn-reset</span>');
    expect(fields.get('count')).toBe('12,345');
    expect(fields.get('sure')).toBe('yes');
    expect(fields.get('none')).toBe('<span class="muted">none</span>');
    expect(fields.get('empty')).toBe('<span class="muted">(empty)</span>');
    expect(fields.get('notADate')).toBe('<span>2026-12-04 and more</span>');
    expect(fields.get('multiline')).toBe('<pre>line one\n&lt;line two&gt;</pre>');
    expect(fields.get('Answers')).toBe(
      '<dl class="nested"><dt>vpn_client</dt><dd><span>&lt;b&gt;GlobalProtect&lt;/b&gt;</span></dd>' +
        '<dt>os&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</dt><dd><span>Windows &amp; &lt;u&gt;11&lt;/u&gt;</span></dd></dl>',
    );
    expect(fields.get('Steps taken')).toBe(
      '<ul class="values"><li><span>start</span></li><li><span>ask_client</span></li><li><span>&lt;svg onload=alert(3)&gt;</span></li></ul>',
    );
    expect(fields.get('rows')).toBe(
      '<ol class="values"><li><dl class="nested"><dt>name</dt><dd><span>first</span></dd><dt>ok</dt><dd><span>maybe</span></dd></dl></li>' +
        '<li><dl class="nested"><dt>name</dt><dd><span>&lt;b&gt;second&lt;/b&gt;</span></dd></dl></li></ol>',
    );
    // Own keys named like Object's members are shown as the data's, not as Object's.
    expect(fields.get('constructor')).toBe('<span>&lt;em&gt;ctor&lt;/em&gt;</span>');
    expect(fields.get('__proto__')).toContain('<dt>polluted</dt><dd><span>&lt;b&gt;proto&lt;/b&gt;</span></dd>');
    expect(section).not.toContain('&quot;vpn_client&quot;');
  });

  it('shows checks as passed or failed with what happened, where and how long', async () => {
    const { section } = await page(ticket.key);
    expect(topLevel(section).get('Checks')).toBe(
      '<dl class="nested"><dt>ping</dt><dd><span class="breached">failed</span>: <span>&lt;b&gt;timed out&lt;/b&gt; after 3000 ms</span> ' +
        '<span class="muted">(<span>vpn.example.org</span> · step <span>ping</span> · 3,000 ms)</span></dd>' +
        '<dt>dns</dt><dd><span class="passed">passed</span>: <span>resolved in 12 ms</span> <span class="muted">(12 ms)</span></dd></dl>',
    );
  });

  it('shows instants in the reader’s zone and links only http(s) addresses, escaped', async () => {
    const utc = topLevel((await page(ticket.key)).section);
    expect(utc.get('seenAt')).toBe('<time datetime="2026-12-04T09:00:00.000Z">4 Dec 2026, 09:00 UTC</time>');
    const paris = topLevel((await page(ticket.key, '?tz=Europe%2FParis')).section);
    expect(paris.get('seenAt')).toBe('<time datetime="2026-12-04T09:00:00.000Z">4 Dec 2026, 10:00 CET</time>');
    expect(utc.get('Link')).toBe(
      '<a href="https://monitor.example.org/alerts?id=7&amp;x=%3Cy%3E%22" rel="noopener noreferrer nofollow">' +
        'https://monitor.example.org/alerts?id=7&amp;x=&lt;y&gt;&quot;</a>',
    );
    expect(utc.get('evil')).toBe('<span>javascript:alert(4)</span>');
  });

  it('keeps long, deep and large values whole: the start inline, the rest folded, JSON only past the limits', async () => {
    const fields = topLevel((await page(ticket.key)).section);
    const long = fields.get('long')!;
    const escapedLong = LONG.replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
    expect(long).toBe(
      `<span>${'A'.repeat(399)}Z…</span><details><summary>show all 5,030 characters</summary><pre>${escapedLong}</pre></details>`,
    );
    expect(LONG.length).toBe(5030);
    // Four levels laid out as lists, the fifth and below as JSON (open: nothing else shows it).
    const deep = fields.get('deep')!;
    expect(deep.match(/<dl class="nested">/g)).toHaveLength(4);
    expect(deep).toContain(
      `<dt>d</dt><dd><details class="raw" open><summary>as JSON</summary><pre>${JSON.stringify(DEEP.a.b.c.d, null, 2)
        .replaceAll('"', '&quot;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')}</pre></details>`,
    );
    const many = fields.get('many')!;
    expect(many).toMatch(/^<details class="raw"><summary>60 items, as JSON<\/summary><pre>\[/);
    for (const item of MANY) expect(many).toContain(`&quot;${item}&quot;`);
  });

  it('writes no markup from the data: no tag, attribute or script a value brought', async () => {
    const { html, section } = await page(ticket.key);
    expect(section).not.toMatch(/<(script|img|svg|iframe|u|b|i|em)\b/i);
    expect(section).not.toMatch(/<[^>]*\son\w+=/i);
    expect(section.match(/<a /g)).toHaveLength(1);
    expect(html).not.toContain('<script');
  });

  it('says Nothing when nothing was collected', async () => {
    // Triage's guess would be there otherwise: as an opener that collected nothing and no model.
    await app.store.prisma.ticket.update({ where: { key: plain.key }, data: { collected: '{}' } });
    expect((await app.tickets.get(plain.key)).collected).toEqual({});
    const { section } = await page(plain.key);
    expect(section).toBe('<p class="empty">Nothing.</p>');
  });
});
