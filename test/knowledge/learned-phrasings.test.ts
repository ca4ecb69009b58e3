import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/core/answering/answer-engine.js';
import { appendQuestion } from '../../src/core/knowledge/append-question.js';
import type { Article } from '../../src/core/knowledge/article.js';
import {
  learnablePhrasing,
  looksPersonal,
  PhrasingLearner,
  withLearnedPhrasings,
  type LearnedPhrasing,
} from '../../src/core/knowledge/learned-phrasings.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { MemoryLearnedPhrasings } from '../../src/store/memory/memory-learned-phrasings.js';

const kbDir = path.resolve(import.meta.dirname, '../../knowledge-base');

function learner(store = new MemoryLearnedPhrasings(), minAskers = 3) {
  const changes: number[] = [];
  const own: Record<string, string[]> = { 'mfa-setup': ['set up MFA'], 'vpn-setup': ['set up the VPN'] };
  const learning = new PhrasingLearner({
    store,
    minAskers,
    ownQuestions: (id) => own[id],
    onUsableChanged: () => changes.push(changes.length + 1),
  });
  return {
    store,
    learning,
    changes,
    inUse: async () =>
      withLearnedPhrasings(articles(), await store.list(), minAskers).find((a) => a.id === 'mfa-setup')!.questions,
  };
}

function articles(): Article[] {
  const base = {
    tags: [],
    category: 'accounts',
    owner: 'it',
    updated: '2026-01-01',
    answer: 'Do this.',
    body: 'Do this.',
  };
  return [
    { ...base, id: 'mfa-setup', title: 'Set up MFA', questions: ['set up MFA'], path: 'accounts/mfa-setup.md' },
    { ...base, id: 'vpn-setup', title: 'Set up the VPN', questions: ['set up the VPN'], path: 'network/vpn-setup.md' },
  ];
}

describe('looksPersonal: questions that must not be stored', () => {
  it.each([
    'my email ann.smith@example.com is locked',
    'call me on +44 20 7946 0958',
    'phone 555-123-4567 does not ring',
    'card 4111 1111 1111 1111 declined',
    'my employee number is 00123456',
    'my laptop at 192.168.10.24 is slow',
  ])('skips "%s"', (text) => {
    expect(looksPersonal(text)).toBe(true);
    expect(learnablePhrasing(text)).toBeNull();
  });

  it.each([
    'error 0x80070005 when installing',
    'windows 11 23H2 update fails',
    'ticket HD-1001 is still open',
    'teams on 2 screens',
    'my mail is stuck',
  ])('keeps "%s"', (text) => {
    expect(looksPersonal(text)).toBe(false);
  });
});

describe('learnablePhrasing', () => {
  it('cleans the text like all user text, collapses whitespace, and keys it without case or trailing punctuation', () => {
    expect(learnablePhrasing('  Zorblax\u202E keeps\n\tasking   me?? ')).toEqual({
      text: 'Zorblax keeps asking me??',
      key: 'zorblax keeps asking me',
    });
  });

  it('refuses empty and over-long questions', () => {
    expect(learnablePhrasing(' \n ')).toBeNull();
    expect(learnablePhrasing('why '.repeat(60))).toBeNull();
    expect(learnablePhrasing('a'.repeat(200))).not.toBeNull();
  });
});

