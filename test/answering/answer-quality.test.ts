import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedArticles, thresholdsFor } from '../../src/core/answering/answer-engine.js';
import { articlesByLanguage, MultilingualEngine } from '../../src/core/answering/multilingual-engine.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { loadEncoder } from '../../src/encoders/encoder-registry.js';
import { evaluate, readQuestions, type EvaluationReport } from '../../src/evaluation/evaluate-questions.js';
import { qualityGates } from '../../src/evaluation/quality-floors.js';

const questionsFile = path.resolve(import.meta.dirname, '../fixtures/kb-questions.jsonl');
// The floors are kept with kb:eval's (src/evaluation/quality-floors.ts), so that it names them for this file.
const floorsFor = (encoder: 'none' | 'use-lite') =>
  qualityGates.find((gate) => gate.file === 'kb-questions.jsonl' && gate.encoder === encoder)!.floors;

// The engine the bot asks (as kb:eval builds it): one per language, the question's language
// detected; the sentence encoder embeds the English articles' phrasings.

describe('answer quality on the bundled knowledge base', () => {
  const floors = floorsFor('none');
  let report: EvaluationReport;
  let articleIds: Set<string>;

  beforeAll(async () => {
    const kb = await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'));
    articleIds = new Set(kb.articles.map((a) => a.id));
    report = await evaluate(
      await MultilingualEngine.build(kb.articles, thresholdsFor('none'), 'en'),
      readQuestions(questionsFile),
    );
  });

  it('the question file is big enough and names only real articles', () => {
    expect(report.inScope + report.outOfScope).toBeGreaterThanOrEqual(150);
    expect(report.outOfScope).toBeGreaterThanOrEqual(30);
    const unknown = report.outcomes.map((o) => o.question.expected).filter((id) => id !== null && !articleIds.has(id));
    expect(unknown).toEqual([]);
  });

  // Gates: measured values at the time of writing are in the comments; the gates sit a little
  // below, so that a change that makes answers worse fails here.
  // The thresholds are the ones fitted on another file (kb-questions-fit.jsonl, npm run kb:fit).
  it('ranks the right article first for at least 95% of in-scope questions', () => {
    expect(report.top1 / report.inScope).toBeGreaterThanOrEqual(floors.top1); // measured 0.951
  });

  it('answers the right article outright for at least 82% of in-scope questions, and answers or offers it for 94%', () => {
    expect(report.answeredCorrect / report.inScope).toBeGreaterThanOrEqual(floors.answeredRight); // measured 0.824
    expect((report.answeredCorrect + report.suggestedCorrect) / report.inScope).toBeGreaterThanOrEqual(
      floors.answeredOrOffered,
    ); // measured 0.941
  });

  it('never bluffs: at most 1% of all questions get a confident wrong answer', () => {
    const wrong = report.outcomes
      .filter((o) => o.result.outcome === 'answered' && o.result.article.id !== o.question.expected)
      .map((o) => `${o.question.text} -> ${o.result.outcome === 'answered' ? o.result.article.id : ''}`);
    expect(report.confidentWrong / (report.inScope + report.outOfScope), wrong.join('\n')).toBeLessThanOrEqual(
      floors.confidentWrongAtMost,
    ); // measured 2 of 247
  });

  it('says "I don\'t have an answer" (or who handles it) to at least 92% of out-of-scope questions', () => {
    expect(report.outOfScopeDeclined / report.outOfScope).toBeGreaterThanOrEqual(floors.outOfScopeDeclined); // measured 0.930 (40 of 43)
  });
});

// The real encoder, once (about 5 s: loading the model, embedding the phrasings, then only the
// questions the words alone leave unsure).
describe('answer quality on the bundled knowledge base with the sentence encoder (ENCODER=use-lite)', () => {
  const floors = floorsFor('use-lite');
  let report: EvaluationReport;

  beforeAll(async () => {
    const kb = await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'));
    const encoder = (await loadEncoder('use-lite'))!;
    const english = articlesByLanguage(kb.articles, 'en').get('en') ?? [];
    const engine = await MultilingualEngine.build(kb.articles, thresholdsFor(encoder.name), 'en', {
      embeddings: await embedArticles(english, encoder),
    });
    report = await evaluate(engine, readQuestions(questionsFile));
  }, 120_000);

  // With the outside topics and the pair fitted with them (0.285 / 0.21); before them 0.868 / 0.946 /
  // 0.990 at 0.365 / 0.275.
  it('answers the right article outright for at least 91% of in-scope questions, answers or offers it for 97%, ranking it first for 97%', () => {
    expect(report.answeredCorrect / report.inScope).toBeGreaterThanOrEqual(floors.answeredRight); // measured 0.922
    expect((report.answeredCorrect + report.suggestedCorrect) / report.inScope).toBeGreaterThanOrEqual(
      floors.answeredOrOffered,
    ); // measured 0.975
    expect(report.top1 / report.inScope).toBeGreaterThanOrEqual(floors.top1); // measured 0.975
  });

  // Loosened twice: 0 confident wrong answers before the refitted thresholds and the cascade at 0.5
  // (88% answered rightly where 0.42 / 0.26 answered 76%), then within 1%; with the outside topics'
  // pair 4 of 247 (92% answered rightly), within the 2% the bot promises. The questions are named if it fails.
  it('rarely bluffs (at most 2% confident wrong), and declines at least 86% of out-of-scope questions', () => {
    const wrong = report.outcomes
      .filter((o) => o.result.outcome === 'answered' && o.result.article.id !== o.question.expected)
      .map((o) => `${o.question.text} -> ${o.result.outcome === 'answered' ? o.result.article.id : ''}`);
    expect(report.confidentWrong / (report.inScope + report.outOfScope), wrong.join('\n')).toBeLessThanOrEqual(
      floors.confidentWrongAtMost,
    ); // measured 4 of 247
    expect(report.outOfScopeDeclined / report.outOfScope).toBeGreaterThanOrEqual(floors.outOfScopeDeclined); // measured 0.860 (37 of 43; 0.977 before the outside topics, whose pair offers more)
  });
});
