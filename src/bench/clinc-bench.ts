// CLINC150 benchmark (Larson et al., EMNLP 2019) of the bot's own answer engine, in the
// paper's "oos-threshold" setting: the knowledge base is made from the training utterances
// (one article per intent), no out-of-scope data is learnt from (oos_train is never read),
// the answer threshold is chosen on val + oos_val, and the chosen split is evaluated.
//
//   npm run bench:clinc -- --data FILE [--split val|test] [--shots N [--seed S]] [--encoder none|use-lite] [--cache DIR]
//
// --shots N draws N training utterances per intent at random (the draw is fixed by --seed).
// --encoder: the sentence encoder, as ENCODER for the bot (default the bot's); the utterances'
// embeddings are cached in --cache (default data/bench-encoder-cache), questions are embedded each time.
//
// The last line printed is JSON.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AnswerEngine,
  defaultThresholds,
  embedArticles,
  type ArticleEmbeddings,
} from '../core/answering/answer-engine.js';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { encoderCliOptions, encoderCliUsage, encoderFromCli } from '../encoders/encoder-options.js';
import { answerAll, percentile } from '../evaluation/evaluate-questions.js';
import {
  bestAccuracyAtRecall,
  chooseThreshold,
  METRIC_DEFINITIONS,
  metricsTable,
  roundedMetrics,
  scopeMetrics,
  type ScopeMetrics,
  type ScoredQuestion,
} from '../evaluation/scope-metrics.js';
import { clincArticles, clincQuestions, DEFAULT_SHOT_SEED, readClinc, type ClincSplit } from './clinc-data.js';

export interface ClincBenchOptions {
  data: string;
  split?: ClincSplit;
  shots?: number;
  /** Which random draw of `shots` utterances per intent. */
  seed?: number;
  /** Embeds the questions; none: the lexical engine alone. */
  encoder?: SentenceEncoder | null;
  /** Embeds the training utterances (a cached `encoder`); `encoder` when not given. */
  phrasingEncoder?: SentenceEncoder;
}

export interface ClincBenchResult extends ScopeMetrics {
  split: ClincSplit;
  shots: number | null;
  seed: number | null;
  articles: number;
  questionsIndexed: number;
  threshold: number;
  /** What the threshold gave on val + oos_val when it was chosen. */
  chosenOn: { inScopeAccuracy: number; oosRecall: number };
  /** On val + oos_val: the best in-scope accuracy of any threshold that rejects at least half the out-of-scope questions. */
  atOosRecall50: { threshold: number; inScopeAccuracy: number; oosRecall: number };
  /** On the evaluated split, deciding at `atOosRecall50.threshold` (the paper's protocol: the threshold comes from val). */
  atValThreshold50: { inScopeAccuracy: number; oosRecall: number };
  indexMs: number;
  /** Embedding the training utterances (included in indexMs; fast when cached). */
  embedMs: number;
  encoder: string | null;
  /** Share of the evaluated questions for which the encoder was asked (the others were answered lexically). */
  encodedShare: number;
  /** CPU time per evaluated question (the process's, all threads): unlike the latency, not inflated by a busy machine. */
  cpuMedianMs: number;
  cpuP99Ms: number;
  rssMB: number;
}

export async function runClincBench(options: ClincBenchOptions): Promise<ClincBenchResult> {
  const split = options.split ?? 'val';
  const data = readClinc(path.resolve(options.data));
  const seed = options.seed ?? DEFAULT_SHOT_SEED;
  const articles = clincArticles(data.train, options.shots, seed);
  const evaluated = clincQuestions(data, split); // fails early when the split is missing
  const validation = clincQuestions(data, 'val');

  const start = performance.now();
  let embeddings: ArticleEmbeddings | undefined;
  if (options.encoder)
    embeddings = await embedArticles(articles, options.phrasingEncoder ?? options.encoder, options.encoder);
  const embedMs = performance.now() - start;
  const engine = await AnswerEngine.build(articles, defaultThresholds, undefined, undefined, embeddings);
  const indexMs = performance.now() - start;

  // Choose the answer threshold on val + oos_val from the engine's own confidences...
  const { scored: validationScores } = await answerAll(engine, validation);
  const chosen = chooseThreshold(validationScores);
  const atOosRecall50 = bestAccuracyAtRecall(validationScores, 0.5);
  // ...and evaluate the split with the engine deciding at that threshold, as the bot would.
  const tuned = engine.withThresholds({
    answer: chosen.threshold,
    suggest: Math.min(chosen.threshold, defaultThresholds.suggest),
  });
  const { scored: evaluatedScores, encoded, cpuMs } = await answerAll(tuned, evaluated);
  const metrics = scopeMetrics(evaluatedScores);
  const cpu = [...cpuMs].sort((a, b) => a - b);
  return {
    ...metrics,
    split,
    shots: options.shots ?? null,
    seed: options.shots === undefined ? null : seed,
    articles: articles.length,
    questionsIndexed: articles.reduce((n, a) => n + a.questions.length, 0),
    threshold: chosen.threshold,
    chosenOn: { inScopeAccuracy: chosen.inScopeAccuracy, oosRecall: chosen.oosRecall },
    atOosRecall50,
    atValThreshold50: decidedAt(evaluatedScores, atOosRecall50.threshold),
    indexMs,
    embedMs,
    encoder: options.encoder?.name ?? null,
    encodedShare: evaluated.length === 0 ? 0 : encoded / evaluated.length,
    cpuMedianMs: cpu.length === 0 ? 0 : percentile(cpu, 0.5),
    cpuP99Ms: cpu.length === 0 ? 0 : percentile(cpu, 0.99),
    rssMB: process.memoryUsage().rss / 2 ** 20,
  };
}

