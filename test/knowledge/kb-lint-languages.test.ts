import { describe, expect, it } from 'vitest';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { lintKnowledgeBase } from '../../src/core/knowledge/kb-lint-report.js';
import { formatFinding, type LintedArticle } from '../../src/core/knowledge/kb-lint-source.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';

/** An article file with `extra` front-matter lines (lang, translation_of) after `updated` (line 9 with one question). */
function article(file: string, id: string, questions: string[], extra: string[] = []): LintedArticle {
  const text = [
    '---',
    `id: ${id}`,
    `title: About ${id}`,
    'questions:',
    ...questions.map((q) => `  - ${q}`),
    'tags: [test]',
    'category: test',
    'owner: test-team',
    'updated: 2026-05-01',
    ...extra,
    '---',
    '',
    '## Answer',
    '',
    'Do the thing.',
    '',
  ].join('\n');
  const parsed = parseArticle(text, file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { article: parsed.article, source: text };
}

const lint = (articles: LintedArticle[], defaultLanguage?: string) =>
  lintKnowledgeBase({
    articles,
    analyzer: new TextAnalyzer(),
    analyzerFor: (language) => TextAnalyzer.for(language),
    today: '2026-06-01',
    ...(defaultLanguage ? { defaultLanguage } : {}),
  }).map((finding) => formatFinding(finding, ''));

const vpn = article('network/vpn-setup.md', 'vpn-setup', ['how do I set up the vpn']);

describe('kb:lint and languages', () => {
  it('a translation linked to its English original is clean', () => {
    const de = article(
      'de/network/vpn-setup.md',
      'vpn-setup-de',
      ['wie richte ich das vpn ein'],
      ['lang: de', 'translation_of: vpn-setup'],
    );
    expect(lint([vpn, de])).toEqual([]);
  });

  it('a translation whose original does not exist is an error at its translation_of line', () => {
    const de = article(
      'de/network/vpn.md',
      'vpn-de',
      ['wie richte ich das vpn ein'],
      ['lang: de', 'translation_of: vpn'],
    );
    expect(lint([vpn, de])).toEqual([
      'de/network/vpn.md:11: translation_of: "vpn" is no article: the English original is missing (or its id changed)',
    ]);
  });

  it('a translation of a translation, a second translation into one language, and a default-language article that "translates" are errors', () => {
    const de = article(
      'de/a.md',
      'vpn-setup-de',
      ['wie richte ich das vpn ein'],
      ['lang: de', 'translation_of: vpn-setup'],
    );
    const de2 = article(
      'de/b.md',
      'vpn-setup-de-2',
      ['vpn einrichten bitte'],
      ['lang: de', 'translation_of: vpn-setup'],
    );
    const fr = article('fr/a.md', 'vpn-setup-fr', ['configurer le vpn'], ['lang: fr', 'translation_of: vpn-setup-de']);
    const en = article('b.md', 'vpn-other', ['vpn client download'], ['translation_of: vpn-setup']);
    expect(lint([vpn, de, de2, fr, en]).filter((line) => line.includes('translation_of'))).toEqual([
      'b.md:10: translation_of: "vpn-setup": an article in the default language (en) translates nothing; set lang',
      'de/b.md:11: translation_of: "vpn-setup" already has a German translation: de/a.md',
      'fr/a.md:11: translation_of: "vpn-setup-de" is in German, not English: name the English original',
    ]);
  });

  it('an article in another language without an original is a warning', () => {
    const de = article('de/kantine.md', 'kantine-de', ['wo ist die kantine'], ['lang: de']);
    expect(lint([vpn, de])).toEqual([
      'de/kantine.md:10: translation_of: a German article that names no English original: add translation_of with its id (if it has one) (warning)',
    ]);
  });

  it('the same question in two articles of one language is an error; across languages it is not', () => {
    const de = article('de/a.md', 'vpn-setup-de', ['outlook'], ['lang: de', 'translation_of: vpn-setup']);
    const en = article('b.md', 'mail', ['outlook']);
    const de2 = article('de/b.md', 'mail-de', ['Outlook!'], ['lang: de', 'translation_of: mail']);
    const out = lint([vpn, de, en, de2]).filter((line) => line.includes('also a question'));
    expect(out).toEqual([
      'de/a.md:5: questions: "outlook" is also a question of de/b.md (line 5); only one of them can get it',
      'de/b.md:5: questions: "Outlook!" is also a question of de/a.md (line 5); only one of them can get it',
    ]);
  });

  it('with German as the default language, articles without lang are German and translations name German originals', () => {
    const base = article('a.md', 'vpn-einrichten', ['wie richte ich das vpn ein']);
    const en = article(
      'en/a.md',
      'vpn-setup-en',
      ['how do I set up the vpn'],
      ['lang: en', 'translation_of: vpn-einrichten'],
    );
    expect(lint([base, en], 'de')).toEqual([]);
    expect(lint([vpn], 'de')).toEqual([]);
  });

  it('lang must be a two-letter code, translation_of an id', () => {
    for (const [line, message] of [
      ['lang: German', 'two-letter language code'],
      ['lang: EN', 'two-letter language code'],
      ['lang: 12', 'expected string'],
      ['translation_of: "Not An Id!"', 'the id of the article this translates'],
    ] as const) {
      const text = [
        '---',
        'id: x-1',
        'title: X',
        'questions: [a]',
        'tags: []',
        'category: c',
        'owner: o',
        'updated: 2026-01-01',
        line,
        '---',
        '',
        'Answer.',
      ].join('\n');
      const parsed = parseArticle(text, 'x.md');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problems.map((p) => p.message).join(' ')).toContain(message);
    }
  });
});
