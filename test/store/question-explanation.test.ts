/**
 * The explanation kept per question (issue 21 item 1): compact (ids and numbers, one title), read
 * back as the engine wrote it but for the other candidates' titles, which are the articles' own;
 * rows written before, and explanations of another shape, read as they were stored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, type AnswerExplanation } from '../../src/core/answering/answer-engine.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { readExplanation, storedExplanation } from '../../src/store/prisma/question-explanation.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let engine: AnswerEngine;
let questions: string[];

beforeAll(async () => {
  engine = new AnswerEngine((await loadKnowledgeBase(path.join(ROOT, 'knowledge-base'))).articles);
  questions = readFileSync(path.join(ROOT, 'test/fixtures/kb-questions-fit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text);
});

/** What reading back gives: the explanation with only `keep`'s title. */
function withTitleOf(explanation: AnswerExplanation, keep: string | null): unknown {
  return {
    ...explanation,
    candidates: explanation.candidates.map(({ title, ...rest }) =>
      rest.articleId === keep ? { ...rest, title } : rest,
    ),
  };
}

describe('the explanation kept per question', () => {
  it("reads back every fitting-file question's explanation, the asked-about article's title kept, in well under half the bytes", () => {
    let whole = 0;
    let compact = 0;
    for (const text of questions) {
      const result = engine.ask(text);
      const articleId =
        result.outcome === 'answered' ? result.article.id : (result.explanation.candidates[0]?.articleId ?? null);
      const stored = storedExplanation(result.explanation, articleId);
      expect(readExplanation(stored)).toEqual(withTitleOf(result.explanation, articleId));
      whole += Buffer.byteLength(JSON.stringify(result.explanation));
      compact += Buffer.byteLength(stored);
    }
    process.stdout.write(
      `${questions.length} questions: ${(whole / questions.length).toFixed(0)} -> ${(compact / questions.length).toFixed(0)} bytes per explanation (${(compact / whole).toFixed(2)}x)\n`,
    );
    expect(compact / whole).toBeLessThan(0.5);
  });

  it("keeps the encoder's similarities, a term matched outside the query's own, and the flags", () => {
    const explanation: AnswerExplanation = {
      queryTerms: ['printer', 'offlin'],
      matched: { printer: ['title', 'tags'], printr: ['body'] },
      unmatchedTerms: ['offlin'],
      coverage: 0.5,
      margin: 0,
      threshold: { answer: 0.47, suggest: 0.27 },
      candidates: [
        {
          articleId: 'printer-not-printing',
          title: 'Printer not printing',
          score: 3.2,
          confidence: 0.4,
          probability: 0.5,
          keyword: 1,
          semantic: 0.61,
        },
        {
          articleId: 'printer-setup',
          title: 'Set up a printer',
          score: 3.1,
          confidence: 0.39,
          probability: 0.4,
          keyword: 0.9,
        },
      ],
      encoded: true,
      ambiguous: true,
    };
    expect(readExplanation(storedExplanation(explanation, 'printer-setup'))).toEqual(
      withTitleOf(explanation, 'printer-setup'),
    );
    expect(readExplanation(storedExplanation(explanation, null))).toEqual(withTitleOf(explanation, null));
  });

  it('reads rows written before as they were, keeps another shape whole, and reads a damaged value as nothing', () => {
    const old = engine.ask('how do I reset my password').explanation;
    expect(readExplanation(JSON.stringify(old))).toEqual(old);
    for (const other of [
      { matched: ['reset'], candidates: [{ id: 'password-reset', score: 0.75 }] },
      { ...old, extra: 'a key the compact form does not know' },
      { ...old, matched: { reset: ['phrasings'] } },
      { ...old, candidates: [{ ...old.candidates[0]!, score: '1' }] },
    ])
      expect(readExplanation(storedExplanation(other, null))).toEqual(other);
    expect(readExplanation('{not json')).toEqual({});
    expect(readExplanation('[1,2]')).toEqual({});
    expect(readExplanation('null')).toEqual({});
  });
});
