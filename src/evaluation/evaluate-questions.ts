import { z } from 'zod';
import { readJsonLines } from './json-lines.js';
import type { AnswerEngine, AnswerResult } from '../core/answering/answer-engine.js';
import { scoreQuestion, type ScoredQuestion } from './scope-metrics.js';

const lineSchema = z.object({ text: z.string().min(1), expected: z.string().nullable() });

/** One labelled question: the article that should answer it, or null for "should not answer". */
export type LabelledQuestion = z.infer<typeof lineSchema>;

/** Reads a JSON-lines question file; a bad line is an error naming its line number. */
export function readQuestions(file: string): LabelledQuestion[] {
  return readJsonLines(file, lineSchema);
}

/** What the engine did with one question. */
export interface QuestionOutcome {
  question: LabelledQuestion;
  result: AnswerResult;
  ms: number;
  /** Best-ranked article, whatever the outcome. */
  top: string | null;
}

export interface EvaluationReport {
  inScope: number;
  outOfScope: number;
  /** In-scope questions answered outright with the expected article. */
  answeredCorrect: number;
  /** In-scope questions where the expected article was offered as a "did you mean" choice. */
  suggestedCorrect: number;
  /** Questions answered outright with the wrong article, or answered when they should not be (bluffs). */
  confidentWrong: number;
  /** Out-of-scope questions that got "I don't have an answer". */
  outOfScopeDeclined: number;
  /** Expected article ranked first. */
  top1: number;
  /** Expected article among the first three. */
  top3: number;
  medianMs: number;
  p99Ms: number;
  outcomes: QuestionOutcome[];
}

/**
 * Asks the engine every question as the bot does (`answer`: with the sentence encoder when it
 * pays), one at a time, timing each: wall time, and the process's CPU time (all its threads),
 * which a busy machine's preemption does not inflate.
 */
export async function answerEach<R extends AnswerResult = AnswerResult>(
  engine: { answer(question: string): Promise<R> },
  questions: ReadonlyArray<{ text: string }>,
): Promise<Array<{ result: R; ms: number; cpuMs: number }>> {
  const out: Array<{ result: R; ms: number; cpuMs: number }> = [];
  for (const { text } of questions) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = await engine.answer(text);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    out.push({ result, ms, cpuMs: (used.user + used.system) / 1000 });
  }
  return out;
}

/**
 * `answerEach` scored for the scope metrics, with how many questions the encoder was asked for
 * and each question's CPU time (in the questions' order).
 */
export async function answerAll(
  engine: Pick<AnswerEngine, 'answer'>,
  questions: ReadonlyArray<{ text: string; expected: string | null }>,
): Promise<{ scored: ScoredQuestion[]; encoded: number; cpuMs: number[] }> {
  const answered = await answerEach(engine, questions);
  return {
    scored: answered.map(({ result, ms }, i) => scoreQuestion(questions[i]!.expected, result, ms)),
    encoded: answered.filter(({ result }) => result.explanation.encoded === true).length,
    cpuMs: answered.map(({ cpuMs }) => cpuMs),
  };
}

/** How the bot's decisions went on labelled questions (see EvaluationReport for each count). */
export type DecisionCounts = Pick<
  EvaluationReport,
  'inScope' | 'outOfScope' | 'answeredCorrect' | 'suggestedCorrect' | 'confidentWrong' | 'outOfScopeDeclined'
>;

/** Counts the decisions, each against the article it should have given (null: none). */
export function countDecisions(
  decisions: ReadonlyArray<{ expected: string | null; result: AnswerResult }>,
): DecisionCounts {
  const counts: DecisionCounts = {
    inScope: 0,
    outOfScope: 0,
    answeredCorrect: 0,
    suggestedCorrect: 0,
    confidentWrong: 0,
    outOfScopeDeclined: 0,
  };
  for (const { expected, result } of decisions) {
    if (expected === null) {
      counts.outOfScope++;
      if (result.outcome === 'no_answer') counts.outOfScopeDeclined++;
      if (result.outcome === 'answered') counts.confidentWrong++;
      continue;
    }
    counts.inScope++;
    if (result.outcome === 'answered') {
      if (result.article.id === expected) counts.answeredCorrect++;
      else counts.confidentWrong++;
    } else if (result.outcome === 'suggested' && result.candidates.some((a) => a.id === expected)) {
      counts.suggestedCorrect++;
    }
  }
  return counts;
}

export async function evaluate(
  engine: Pick<AnswerEngine, 'answer'>,
  questions: LabelledQuestion[],
): Promise<EvaluationReport> {
  const outcomes: QuestionOutcome[] = (await answerEach(engine, questions)).map(({ result, ms }, i) => ({
    question: questions[i]!,
    result,
    ms,
    top: result.explanation.candidates[0]?.articleId ?? null,
  }));
  const report: EvaluationReport = {
    ...countDecisions(outcomes.map(({ question, result }) => ({ expected: question.expected, result }))),
    top1: 0,
    top3: 0,
    medianMs: 0,
    p99Ms: 0,
    outcomes,
  };
  for (const { question, result, top } of outcomes) {
    const expected = question.expected;
    if (expected === null) continue;
    if (top === expected) report.top1++;
    if (result.explanation.candidates.slice(0, 3).some((c) => c.articleId === expected)) report.top3++;
  }
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  report.medianMs = percentile(times, 0.5);
  report.p99Ms = percentile(times, 0.99);
  return report;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}
