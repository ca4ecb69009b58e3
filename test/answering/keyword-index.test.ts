import path from 'node:path';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/answering/answer-engine.js';
import { KeywordIndex, type ExpansionSettings } from '../../src/core/answering/keyword-index.js';
import { runSteps } from '../../src/core/answering/time-slicing.js';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { generateArticles } from '../../src/bench/generated-kb.js';
import { readQuestions } from '../../src/evaluation/evaluate-questions.js';

const FIELDS = ['title', 'questions', 'body', 'tags'];
const BOOSTS = [2.5, 3, 1, 1.5];
const exactOnly: ExpansionSettings = {
  fuzzyDistance: () => 0,
  prefix: () => false,
  fuzzyWeight: 0.6,
  prefixWeight: 0.4,
  maxExpansions: 8,
};
const tolerant: ExpansionSettings = {
  ...exactOnly,
  fuzzyDistance: (t) => (t.length >= 8 ? 2 : t.length >= 4 ? 1 : 0),
  prefix: (t) => t.length >= 4,
};

const analyzer = new TextAnalyzer();
let articles: Article[];
let index: KeywordIndex;

const fieldsOf = (a: Article) => [
  a.title,
  a.questions.join('\n'),
  plainText(a.body),
  [...a.tags, a.category].join(' '),
];

const questionsOf = (...files: string[]) =>
  files.flatMap((file) => readQuestions(path.resolve(import.meta.dirname, '../fixtures', file)).map((q) => q.text));

/** Asks `index` and MiniSearch over the same articles each question; expects the same 20 best, scores and matches. Returns how many were compared. */
function comparedWithMiniSearch(
  articles: readonly Article[],
  index: KeywordIndex,
  questions: readonly string[],
): number {
  const mini = new MiniSearch<{ id: string; title: string; questions: string; body: string; tags: string }>({
    fields: FIELDS,
    storeFields: [],
    tokenize: (text) => analyzer.tokenize(text),
    processTerm: (term) => analyzer.terms(term),
  });
  for (const a of articles) {
    const [title, questions, body, tags] = fieldsOf(a) as [string, string, string, string];
    mini.add({ id: a.id, title, questions, body, tags });
  }
  let compared = 0;
  for (const question of questions) {
    const terms = analyzer.analyze(question);
    if (terms.length === 0) continue;
    const expected = mini
      .search(terms.join(' '), {
        boost: { title: 2.5, questions: 3, body: 1, tags: 1.5 },
        combineWith: 'OR',
        tokenize: (q) => q.split(' '),
        processTerm: (t) => t,
      })
      .slice(0, 20);
    const actual = index.search(terms, BOOSTS, exactOnly, 20);
    expect(
      actual.map((hit) => hit.id),
      question,
    ).toEqual(expected.map((r) => r.id));
    expect(
      actual.map((hit) => hit.score),
      question,
    ).toEqual(expected.map((r) => r.score));
    expect(
      actual.map((hit) => hit.queryTerms),
      question,
    ).toEqual(expected.map((r) => r.queryTerms));
    expect(
      actual.map((hit) => hit.match),
      question,
    ).toEqual(expected.map((r) => r.match));
    compared++;
  }
  return compared;
}

