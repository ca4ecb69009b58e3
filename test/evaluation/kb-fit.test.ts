import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/core/answering/answer-engine.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { readQuestions, type LabelledQuestion } from '../../src/evaluation/evaluate-questions.js';
import { engineGate, fitThresholds, gateFigures } from '../../src/evaluation/kb-fit.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');

async function asked(questions: LabelledQuestion[]) {
  const kb = await loadKnowledgeBase(path.join(fixtures, 'eval-kb'));
  const engine = new AnswerEngine(kb.articles);
  return { engine, results: questions.map((q) => engine.ask(q.text)) };
}

describe('kb:fit', () => {
  it("re-deciding a ranking at the engine's own thresholds gives what ask gave", async () => {
    const questions = readQuestions(path.join(fixtures, 'eval-questions.jsonl'));
    const { engine, results } = await asked(questions);
    for (const result of results) expect(engine.decide(result.explanation)).toEqual(result);
  });

  it('keeps the pair that answers the most rightly within the constraints, and says what it does', async () => {
    const questions = readQuestions(path.join(fixtures, 'eval-questions.jsonl'));
    const { engine, results } = await asked(questions);
    const fitted = fitThresholds(engineGate(engine), questions, results, { maxWrong: 0, minDeclined: 1 })!;
    expect(fitted).not.toBeNull();
    // Within the constraints, and checked by re-deciding at the pair it names.
    expect(fitted.confidentWrong).toBe(0);
    expect(fitted.declined).toBe(1);
    const gate = engine.withThresholds(fitted.thresholds);
    expect(
      gateFigures(
        fitted.thresholds,
        questions,
        results.map((r) => gate.decide(r.explanation)),
      ),
    ).toEqual(fitted);
    // 3 of the 4 in-scope questions are asked verbatim; "install" is one word two articles have: offered, never answered.
    expect(fitted.answeredRight).toBe(0.75);
    expect(fitted.answeredOrOffered).toBe(1);
  });

  it('finds no pair when the constraints cannot be met', async () => {
    // An article's own phrasing labelled "should not answer": answered with confidence 1 at any threshold.
    const questions = [{ text: 'how do I reset my password', expected: null }];
    const { engine, results } = await asked(questions);
    expect(fitThresholds(engineGate(engine), questions, results, { maxWrong: 0, minDeclined: 0 })).toBeNull();
  });
});
