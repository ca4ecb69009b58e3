import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { thresholdsFor } from '../../src/core/answering/answer-engine.js';
import { MultilingualEngine } from '../../src/core/answering/multilingual-engine.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { evaluate, readQuestions, type EvaluationReport } from '../../src/evaluation/evaluate-questions.js';
import { qualityGates } from '../../src/evaluation/quality-floors.js';

// The German and French gate files (the fitting files, kb-questions-fit-de/-fr.jsonl, are what
// the languages' thresholds were fitted on; these were never used to fit anything). The engine is
// the one the bot asks and `npm run kb:eval -- --encoder none` measures: one per language, the
// question's language detected, each language's own fitted thresholds (language-thresholds.ts),
// English's pair for ENCODER=none. The German and French engines are lexical whatever ENCODER
// says, so the sentence encoder would change nothing but the English fallback's offers.

// Floors a little below one measurement (the evaluation is deterministic), kept with kb:eval's
// (src/evaluation/quality-floors.ts, the measured figures in its comments) so that it names them.
const gates = qualityGates.filter((gate) => gate.language !== 'English');

let kb: KnowledgeBase;
let engine: MultilingualEngine;

beforeAll(async () => {
  kb = await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'));
  engine = await MultilingualEngine.build(kb.articles, thresholdsFor('none'), 'en');
});

describe.each(gates)('answer quality on the $language question file ($file)', ({ file, floors }) => {
  let report: EvaluationReport;

  beforeAll(async () => {
    report = await evaluate(engine, readQuestions(path.resolve(import.meta.dirname, '../fixtures', file)));
  });

  it('the question file is big enough and names only real articles', () => {
    expect(report.inScope).toBeGreaterThanOrEqual(40);
    expect(report.outOfScope).toBeGreaterThanOrEqual(10);
    const ids = new Set(kb.articles.map((a) => a.id));
    const unknown = report.outcomes.map((o) => o.question.expected).filter((id) => id !== null && !ids.has(id));
    expect(unknown).toEqual([]);
  });

  it('answers the right article outright, answers or offers it, and ranks it first, at least as often as measured', () => {
    expect(report.answeredCorrect / report.inScope).toBeGreaterThanOrEqual(floors.answeredRight);
    expect((report.answeredCorrect + report.suggestedCorrect) / report.inScope).toBeGreaterThanOrEqual(
      floors.answeredOrOffered,
    );
    expect(report.top1 / report.inScope).toBeGreaterThanOrEqual(floors.top1);
  });

  // Measured 0 of 62 in both languages; the bot promises at most 2% (one question of 62).
  it('never bluffs: at most 2% of all questions get a confident wrong answer', () => {
    expect(floors.confidentWrongAtMost).toBeLessThanOrEqual(0.02);
    const wrong = report.outcomes
      .filter((o) => o.result.outcome === 'answered' && o.result.article.id !== o.question.expected)
      .map((o) => `${o.question.text} -> ${o.result.outcome === 'answered' ? o.result.article.id : ''}`);
    expect(report.confidentWrong / (report.inScope + report.outOfScope), wrong.join('\n')).toBeLessThanOrEqual(
      floors.confidentWrongAtMost,
    );
  });

  it('says "I don\'t have an answer" to the out-of-scope questions at least as often as measured', () => {
    expect(report.outOfScopeDeclined / report.outOfScope).toBeGreaterThanOrEqual(floors.outOfScopeDeclined);
  });
});
