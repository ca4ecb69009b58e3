import type { AnswerEngine, AnswerResult } from '../core/answering/answer-engine.js';

/**
 * Metrics of Larson et al. (EMNLP 2019, CLINC150), section 4: a query is "rejected" (predicted
 * out of scope) when the engine does not answer it outright; a "did you mean" offer and
 * "I don't have an answer" are both rejections, because neither gives an answer.
 *
 * - in-scope accuracy: in-scope queries answered with the expected article / all in-scope queries
 *   (a rejected in-scope query counts as wrong);
 * - out-of-scope recall: out-of-scope queries rejected / all out-of-scope queries;
 * - out-of-scope precision: out-of-scope queries rejected / all rejected queries.
 *
 * Ranking figures ignore the decision: top-3 recall (expected article among the first three
 * candidates) and MRR (mean of 1/rank of the expected article, 0 when it is not among the
 * engine's candidates), over in-scope queries.
 */
export const METRIC_DEFINITIONS = [
  'Definitions as in Larson et al. 2019 (CLINC150): a query is rejected (predicted out of scope) when the engine does not answer it outright ("did you mean" and "no answer" both count as rejected).',
  'in-scope accuracy = in-scope queries answered with the expected article / all in-scope queries (a rejected in-scope query is wrong)',
  'out-of-scope recall = out-of-scope queries rejected / all out-of-scope queries; out-of-scope precision = out-of-scope queries rejected / all rejected queries',
  'top-3 recall and MRR: rank of the expected article among the candidates, whatever the decision, over in-scope queries (MRR counts 0 beyond the candidates listed)',
];

/** One question and what the engine made of it: enough to compute every figure. */
export interface ScoredQuestion {
  /** Expected article id, or null when the engine should not answer. */
  expected: string | null;
  /** The article answered outright, or null when the engine did not answer. */
  answered: string | null;
  /** Candidate article ids, best first. */
  ranked: string[];
  /** The engine's confidence in its best candidate (0-1). */
  confidence: number;
  ms: number;
}

export interface ScopeMetrics {
  questions: number;
  inScope: number;
  outOfScope: number;
  inScopeAccuracy: number;
  oosRecall: number;
  oosPrecision: number;
  top1: number;
  top3Recall: number;
  mrr: number;
  medianMs: number;
  p99Ms: number;
}

export function scoreQuestion(expected: string | null, result: AnswerResult, ms: number): ScoredQuestion {
  return {
    expected,
    answered: result.outcome === 'answered' ? result.article.id : null,
    ranked: result.explanation.candidates.map((c) => c.articleId),
    confidence: result.confidence,
    ms,
  };
}

/** Asks the engine every question, timing each `ask`. */
export function askAll(
  engine: AnswerEngine,
  questions: ReadonlyArray<{ text: string; expected: string | null }>,
): ScoredQuestion[] {
  return questions.map(({ text, expected }) => {
    const start = process.hrtime.bigint();
    const result = engine.ask(text);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return scoreQuestion(expected, result, ms);
  });
}

export function scopeMetrics(scored: readonly ScoredQuestion[]): ScopeMetrics {
  let inScope = 0;
  let outOfScope = 0;
  let correct = 0;
  let top1 = 0;
  let top3 = 0;
  let reciprocal = 0;
  let oosRejected = 0;
  let rejected = 0;
  for (const q of scored) {
    if (q.answered === null) rejected++;
    if (q.expected === null) {
      outOfScope++;
      if (q.answered === null) oosRejected++;
      continue;
    }
    inScope++;
    if (q.answered === q.expected) correct++;
    const rank = q.ranked.indexOf(q.expected);
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
  }
  const times = scored.map((q) => q.ms).sort((a, b) => a - b);
  return {
    questions: scored.length,
    inScope,
    outOfScope,
    inScopeAccuracy: ratio(correct, inScope),
    oosRecall: ratio(oosRejected, outOfScope),
    oosPrecision: ratio(oosRejected, rejected),
    top1: ratio(top1, inScope),
    top3Recall: ratio(top3, inScope),
    mrr: ratio(reciprocal, inScope),
    medianMs: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
  };
}

/**
 * The answer threshold that maximises in-scope accuracy + out-of-scope recall (each class of
 * query weighs the same, however many there are) on labelled questions, from the engine's
 * confidences: a question is answered with its best candidate when its confidence reaches the
 * threshold. Ties go to the lower threshold (more answers).
 */