beforeAll(async () => {
  articles = (await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'))).articles;
  index = runSteps(
    KeywordIndex.build(
      articles.map((a) => ({ id: a.id, fields: fieldsOf(a) })),
      FIELDS,
      analyzer,
    ),
  );
});

describe('KeywordIndex', () => {
  it('scores and orders as MiniSearch did, with the same matches, on every question of both question files', () => {
    expect(
      comparedWithMiniSearch(articles, index, questionsOf('kb-questions.jsonl', 'kb-questions-fit.jsonl')),
    ).toBeGreaterThan(400);
  });

  it('scores as MiniSearch did when the postings fill more than one chunk of the build', () => {
    // 300 generated articles make about 99,000 postings: two of the build's chunks of 65,536.
    const generated = generateArticles(articles, 300);
    const large = runSteps(
      KeywordIndex.build(
        generated.map((a) => ({ id: a.id, fields: fieldsOf(a) })),
        FIELDS,
        analyzer,
      ),
    );
    expect(comparedWithMiniSearch(generated, large, questionsOf('kb-questions-fit.jsonl'))).toBeGreaterThan(200);
    expect(large.documentsWith('app299')).toBe(1);
  });

  it('finds an article through a typo and a prefix, and says which words matched', () => {
    const [hit] = index.search(['pasword', 'reset'], BOOSTS, tolerant, 5);
    expect(hit?.id).toBe('password-reset');
    expect(hit?.queryTerms).toEqual(['pasword', 'reset']);
    expect(hit?.match).toHaveProperty('password');
    expect(hit?.match).not.toHaveProperty('pasword');
    expect(index.expand('outlok', tolerant).map((e) => e.term)).toContain('outlook');
    expect(index.search(['pasword'], BOOSTS, exactOnly, 5)).toEqual([]);
  });

  it('widens a term to at most maxExpansions others, prefixes shortest first, and an unknown word to nothing', () => {
    for (const term of ['prin', 'pass', 'conf', 'acces', 'netwrk']) {
      const expanded = index.expand(term, tolerant);
      expect(expanded.filter((e) => e.term !== term).length, term).toBeLessThanOrEqual(tolerant.maxExpansions);
    }
    expect(index.expand('prin', { ...tolerant, maxExpansions: 2 })).toHaveLength(2);
    expect(index.expand('qqqqzzzzxxxx', tolerant)).toEqual([]);
    expect(index.search(['qqqqzzzzxxxx'], BOOSTS, tolerant, 20)).toEqual([]);
  });

  it('gives the same hits from one wider pass, and the wider list in rank order', () => {
    let longer = 0;
    for (const { text } of readQuestions(path.resolve(import.meta.dirname, '../fixtures/kb-questions-fit.jsonl'))) {
      const terms = analyzer.analyze(text);
      if (terms.length === 0) continue;
      const hits = index.search(terms, BOOSTS, tolerant, 3, undefined);
      const wide = index.searchWide(terms, BOOSTS, tolerant, 3, 40, undefined);
      expect(wide.hits, text).toEqual(hits);
      // Documents are numbered as they were indexed: the articles' order.
      const ranked = wide.documents.map((d) => articles[d]!.id);
      expect(ranked.slice(0, 3), text).toEqual(hits.map((h) => h.id));
      expect(ranked, text).toEqual(index.search(terms, BOOSTS, tolerant, 40, undefined).map((h) => h.id));
      if (ranked.length > 3) longer++;
    }
    expect(longer).toBeGreaterThan(100);
  });

  it('counts a document in every field, once', () => {
    expect(index.documentsWith('password')).toBeGreaterThan(1);
    expect(index.documentsWith('password')).toBeLessThanOrEqual(articles.length);
    expect(index.documentsWith('qqqq')).toBe(0);
    expect(index.has('password')).toBe(true);
  });

  it('takes hostile input: a 10 KB term, a thousand distinct words, unicode and emoji', () => {
    expect(index.search(['a'.repeat(10_000)], BOOSTS, tolerant, 20)).toEqual([]);
    const thousand = Array.from({ length: 1000 }, (_, i) => `word${i.toString(36)}`);
    const hits = index.search(thousand, BOOSTS, tolerant, 20);
    expect(hits.length).toBeLessThanOrEqual(20);
    for (const term of thousand)
      expect(index.expand(term, tolerant).length).toBeLessThanOrEqual(1 + tolerant.maxExpansions);
    expect(index.search(['日本語', '🙂', '\u0000', 'ab\uD800'], BOOSTS, tolerant, 20)).toEqual([]);
    expect(index.expand('outlöok', tolerant).map((e) => e.term)).toContain('outlook');
    expect(index.search([], BOOSTS, tolerant, 20)).toEqual([]);
    // The same search again gives the same answer: the scratch arrays are reset between searches.
    expect(index.search(['vpn', 'slow'], BOOSTS, tolerant, 5)).toEqual(
      index.search(['vpn', 'slow'], BOOSTS, tolerant, 5),
    );
  });

  it('refuses two documents with one id, as MiniSearch did', () => {
    const twice = [
      { id: 'a', fields: ['vpn', '', '', ''] },
      { id: 'a', fields: ['wifi', '', '', ''] },
    ];
    expect(() => runSteps(KeywordIndex.build(twice, FIELDS, analyzer))).toThrow(/"a" is used by two documents/);
  });

  it('indexes an empty knowledge base and documents with empty fields', () => {
    const empty = runSteps(KeywordIndex.build([], FIELDS, analyzer));
    expect(empty.search(['vpn'], BOOSTS, tolerant, 20)).toEqual([]);
    const blank = runSteps(
      KeywordIndex.build(
        [
          { id: 'a', fields: ['', '', '', ''] },
          { id: 'b', fields: ['VPN', '', '', ''] },
        ],
        FIELDS,
        analyzer,
      ),
    );
    expect(blank.search(['vpn'], BOOSTS, tolerant, 20).map((hit) => hit.id)).toEqual(['b']);
  });
});