describe('PhrasingLearner: one person cannot teach the bot', () => {
  it('uses a phrasing from the third distinct asker on, not the second', async () => {
    const { learning, changes, inUse } = learner();
    await learning.confirm('mfa-setup', 'zorblax keeps asking me for a code', 'ann');
    await learning.confirm('mfa-setup', 'Zorblax keeps asking me for a code?', 'bob');
    expect(await inUse()).toEqual(['set up MFA']);
    expect(changes).toEqual([]);
    await learning.confirm('mfa-setup', 'zorblax keeps asking me for a code', 'cat');
    expect(await inUse()).toEqual(['set up MFA', 'zorblax keeps asking me for a code']);
    expect(changes).toEqual([1]);
  });

  it('counts the same person confirming three times once', async () => {
    const { learning, store, inUse } = learner();
    for (let i = 0; i < 3; i++) await learning.confirm('mfa-setup', 'zorblax keeps asking me for a code', 'ann');
    expect(await store.list()).toMatchObject([{ askers: 1, confirmations: 3, notHelpful: 0, status: 'pending' }]);
    expect(await inUse()).toEqual(['set up MFA']);
  });

  it('takes a phrasing out of use when a "not helpful" drops it below the threshold, and back when that person changes their mind', async () => {
    const { learning, store, changes, inUse } = learner();
    for (const who of ['ann', 'bob', 'cat']) await learning.confirm('mfa-setup', 'zorblax code', who);
    await learning.notHelpful('mfa-setup', 'zorblax code', 'dan');
    expect(await store.list()).toMatchObject([{ askers: 3, notHelpful: 1 }]);
    expect(await inUse()).toEqual(['set up MFA']);
    await learning.confirm('mfa-setup', 'zorblax code', 'dan');
    expect(await inUse()).toContain('zorblax code');
    expect(changes).toEqual([1, 2, 3]);
  });

  it("learns nothing from personal data, from the article's own questions, or for an article that does not exist", async () => {
    const { learning, store } = learner();
    await learning.confirm('mfa-setup', 'mfa for ann.smith@example.com', 'ann');
    await learning.confirm('mfa-setup', 'Set up MFA!', 'ann');
    await learning.confirm('no-such-article', 'zorblax code', 'ann');
    expect(await store.list()).toEqual([]);
  });

  it('never uses a rejected or accepted phrasing as an extra, nor one whose article is gone', () => {
    const at = new Date();
    const phrasing = (
      id: number,
      articleId: string,
      text: string,
      status: LearnedPhrasing['status'],
    ): LearnedPhrasing => ({
      id,
      articleId,
      text,
      askers: 5,
      notHelpful: 0,
      confirmations: 5,
      status,
      firstSeen: at,
      lastSeen: at,
    });
    const served = withLearnedPhrasings(
      articles(),
      [
        phrasing(1, 'mfa-setup', 'rejected one', 'rejected'),
        phrasing(2, 'mfa-setup', 'accepted one', 'accepted'),
        phrasing(3, 'gone', 'about nothing', 'pending'),
        phrasing(4, 'vpn-setup', 'Set up the VPN?', 'pending'),
        phrasing(5, 'vpn-setup', 'vpn thingy', 'pending'),
      ],
      3,
    );
    expect(served.map((a) => a.questions)).toEqual([['set up MFA'], ['set up the VPN', 'vpn thingy']]);
    expect(articles()[1]!.questions).toEqual(['set up the VPN']);
  });
});

describe('the engine after a reload', () => {
  it('answers a phrasing three askers confirmed, and stops when it is rejected', async () => {
    const store = new MemoryLearnedPhrasings();
    const library = await LiveKnowledge.load(kbDir, defaultThresholds);
    const ask = (q: string) => library.snapshot.engine.ask(q);
    expect(ask('zorblax keeps asking me for a code').outcome).toBe('no_answer');
    const { learning } = {
      learning: new PhrasingLearner({
        store,
        minAskers: 3,
        ownQuestions: (id) => library.snapshot.knowledgeBase.articles.find((a) => a.id === id)?.questions,
        onUsableChanged: () => void library.reload(),
      }),
    };
    await library.learnFrom(store, 3);
    for (const who of ['ann', 'bob', 'cat'])
      await learning.confirm('mfa-setup', 'zorblax keeps asking me for a code', who);
    await library.reload();
    const answered = ask('zorblax keeps asking me for a code');
    expect(answered.outcome === 'answered' && answered.article.id).toBe('mfa-setup');
    // The file's own article is unchanged: the learned phrasing is the engine's only.
    expect(library.snapshot.knowledgeBase.articles.find((a) => a.id === 'mfa-setup')!.questions).not.toContain(
      'zorblax keeps asking me for a code',
    );
    await store.setStatus(1, 'rejected');
    await library.reload();
    expect(ask('zorblax keeps asking me for a code').outcome).toBe('no_answer');
  });
});

describe('appendQuestion: --accept edits the front matter and nothing else', () => {
  const article = (questions: string, eol = '\n') =>
    [
      '---',
      'id: vpn-setup',
      'title: Set up the VPN',
      questions,
      'tags: [vpn]',
      'category: network',
      'owner: it',
      'updated: 2026-01-01',
      '---',
      '',
      '# Set up the VPN',
      '',
      '## Answer',
      '',
      'Install it.',
      '',
    ].join(eol);

  it('adds a line after the last item of a block list, in the style of its items', () => {
    const source = article('questions:\n    - set up the VPN   # the usual one\n    - install vpn\n\n    # more later');
    const result = appendQuestion(source, 'vpn: how do I get it?', 'network/vpn-setup.md');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.source).toBe(
      source.replace('    - install vpn\n', '    - install vpn\n    - "vpn: how do I get it?"\n'),
    );
    const parsed = parseArticle(result.source, 'x.md');
    expect(parsed.ok && parsed.article.questions).toEqual(['set up the VPN', 'install vpn', 'vpn: how do I get it?']);
  });

  it('adds to a one-line flow list, and keeps CRLF line ends', () => {
    const source = article('questions: [set up the VPN, install vpn]', '\r\n');
    const result = appendQuestion(source, 'vpn thingy', 'network/vpn-setup.md');
    expect(result.ok && result.source).toBe(source.replace('install vpn]', 'install vpn, vpn thingy]'));
  });

  it('refuses a list it cannot add to safely', () => {
    const source = article('questions: [set up the VPN,\n  install vpn]');
    expect(appendQuestion(source, 'vpn thingy', 'network/vpn-setup.md')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/by hand/),
    });
    expect(appendQuestion('no front matter', 'vpn thingy', 'network/vpn-setup.md')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not load/),
    });
  });
});