/** In-scope accuracy and out-of-scope recall when every question whose confidence reaches `threshold` is answered with its best candidate. */
export function decidedAt(
  scored: readonly ScoredQuestion[],
  threshold: number,
): { inScopeAccuracy: number; oosRecall: number } {
  const inScope = scored.filter((q) => q.expected !== null);
  const outOfScope = scored.filter((q) => q.expected === null);
  const right = inScope.filter((q) => q.confidence >= threshold && q.ranked[0] === q.expected).length;
  const rejected = outOfScope.filter((q) => q.confidence < threshold).length;
  return {
    inScopeAccuracy: inScope.length === 0 ? 0 : right / inScope.length,
    oosRecall: outOfScope.length === 0 ? 0 : rejected / outOfScope.length,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      split: { type: 'string', default: 'val' },
      shots: { type: 'string' },
      seed: { type: 'string' },
      ...encoderCliOptions,
    },
  });
  if (!values.data)
    throw new Error(
      `usage: npm run bench:clinc -- --data FILE [--split val|test] [--shots N [--seed S]] ${encoderCliUsage}`,
    );
  const { encoder, phrasingEncoder } = await encoderFromCli(values);
  if (values.split !== 'val' && values.split !== 'test')
    throw new Error(`--split must be val or test, not "${values.split}"`);
  const shots = values.shots === undefined ? undefined : Number(values.shots);
  if (shots !== undefined && !(Number.isInteger(shots) && shots > 0))
    throw new Error(`--shots must be a positive whole number, not "${values.shots}"`);

  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be a whole number, not "${values.seed}"`);

  const result = await runClincBench({
    data: values.data,
    split: values.split,
    ...(shots === undefined ? {} : { shots }),
    ...(seed === undefined ? {} : { seed }),
    encoder,
    ...(phrasingEncoder ? { phrasingEncoder } : {}),
  });
  console.log(
    `CLINC150-format file ${values.data}: ${result.articles} articles from ${result.questionsIndexed} training utterances` +
      `${result.shots === null ? '' : ` (${result.shots} per intent drawn at random, seed ${result.seed})`}, index built in ${result.indexMs.toFixed(0)} ms; oos_train not used.`,
  );
  console.log(
    result.encoder === null
      ? 'Sentence encoder: none (lexical engine).'
      : `Sentence encoder: ${result.encoder} (utterances embedded in ${result.embedMs.toFixed(0)} ms, ${phrasingEncoder?.misses ?? 0} not cached); asked for ${(100 * result.encodedShare).toFixed(1)}% of the ${result.split} questions.`,
  );
  console.log(
    `Answer threshold ${result.threshold} chosen on val + oos_val (maximising in-scope accuracy + out-of-scope recall): ` +
      `${(100 * result.chosenOn.inScopeAccuracy).toFixed(2)}% / ${(100 * result.chosenOn.oosRecall).toFixed(2)}% there.`,
  );
  console.log(
    `Trade-off on val + oos_val: rejecting at least 50% of out-of-scope questions, the best in-scope accuracy is ` +
      `${(100 * result.atOosRecall50.inScopeAccuracy).toFixed(2)}% (out-of-scope recall ${(100 * result.atOosRecall50.oosRecall).toFixed(2)}%, threshold ${result.atOosRecall50.threshold}).`,
  );
  for (const line of METRIC_DEFINITIONS) console.log(line);
  console.log(`Split evaluated: ${result.split} + oos_${result.split}`);
  console.log(
    `At the threshold that rejected half of oos_val on val (${result.atOosRecall50.threshold}), ${result.split}: ` +
      `in-scope accuracy ${(100 * result.atValThreshold50.inScopeAccuracy).toFixed(2)}%, out-of-scope recall ${(100 * result.atValThreshold50.oosRecall).toFixed(2)}%.`,
  );
  console.table([
    ...metricsTable(result),
    { metric: 'CPU per question median (ms)', value: result.cpuMedianMs.toFixed(3) },
    { metric: 'CPU per question p99 (ms)', value: result.cpuP99Ms.toFixed(3) },
    { metric: 'memory (RSS MB)', value: result.rssMB.toFixed(0) },
  ]);
  const rounded = roundedMetrics(result);
  console.log(
    JSON.stringify({
      split: result.split,
      shots: result.shots,
      seed: result.seed,
      articles: result.articles,
      questionsIndexed: result.questionsIndexed,
      threshold: result.threshold,
      valAccuracyAtOosRecall50: Number(result.atOosRecall50.inScopeAccuracy.toFixed(4)),
      inScopeAccuracyAtValThreshold50: Number(result.atValThreshold50.inScopeAccuracy.toFixed(4)),
      oosRecallAtValThreshold50: Number(result.atValThreshold50.oosRecall.toFixed(4)),
      inScopeAccuracy: rounded.inScopeAccuracy,
      oosRecall: rounded.oosRecall,
      oosPrecision: rounded.oosPrecision,
      top1: rounded.top1,
      top3Recall: rounded.top3Recall,
      mrr: rounded.mrr,
      medianMs: rounded.medianMs,
      p99Ms: rounded.p99Ms,
      indexMs: Math.round(result.indexMs),
      embedMs: Math.round(result.embedMs),
      encoder: result.encoder,
      encodedShare: Number(result.encodedShare.toFixed(4)),
      cpuMedianMs: Number(result.cpuMedianMs.toFixed(3)),
      cpuP99Ms: Number(result.cpuP99Ms.toFixed(3)),
      rssMB: Math.round(result.rssMB),
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
