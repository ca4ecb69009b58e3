import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clincArticles, clincQuestions, readClinc } from '../../src/bench/clinc-data.js';
import { runClincBench } from '../../src/bench/clinc-bench.js';
import { HashingSentenceEncoder } from '../../src/core/answering/hashing-sentence-encoder.js';

const root = path.resolve(import.meta.dirname, '../..');
const tiny = path.join(root, 'test/fixtures/clinc-tiny.json');
const withTest = path.join(root, 'test/fixtures/clinc-tiny-with-test.json');

describe('CLINC150-format data', () => {
  it('makes one article per intent from the training utterances, never from oos_train', () => {
    const data = readClinc(tiny);
    const articles = clincArticles(data.train);
    expect(articles.map((a) => a.id)).toEqual(['translate', 'balance', 'weather']);
    expect(articles.every((a) => a.questions.length === 6 && a.body === '' && a.tags.length === 0)).toBe(true);
    expect(articles.flatMap((a) => a.questions)).not.toContain('this must never be read');
  });

  it('draws --shots utterances per intent at random, the same for the same seed', () => {
    const data = readClinc(tiny);
    const all = new Map(clincArticles(data.train).map((a) => [a.id, a.questions]));
    const draws = [1, 2, 3, 4, 5].map((seed) => clincArticles(data.train, 2, seed));
    for (const articles of draws) {
      for (const article of articles) {
        expect(article.questions).toHaveLength(2);
        expect(new Set(article.questions).size).toBe(2);
        for (const q of article.questions) expect(all.get(article.id)).toContain(q);
        expect(article.title).toBe(article.questions[0]);
      }
    }
    expect(clincArticles(data.train, 2, 3)).toEqual(draws[2]);
    expect(clincArticles(data.train, 2)).toEqual(draws[0]); // seed 1 by default
    // Not the first two in file order every time, and not one draw for every seed.
    const firstTwo = [...all.values()].map((q) => q.slice(0, 2));
    expect(
      draws.some((articles) => JSON.stringify(articles.map((a) => a.questions)) !== JSON.stringify(firstTwo)),
    ).toBe(true);
    expect(new Set(draws.map((articles) => JSON.stringify(articles.map((a) => a.questions)))).size).toBeGreaterThan(1);
  });

  it('labels a split: in-scope rows expect their article, out-of-scope rows expect no answer', () => {
    const questions = clincQuestions(readClinc(withTest), 'test');
    expect(questions).toHaveLength(6);
    expect(questions.filter((q) => q.expected === null)).toHaveLength(2);
    expect(questions[0]).toEqual({ text: 'translate see you later into german', expected: 'translate' });
    expect(() => clincQuestions(readClinc(tiny), 'test')).toThrow(/no "test" and "oos_test"/);
  });
});

describe('bench:clinc', () => {
  it('chooses the threshold on val and evaluates val with the bot engine', async () => {
    const result = await runClincBench({ data: tiny });
    expect(result).toMatchObject({
      split: 'val',
      shots: null,
      seed: null,
      articles: 3,
      questionsIndexed: 18,
      inScope: 6,
      outOfScope: 2,
    });
    // Evaluating val itself, the split's figures at the val threshold are the trade-off's.
    expect(result.atValThreshold50).toEqual({
      inScopeAccuracy: result.atOosRecall50.inScopeAccuracy,
      oosRecall: result.atOosRecall50.oosRecall,
    });
    expect(result.inScopeAccuracy).toBeGreaterThanOrEqual(5 / 6);
    expect(result.oosRecall).toBe(1);
    expect(result.threshold).toBeGreaterThan(0);
  });

  it('evaluates the test split of a file that has one, with --shots', async () => {
    const result = await runClincBench({ data: withTest, split: 'test', shots: 3 });
    expect(result).toMatchObject({
      split: 'test',
      shots: 3,
      seed: 1,
      articles: 3,
      questionsIndexed: 9,
      inScope: 4,
      outOfScope: 2,
    });
    expect(result.atValThreshold50.oosRecall).toBeGreaterThanOrEqual(0);
    expect(result.top1).toBeGreaterThanOrEqual(0.75);
  });

  it('refuses --split test on a file without test/oos_test', async () => {
    await expect(runClincBench({ data: tiny, split: 'test' })).rejects.toThrow(/no "test" and "oos_test"/);
  });

  it('asks a sentence encoder for the questions the lexical engine is unsure of', async () => {
    const encoder = new HashingSentenceEncoder();
    const result = await runClincBench({ data: tiny, encoder });
    expect(result).toMatchObject({ encoder: encoder.name, inScope: 6, outOfScope: 2 });
    expect(result.encodedShare).toBeGreaterThan(0);
    // Each article's title and 6 utterances once, then only the questions the lexical engine was not sure of (val twice: choosing, then evaluating).
    expect(encoder.embedded).toBe(3 * 7 + 2 * result.encodedShare * 8);
    expect(result.top1).toBeGreaterThanOrEqual(5 / 6);
  });

  it('runs from the command line and ends with one JSON line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/bench/clinc-bench.ts',
        '--data',
        withTest,
        '--split',
        'test',
        '--shots',
        '4',
        '--seed',
        '7',
        '--encoder',
        'none',
      ],
      { cwd: root },
    );
    expect(stdout).toContain('Larson et al. 2019');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual(
      expect.arrayContaining([
        'inScopeAccuracy',
        'oosRecall',
        'oosPrecision',
        'inScopeAccuracyAtValThreshold50',
        'oosRecallAtValThreshold50',
        'medianMs',
        'p99Ms',
        'indexMs',
        'rssMB',
      ]),
    );
    expect(stdout).toMatch(
      /At the threshold that rejected half of oos_val on val \([\d.]+\), test: in-scope accuracy [\d.]+%, out-of-scope recall [\d.]+%/,
    );
    expect(last).toMatchObject({ split: 'test', shots: 4, seed: 7, articles: 3, questionsIndexed: 12 });
  });
});
