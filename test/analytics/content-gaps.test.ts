import { describe, expect, it } from 'vitest';
import {
  buildGapReport,
  clusterGaps,
  formatGapReport,
  gapReason,
  selectGaps,
  type GapQuestion,
  type LoggedQuestion,
} from '../../src/core/analytics/content-gaps.js';

const BASE = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;

function logged(id: string, text: string, overrides: Partial<LoggedQuestion> = {}): LoggedQuestion {
  return {
    id,
    text,
    userId: 'u1',
    channel: 'slack',
    createdAt: new Date(BASE),
    outcome: 'no_answer',
    articleId: null,
    votes: [],
    ...overrides,
  };
}

/** Five ways to ask about the plotter, three about a badge reader, two about printing, two one-offs. */
const PHRASINGS: Array<[string, string, string]> = [
  ['q01', 'alice', 'How do I print to the plotter on floor 3?'],
  ['q02', 'bob', 'the plotter is out of paper'],
  ['q03', 'carol', 'plotter offline'],
  ['q04', 'alice', 'Plotter offline?'],
  ['q05', 'dave', 'can I send a CAD drawing to the plotter'],
  ['q06', 'erin', 'badge reader at the back door does not beep'],
  ['q07', 'frank', 'my badge does not open the garage door'],
  ['q08', 'bob', 'badge reader on floor 2 is blinking red'],
  ['q09', 'gina', "can't print"],
  ['q10', 'hank', "printer won't print"],
  ['q11', 'ivan', 'the coffee machine is broken'],
  ['q12', 'judy', 'when is the next fire drill'],
];

function gaps(): GapQuestion[] {
  return PHRASINGS.map(([id, userId, text], i) => ({
    ...logged(id, text, { userId, createdAt: new Date(BASE + i * HOUR) }),
    reason: 'no_answer',
  }));
}

describe('gap questions', () => {
  it('no answer, "not helpful" unless the asker found it helpful, suggestions nobody picked', () => {
    expect(gapReason(logged('a', 'x', { outcome: 'no_answer' }))).toBe('no_answer');
    expect(
      gapReason(logged('b', 'x', { outcome: 'answered', articleId: 'vpn', votes: [{ userId: 'u1', helpful: false }] })),
    ).toBe('not_helpful');
    expect(gapReason(logged('c', 'x', { outcome: 'answered', votes: [{ userId: 'u2', helpful: false }] }))).toBe(
      'not_helpful',
    );
    // The asker's own "helpful" settles it, whatever a bystander in the thread thought.
    expect(
      gapReason(
        logged('d', 'x', {
          outcome: 'answered',
          votes: [
            { userId: 'u2', helpful: false },
            { userId: 'u1', helpful: true },
          ],
        }),
      ),
    ).toBeNull();
    expect(gapReason(logged('e', 'x', { outcome: 'answered', votes: [{ userId: 'u1', helpful: true }] }))).toBeNull();
    expect(gapReason(logged('f', 'x', { outcome: 'answered' }))).toBeNull();
    expect(gapReason(logged('g', 'x', { outcome: 'chosen', votes: [{ userId: 'u1', helpful: false }] }))).toBe(
      'not_helpful',
    );
    expect(gapReason(logged('h', 'x', { outcome: 'chosen' }))).toBeNull();
    expect(gapReason(logged('i', 'x', { outcome: 'suggested' }))).toBe('suggestion_not_picked');
    expect(gapReason(logged('j', 'x', { outcome: 'suggested', startedScript: true }))).toBeNull();
    expect(
      selectGaps([logged('a', 'x'), logged('f', 'x', { outcome: 'answered' })]).map((q) => [q.id, q.reason]),
    ).toEqual([['a', 'no_answer']]);
  });
});

