import { describe, expect, it } from 'vitest';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { localDate, staleArticles } from '../../src/core/knowledge/kb-lint-dates.js';
import { articleLinks, brokenLinks, resolveArticleLink } from '../../src/core/knowledge/kb-lint-links.js';
import {
  duplicateQuestions,
  nearDuplicates,
  normalisePhrasing,
  similarPairs,
} from '../../src/core/knowledge/kb-lint-questions.js';
import { lintKnowledgeBase, lintReport } from '../../src/core/knowledge/kb-lint-report.js';
import {
  formatFinding,
  sourceMap,
  type LintedArticle,
  type LintFinding,
} from '../../src/core/knowledge/kb-lint-source.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';

const analyzer = new TextAnalyzer();

/** An article file: front matter lines 1-11 (+ extra), questions from line 5. */
function source(
  id: string,
  questions: string[],
  options: { title?: string; extra?: string; body?: string } = {},
): string {
  return [
    '---',
    `id: ${id}`,
    `title: ${options.title ?? `About ${id}`}`,
    'questions:',
    ...questions.map((q) => `  - ${q}`),
    'tags: [test]',
    'category: test',
    'owner: test-team',
    'updated: 2026-05-01',
    ...(options.extra ? [options.extra] : []),
    '---',
    '',
    '## Answer',
    '',
    options.body ?? 'Do the thing.',
    '',
  ].join('\n');
}

