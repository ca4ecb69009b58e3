import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clincArticles, clincQuestions, readClinc } from '../../src/bench/clinc-data.js';
import { runClincBench } from '../../src/bench/clinc-bench.js';

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
    expect(clincArticles(data.train, 2).map((a) => a.questions)).toEqual([
      ['how do you say hello in french', 'translate good morning into spanish'],
      ['what is my bank balance', 'how much money is in my checking account'],
      ['what is the weather today', 'will it rain tomorrow'],
    ]);
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
  it('chooses the threshold on val and evaluates val with the bot engine', () => {
    const result = runClincBench({ data: tiny });
    expect(result).toMatchObject({ split: 'val', shots: null, articles: 3, questionsIndexed: 18, inScope: 6, outOfScope: 2 });
    expect(result.inScopeAccuracy).toBeGreaterThanOrEqual(5 / 6);
    expect(result.oosRecall).toBe(1);
    expect(result.threshold).toBeGreaterThan(0);
  });

  it('evaluates the test split of a file that has one, with --shots', () => {
    const result = runClincBench({ data: withTest, split: 'test', shots: 3 });
    expect(result).toMatchObject({ split: 'test', shots: 3, articles: 3, questionsIndexed: 9, inScope: 4, outOfScope: 2 });
    expect(result.top1).toBeGreaterThanOrEqual(0.75);
  });

  it('refuses --split test on a file without test/oos_test', () => {
    expect(() => runClincBench({ data: tiny, split: 'test' })).toThrow(/no "test" and "oos_test"/);
  });

  it('runs from the command line and ends with one JSON line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/bench/clinc-bench.ts', '--data', withTest, '--split', 'test', '--shots', '4'],
      { cwd: root },
    );
    expect(stdout).toContain('Larson et al. 2019');
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual(
      expect.arrayContaining(['inScopeAccuracy', 'oosRecall', 'oosPrecision', 'medianMs', 'p99Ms', 'indexMs', 'rssMB']),
    );
    expect(last).toMatchObject({ split: 'test', shots: 4, articles: 3, questionsIndexed: 12 });
  });
});