describe('clustering gap questions', () => {
  it('groups rephrasings, ranks by size then people, labels with the most central phrasing', () => {
    const clusters = clusterGaps(gaps());
    expect(clusters.map((c) => [c.rank, c.size, c.users, c.questionIds])).toEqual([
      [1, 5, 4, ['q01', 'q02', 'q03', 'q04', 'q05']],
      [2, 3, 3, ['q06', 'q07', 'q08']],
      // "can't print" and "printer won't print" meet on the stem "print".
      [3, 2, 2, ['q09', 'q10']],
      // One-offs: most recent first.
      [4, 1, 1, ['q12']],
      [5, 1, 1, ['q11']],
    ]);
    const [plotter, badge, printing] = clusters;
    // Asked twice (once with a capital and a "?"), closest to the centre: the label, shown once.
    expect(plotter!.label).toBe('plotter offline');
    expect(plotter!.examples).toEqual([
      'plotter offline',
      'the plotter is out of paper',
      'can I send a CAD drawing to the plotter',
    ]);
    expect(plotter!.terms[0]).toBe('plotter');
    expect(plotter!.firstSeen).toEqual(new Date(BASE));
    expect(plotter!.lastSeen).toEqual(new Date(BASE + 4 * HOUR));
    expect(plotter!.reasons).toEqual({ no_answer: 5, not_helpful: 0, suggestion_not_picked: 0 });
    expect(badge!.label).toBe('badge reader at the back door does not beep');
    expect(badge!.terms.slice(0, 3)).toEqual(['badge', 'door', 'reader']);
    expect(printing!.examples).toEqual(["printer won't print", "can't print"]);
    // Terms are shown as people wrote them, not as stems ("machine", not the synonym "laptop").
    expect(clusters[4]!.terms).toEqual(['broken', 'coffee', 'machine']);
  });

  it('is deterministic whatever the input order', () => {
    const forward = clusterGaps(gaps());
    const shuffled = [...gaps()].sort(
      (a, b) => ((a.text.length * 7919) % 13) - ((b.text.length * 7919) % 13) || b.id.localeCompare(a.id),
    );
    expect(clusterGaps(shuffled)).toEqual(forward);
    expect(clusterGaps(gaps())).toEqual(forward);
  });

  it('counts distinct people for the tie-break and lists the articles shown', () => {
    const questions: GapQuestion[] = [
      {
        ...logged('v1', 'vpn drops every 10 minutes', { userId: 'a', createdAt: new Date(BASE) }),
        outcome: 'answered',
        articleId: 'vpn-setup',
        articleTitle: 'Set up the VPN',
        votes: [{ userId: 'a', helpful: false }],
        reason: 'not_helpful',
      },
      {
        ...logged('v2', 'VPN keeps disconnecting', { userId: 'b', createdAt: new Date(BASE + HOUR) }),
        outcome: 'answered',
        articleId: 'vpn-setup',
        articleTitle: 'Set up the VPN',
        votes: [{ userId: 'b', helpful: false }],
        reason: 'not_helpful',
      },
      {
        ...logged('v3', 'vpn disconnects on hotel wifi', { userId: 'c', createdAt: new Date(BASE + 2 * HOUR) }),
        outcome: 'suggested',
        articleId: 'wifi-guest',
        reason: 'suggestion_not_picked',
      },
      { ...logged('p1', 'plotter offline', { userId: 'a', createdAt: new Date(BASE) }), reason: 'no_answer' },
      { ...logged('p2', 'plotter is offline', { userId: 'a', createdAt: new Date(BASE + HOUR) }), reason: 'no_answer' },
      {
        ...logged('p3', 'the plotter is offline again', { userId: 'a', createdAt: new Date(BASE + 3 * HOUR) }),
        reason: 'no_answer',
      },
    ];
    const clusters = clusterGaps(questions);
    // Same size; three people beat one person asking three times.
    expect(clusters.map((c) => [c.size, c.users, c.questionIds])).toEqual([
      [3, 3, ['v1', 'v2', 'v3']],
      [3, 1, ['p1', 'p2', 'p3']],
    ]);
    expect(clusters[0]!.reasons).toEqual({ no_answer: 0, not_helpful: 2, suggestion_not_picked: 1 });
    expect(clusters[0]!.notHelpfulArticles).toEqual([{ articleId: 'vpn-setup', title: 'Set up the VPN', count: 2 }]);
    expect(clusters[0]!.offeredArticles).toEqual([{ articleId: 'wifi-guest', title: null, count: 1 }]);
    expect(clusters[1]!.examples).toEqual(['plotter offline', 'plotter is offline', 'the plotter is offline again']);
  });

  it('keeps questions without topic words apart, one cluster per wording', () => {
    const questions: GapQuestion[] = ['help!!', 'Help', 'is there a way to'].map((text, i) => ({
      ...logged(`h${i}`, text, { createdAt: new Date(BASE + i) }),
      reason: 'no_answer',
    }));
    expect(clusterGaps(questions).map((c) => c.questionIds)).toEqual([['h0', 'h1'], ['h2']]);
    expect(clusterGaps([])).toEqual([]);
  });

  it('handles 10k questions in a few seconds', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const topics = Array.from({ length: 2000 }, (_, i) => `gadget${i.toString(36)}`);
    const words = [
      'printer',
      'laptop',
      'vpn',
      'badge',
      'screen',
      'email',
      'password',
      'door',
      'floor',
      'order',
      'broken',
      'slow',
      'install',
      'update',
      'offline',
      'reset',
      'monitor',
      'phone',
      'licence',
      'backup',
    ];
    const questions: GapQuestion[] = Array.from({ length: 10_000 }, (_, i) => ({
      ...logged(
        `q${i}`,
        `how do I ${words[Math.floor(random() * words.length)]} the ${topics[Math.floor(random() ** 2 * topics.length)]} ${words[Math.floor(random() * words.length)]}`,
        {
          userId: `u${i % 700}`,
          createdAt: new Date(BASE + i * 60_000),
        },
      ),
      reason: 'no_answer',
    }));
    const start = performance.now();
    const clusters = clusterGaps(questions);
    const ms = performance.now() - start;
    expect(clusters.reduce((n, c) => n + c.size, 0)).toBe(10_000);
    expect(ms).toBeLessThan(8000);
  });
});