function linted(file: string, text: string): LintedArticle {
  const parsed = parseArticle(text, file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { article: parsed.article, source: text };
}

const lines = (findings: readonly LintFinding[]) => findings.map((f) => formatFinding(f));

describe('kb-lint source map', () => {
  it('finds front-matter keys and each question, quoted or not', () => {
    const text = source('a-b', ['plain one', '"quoted: with colon"', "'single'"], { extra: 'review_by: 2026-01-01' });
    const map = sourceMap(text);
    expect(map.keyLine('id')).toBe(2);
    expect(map.keyLine('questions')).toBe(4);
    expect(map.questionLines).toEqual([5, 6, 7]);
    expect(map.keyLine('review_by')).toBe(12);
    expect(map.bodyStartLine).toBe(14);
    expect(map.lines[map.bodyStartLine]).toBe('## Answer');
  });

  it('copes with a file without front matter', () => {
    expect(sourceMap('# Title\n').bodyStartLine).toBe(1);
  });
});

describe('kb-lint: the same question in two articles', () => {
  it('normalises case, punctuation, apostrophes and spacing', () => {
    expect(normalisePhrasing("  What's   the VPN portal-address?? ")).toBe('whats the vpn portal address');
    expect(normalisePhrasing('Café  wifi')).toBe('cafe wifi');
  });

  it('reports every article claiming it, at the phrasing line, as an error', () => {
    const findings = duplicateQuestions([
      linted('network/a.md', source('a-a', ['how do I connect', "What's the VPN portal?"])),
      linted('network/b.md', source('b-b', ['reset vpn', 'whats the vpn portal'])),
      linted('other/c.md', source('c-c', ['something else', 'else', 'WHATS THE VPN PORTAL'])),
      linted('other/d.md', source('d-d', ['how do I connect to wifi'])),
    ]);
    expect(lines(findings)).toEqual([
      `knowledge-base/network/a.md:6: questions: "What's the VPN portal?" is also a question of network/b.md (line 6), other/c.md (line 7); only one of them can get it`,
      'knowledge-base/network/b.md:6: questions: "whats the vpn portal" is also a question of network/a.md (line 6), other/c.md (line 7); only one of them can get it',
      'knowledge-base/other/c.md:7: questions: "WHATS THE VPN PORTAL" is also a question of network/a.md (line 6), network/b.md (line 6); only one of them can get it',
    ]);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
  });

  it('does not report a phrasing repeated inside one article', () => {
    expect(duplicateQuestions([linted('a.md', source('a-a', ['reset vpn', 'Reset VPN!']))])).toEqual([]);
  });
});

describe('kb-lint: near-duplicates', () => {
  const vpn = linted(
    'network/vpn-troubleshooting.md',
    source(
      'vpn-troubleshooting',
      [
        'vpn wont connect',
        'globalprotect stuck on connecting',
        'vpn keeps disconnecting',
        'globalprotect says authentication failed',
      ],
      {
        title: "VPN won't connect or keeps dropping",
      },
    ),
  );
  const printer = linted(
    'printing/printer-setup.md',
    source('printer-setup', ['how do I add a printer', 'set up printing on my mac'], {
      title: 'Add the office printer',
    }),
  );
  const mailbox = linted(
    'email/mailbox-full.md',
    source('mailbox-full', ['my mailbox is full', 'how much email storage do I get'], { title: 'Mailbox full' }),
  );
  const password = linted(
    'accounts/password-reset.md',
    source('password-reset', ['I forgot my password', 'how do I reset my password'], {
      title: 'Reset a forgotten password',
    }),
  );

  it('reports a reworded copy of an article in both files, at the closest phrasing, as a warning', () => {
    const copy = linted(
      'network/gp.md',
      source('gp', ["globalprotect won't connect", 'my vpn keeps dropping', 'vpn connection failed'], {
        title: 'GlobalProtect is not connecting',
      }),
    );
    const findings = nearDuplicates([vpn, printer, mailbox, password, copy], analyzer);
    expect(lines(findings)).toEqual([
      "knowledge-base/network/vpn-troubleshooting.md:6: questions: near-duplicate of network/gp.md (similarity 0.81): they will steal each other's matches (warning)",
      "knowledge-base/network/gp.md:5: questions: near-duplicate of network/vpn-troubleshooting.md (similarity 0.81): they will steal each other's matches (warning)",
    ]);
  });

  it('sees text the way the engine does: "pw" is "password", punctuation and filler words do not count', () => {
    const other = linted(
      'accounts/pw.md',
      source('pw', ['help, forgot my pw!!', 'change my pw'], { title: 'Passwords' }),
    );
    const pair = similarPairs([password, other, printer], analyzer)[0]!;
    expect(pair).toMatchObject({
      a: 'accounts/password-reset.md',
      b: 'accounts/pw.md',
      similarity: 1,
      phrasings: 1,
      bestA: 1,
      bestB: 1,
    });
    // Titles count too: a title's line is the title's.
    const titled = linted(
      'accounts/t.md',
      source('t-t', ['what are the password rules'], { title: 'forgotten password' }),
    );
    expect(lines(nearDuplicates([password, titled, printer], analyzer))).toEqual([
      "knowledge-base/accounts/password-reset.md:5: questions: near-duplicate of accounts/t.md (similarity 1.00): they will steal each other's matches (warning)",
      "knowledge-base/accounts/t.md:3: questions: near-duplicate of accounts/password-reset.md (similarity 1.00): they will steal each other's matches (warning)",
    ]);
  });

  it('leaves distinct articles alone, and exact shared phrasings to the duplicate-question rule', () => {
    expect(nearDuplicates([vpn, printer, mailbox, password], analyzer)).toEqual([]);
    const sharing = linted(
      'accounts/change.md',
      source('change', ['how do I reset my password', 'my password expires soon'], { title: 'Change your password' }),
    );
    const pair = similarPairs([password, sharing], analyzer)[0]!;
    expect(pair.phrasings).toBeLessThan(1);
  });

  it('takes the threshold as a parameter', () => {
    const change = linted(
      'accounts/password-change.md',
      source('password-change', ['my password expires soon', 'what are the password rules'], {
        title: 'Change your password',
      }),
    );
    const articles = [vpn, printer, mailbox, password, change];
    const [closest, next] = similarPairs(articles, analyzer);
    expect(closest).toMatchObject({ a: 'accounts/password-reset.md', b: 'accounts/password-change.md' });
    expect(closest!.similarity).toBeGreaterThan(next!.similarity);
    expect(closest!.similarity).toBeGreaterThan(0);
    expect(nearDuplicates(articles, analyzer, closest!.similarity).map((f) => f.file)).toEqual([
      closest!.a,
      closest!.b,
    ]);
  });
});

describe('kb-lint: links between articles', () => {
  const body = [
    'See [VPN](../network/vpn.md) and [its fixes](../network/vpn-fix.md#when-it-drops "Fixes").',
    'Same folder: [a](sibling.md), [b](./sibling.md), <- fine; [moved](gone/printer.md), [web](https://example.com/x.md), [mail](mailto:it@example.com).',
    '[anchor](#details) ![img](diagram.png) [outside](../../../README.md) [angle](<../network/with space.md>) [encoded](../network/with%20space.md)',
    '`[code](nowhere.md)`',
    '```md',
    '[fenced](nowhere.md)',
    '```',
    '    - [nested list](../network/missing.md)',
    '[ref]: ../network/also-missing.md',
  ].join('\n');
  const article = linted('access/page.md', source('page', ['a question'], { body }));

  it('finds inline links and reference definitions with their lines, outside code', () => {
    expect(articleLinks(article.source).map((l) => `${l.line} ${l.target}`)).toEqual([
      '14 ../network/vpn.md',
      '14 ../network/vpn-fix.md#when-it-drops',
      '15 sibling.md',
      '15 ./sibling.md',
      '15 gone/printer.md',
      '15 https://example.com/x.md',
      '15 mailto:it@example.com',
      '16 #details',
      '16 diagram.png',
      '16 ../../../README.md',
      '16 ../network/with space.md',
      '16 ../network/with%20space.md',
      '21 ../network/missing.md',
      '22 ../network/also-missing.md',
    ]);
  });

  it('resolves relative and root paths, and ignores what is not a link to an article', () => {
    expect(resolveArticleLink('access/page.md', '../network/vpn.md#x')).toEqual({ path: 'network/vpn.md' });
    expect(resolveArticleLink('access/page.md', '/network/vpn.md')).toEqual({ path: 'network/vpn.md' });
    expect(resolveArticleLink('page.md', '../x.md')).toEqual({ outside: true });
    for (const target of ['https://example.com/a.md', 'mailto:a@b.c', '#top', 'diagram.png', '//cdn/x.md'])
      expect(resolveArticleLink('a/b.md', target)).toBeUndefined();
  });

  it('reports links that lead to no article, with a hint when the file moved', () => {
    const files = new Set([
      'access/page.md',
      'access/sibling.md',
      'network/vpn.md',
      'network/vpn-fix.md',
      'network/with space.md',
      'printing/printer.md',
    ]);
    expect(lines(brokenLinks([article], files))).toEqual([
      'knowledge-base/access/page.md:15: link: "gone/printer.md" does not lead to an article (no access/gone/printer.md); did you mean ../printing/printer.md? (warning)',
      'knowledge-base/access/page.md:16: link: "../../../README.md" points outside the knowledge base (warning)',
      'knowledge-base/access/page.md:21: link: "../network/missing.md" does not lead to an article (no network/missing.md) (warning)',
      'knowledge-base/access/page.md:22: link: "../network/also-missing.md" does not lead to an article (no network/also-missing.md) (warning)',
    ]);
  });
});

describe('kb-lint: review dates', () => {
  const due = linted('a/due.md', source('due', ['q one'], { extra: 'review_by: 2026-04-01' }));
  const today = linted('a/today.md', source('today-x', ['q two'], { extra: 'review_by: 2026-06-01' }));
  const future = linted(
    'a/future.md',
    source('future', ['q three']).replace('updated: 2026-05-01', 'updated: 2026-07-01'),
  );

  it('warns when review_by has passed and when updated is in the future', () => {
    expect(lines(staleArticles([due, today, future], '2026-06-01'))).toEqual([
      'knowledge-base/a/due.md:10: review_by: 2026-04-01 has passed (warning)',
      'knowledge-base/a/future.md:9: updated: 2026-07-01 is in the future (warning)',
    ]);
    // On the day itself nothing is due or early.
    expect(lines(staleArticles([due, today, future], '2026-07-01'))).toEqual([
      'knowledge-base/a/due.md:10: review_by: 2026-04-01 has passed (warning)',
      'knowledge-base/a/today.md:10: review_by: 2026-06-01 has passed (warning)',
    ]);
  });

  it('refuses a malformed today, and formats local dates', () => {
    expect(() => staleArticles([due], '1/6/2026')).toThrow(/date like/);
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('kb-lint: the whole report', () => {
  const a = linted(
    'b/a.md',
    source('a-a', ['how do I print', 'scan to email'], {
      extra: 'script: helper\nreview_by: 2026-01-01',
      body: 'See [x](../b/nope.md).',
    }),
  );
  const b = linted('a/b.md', source('b-b', ['how do I print?', 'new laptop please']));

  const findings = lintKnowledgeBase({
    articles: [a, b],
    articleProblems: [
      { file: 'c/broken.md', field: 'updated', message: 'expected a date like 2026-10-15, got "soon"', line: 9 },
      { file: 'c/dup.md', field: 'id', message: 'id "a-a" is already used by b/a.md' },
    ],
    problemSources: new Map([['c/dup.md', source('a-a', ['x y'])]]),
    scriptProblems: [
      { file: 'scripts/s.yaml', line: 3, field: 'steps.a', message: 'is never reached', severity: 'warning' },
    ],
    workingScripts: new Set(['other']),
    analyzer,
    today: '2026-06-01',
  });

  it('combines every rule, sorted by file then line', () => {
    expect(lines(findings)).toEqual([
      'knowledge-base/a/b.md:5: questions: "how do I print?" is also a question of b/a.md (line 5); only one of them can get it',
      'knowledge-base/b/a.md:5: questions: "how do I print" is also a question of a/b.md (line 5); only one of them can get it',
      'knowledge-base/b/a.md:11: script: "helper" is not a working script',
      'knowledge-base/b/a.md:12: review_by: 2026-01-01 has passed (warning)',
      'knowledge-base/b/a.md:17: link: "../b/nope.md" does not lead to an article (no b/nope.md) (warning)',
      'knowledge-base/c/broken.md:9: updated: expected a date like 2026-10-15, got "soon"',
      'knowledge-base/c/dup.md:2: id: id "a-a" is already used by b/a.md',
      'knowledge-base/scripts/s.yaml:3: steps.a: is never reached (warning)',
    ]);
  });

  it('exits 1 on errors, 0 on warnings alone unless strict, and counts both', () => {
    const counts = { articles: 2, scripts: 1 };
    expect(lintReport(findings, counts)).toMatchObject({
      exitCode: 1,
      summary: '2 articles, 1 scripts: 5 errors, 3 warnings',
    });
    const warnings = findings.filter((f) => f.severity === 'warning');
    expect(lintReport(warnings, counts)).toMatchObject({
      exitCode: 0,
      summary: '2 articles, 1 scripts: no errors, 3 warnings',
    });
    expect(lintReport(warnings, counts, true)).toMatchObject({
      exitCode: 1,
      summary: '2 articles, 1 scripts: no errors, 3 warnings (--strict: warnings fail)',
    });
    expect(lintReport(warnings.slice(0, 1), counts)).toMatchObject({
      exitCode: 0,
      summary: '2 articles, 1 scripts: no errors, 1 warning',
    });
    expect(lintReport([], counts, true)).toEqual({
      lines: [],
      exitCode: 0,
      summary: '2 articles, 1 scripts: no errors, no warnings',
    });
  });
});