export function chooseThreshold(scored: readonly ScoredQuestion[]): {
  threshold: number;
  inScopeAccuracy: number;
  oosRecall: number;
} {
  const inScope = scored.filter((q) => q.expected !== null).length;
  const outOfScope = scored.length - inScope;
  // Sorted by confidence, descending: lowering the threshold past a confidence answers that question.
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence);
  let correct = 0;
  let oosAnswered = 0;
  // Threshold above every confidence: nothing is answered.
  let best = {
    threshold: (sorted[0]?.confidence ?? 0) + 0.001,
    inScopeAccuracy: 0,
    oosRecall: outOfScope === 0 ? 0 : 1,
  };
  let bestScore = best.inScopeAccuracy + best.oosRecall;
  for (let i = 0; i < sorted.length; i++) {
    const q = sorted[i]!;
    if (q.expected === null) oosAnswered++;
    else if (q.ranked[0] === q.expected) correct++;
    // Only a point between distinct confidences is a real threshold.
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === q.confidence) continue;
    const acc = ratio(correct, inScope);
    const recall = outOfScope === 0 ? 0 : 1 - oosAnswered / outOfScope;
    if (acc + recall > bestScore + 1e-12) {
      bestScore = acc + recall;
      best = { threshold: q.confidence, inScopeAccuracy: acc, oosRecall: recall };
    }
  }
  return best;
}

/**
 * The trade-off curve: the best in-scope accuracy any threshold reaches while rejecting at least
 * `minRecall` of the out-of-scope questions, and that threshold.
 */
export function bestAccuracyAtRecall(
  scored: readonly ScoredQuestion[],
  minRecall: number,
): { threshold: number; inScopeAccuracy: number; oosRecall: number } {
  const inScope = scored.filter((q) => q.expected !== null).length;
  const outOfScope = scored.length - inScope;
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence);
  let correct = 0;
  let oosAnswered = 0;
  let best = {
    threshold: (sorted[0]?.confidence ?? 0) + 0.001,
    inScopeAccuracy: 0,
    oosRecall: outOfScope === 0 ? 0 : 1,
  };
  for (let i = 0; i < sorted.length; i++) {
    const q = sorted[i]!;
    if (q.expected === null) oosAnswered++;
    else if (q.ranked[0] === q.expected) correct++;
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === q.confidence) continue;
    const recall = outOfScope === 0 ? 0 : 1 - oosAnswered / outOfScope;
    const acc = ratio(correct, inScope);
    if (recall >= minRecall && acc > best.inScopeAccuracy)
      best = { threshold: q.confidence, inScopeAccuracy: acc, oosRecall: recall };
  }
  return best;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

function ratio(n: number, d: number): number {
  return d === 0 ? 0 : n / d;
}

/** Metrics as a printable table: one row per figure. */
export function metricsTable(m: ScopeMetrics): Array<{ metric: string; value: string }> {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return [
    { metric: 'questions (in scope / out of scope)', value: `${m.questions} (${m.inScope} / ${m.outOfScope})` },
    { metric: 'in-scope accuracy', value: pct(m.inScopeAccuracy) },
    { metric: 'out-of-scope recall', value: pct(m.oosRecall) },
    { metric: 'out-of-scope precision', value: pct(m.oosPrecision) },
    { metric: 'top-1 (ranking only)', value: pct(m.top1) },
    { metric: 'top-3 recall', value: pct(m.top3Recall) },
    { metric: 'MRR', value: m.mrr.toFixed(4) },
    { metric: 'latency median (ms)', value: m.medianMs.toFixed(3) },
    { metric: 'latency p99 (ms)', value: m.p99Ms.toFixed(3) },
  ];
}

/** Rounds the fractions of a metrics object for a JSON line. */
export function roundedMetrics(m: ScopeMetrics): ScopeMetrics {
  const r = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    ...m,
    inScopeAccuracy: r(m.inScopeAccuracy, 4),
    oosRecall: r(m.oosRecall, 4),
    oosPrecision: r(m.oosPrecision, 4),
    top1: r(m.top1, 4),
    top3Recall: r(m.top3Recall, 4),
    mrr: r(m.mrr, 4),
    medianMs: r(m.medianMs, 4),
    p99Ms: r(m.p99Ms, 4),
  };
}