describe('gap report', () => {
  const period = { from: new Date(BASE - 24 * HOUR), to: new Date(BASE + 6 * 24 * HOUR) };

  it('classifies, keeps the period and counts reasons', () => {
    const questions: LoggedQuestion[] = [
      ...gaps().map(({ reason: _reason, ...q }) => q),
      logged('ok', 'how do I reset my password', {
        outcome: 'answered',
        articleId: 'password-reset',
        votes: [{ userId: 'u1', helpful: true }],
      }),
      logged('late', 'plotter offline', { createdAt: period.to }),
    ];
    const report = buildGapReport(period, 40, questions);
    expect(report.asked).toBe(40);
    expect(report.gaps).toBe(12);
    expect(report.reasons).toEqual({ no_answer: 12, not_helpful: 0, suggestion_not_picked: 0 });
    expect(report.clusters[0]!.questionIds).not.toContain('late');
  });

  it('formats the top clusters as short markdown for chat', () => {
    const questions: LoggedQuestion[] = [
      ...gaps().map(({ reason: _reason, ...q }) => q),
      logged('nh', 'badge reader in the lobby is dead', {
        userId: 'kim',
        createdAt: new Date(BASE + 20 * HOUR),
        outcome: 'answered',
        articleId: 'building-access',
        votes: [{ userId: 'kim', helpful: false }],
      }),
    ];
    const report = buildGapReport(period, 57, questions);
    expect(formatGapReport(report, { limit: 3, moreHint: 'Run `npm run report:gaps` for all.' })).toBe(
      [
        '**Content gaps, 2026-01-04 to 2026-01-11**: 13 of 57 question(s) went unserved (12 no answer, 1 not helpful), in 5 topic(s).',
        '1. **"plotter offline"**: 5 question(s) from 4 people (5 no answer)',
        '   - "the plotter is out of paper"',
        '   - "can I send a CAD drawing to the plotter"',
        '2. **"badge reader at the back door does not beep"**: 4 question(s) from 4 people (3 no answer; 1 not helpful on `building-access`)',
        '   - "badge reader in the lobby is dead"',
        '   - "badge reader on floor 2 is blinking red"',
        '3. **"can\'t print"**: 2 question(s) from 2 people (2 no answer)',
        '   - "printer won\'t print"',
        '…and 2 more topic(s). Run `npm run report:gaps` for all.',
      ].join('\n'),
    );
  });

  it('makes user text safe and short in markdown, and says when there is nothing', () => {
    const long = `**urgent** [click](http://x) ${'very '.repeat(40)}long question about the \`plotter\``;
    const report = buildGapReport(period, 1, [logged('x', long)]);
    const markdown = formatGapReport(report, { maxChars: 60 });
    const label = markdown.split('\n')[1]!;
    expect(label).not.toMatch(/\*\*urgent|\[click\]|`/);
    expect(label).toContain('…"');
    expect(formatGapReport(buildGapReport(period, 9, []))).toBe(
      '**Content gaps, 2026-01-04 to 2026-01-11**: none. Every one of the 9 question(s) got an answer nobody marked "not helpful".',
    );
  });
});
