// Answer quality of a knowledge base on labelled questions, with the bot's own engine.
//
//   npm run kb:eval -- --kb DIR --queries FILE.jsonl [--answer A --suggest S (default: fitted for the encoder)] [--encoder none|use-lite] [--cache DIR]
//
// FILE.jsonl: one {"text": ..., "expected": articleId | null} per line (null: should not answer).
// Prints a table, then one JSON line with every figure.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { embedArticles, pairFor, thresholdsFor, type AnswerThresholds } from '../core/answering/answer-engine.js';
import { articlesByLanguage, MultilingualEngine } from '../core/answering/multilingual-engine.js';
import { thresholdsOf } from '../core/answering/language-thresholds.js';
import { DEFAULT_LANGUAGE, type LanguageCode } from '../core/language/languages.js';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { formatProblem, loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { encoderCliOptions, encoderCliUsage, encoderFromCli } from '../encoders/encoder-options.js';
import { evaluate, readQuestions } from './evaluate-questions.js';
import { qualityGateFor, type QualityGate } from './quality-floors.js';
import {
  METRIC_DEFINITIONS,
  metricsTable,
  roundedMetrics,
  scopeMetrics,
  scoreQuestion,
  type ScopeMetrics,
} from './scope-metrics.js';

export interface KbEvalResult extends ScopeMetrics {
  articles: number;
  /** The languages the knowledge base has articles in, the default first. */
  languages: LanguageCode[];
  /** The default language's pair (the configured one: --answer / --suggest). */
  thresholds: AnswerThresholds;
  /** The pair each language's engine answers with (another language's fitted one, see language-thresholds.ts). */
  languageThresholds: Record<LanguageCode, AnswerThresholds>;
  /** How many of the questions were detected in each language: whose engine (and pair) answered them. */
  questionLanguages: Record<LanguageCode, number>;
  /** In-scope questions whose expected article was answered or offered as a "did you mean" choice. */
  answeredOrOffered: number;
  /** Questions answered outright with a wrong article, or answered when they should not be. */
  confidentWrong: number;
  /** Out-of-scope questions that got "I don't have an answer" (not even a "did you mean"). */
  oosDeclined: number;
  indexMs: number;
  encoder: string | null;
  /** Share of the questions for which the encoder was asked. */
  encodedShare: number;
}

export async function runKbEval(options: {
  kb: string;
  queries: string;
  thresholds?: AnswerThresholds;
  /** Embeds the questions (and the phrasings, unless `phrasingEncoder` is given); none: the lexical engine. */
  encoder?: SentenceEncoder | null;
  phrasingEncoder?: SentenceEncoder;
  /** The language of articles without `lang:` (DEFAULT_LANGUAGE). */
  defaultLanguage?: LanguageCode;
}): Promise<{ result: KbEvalResult; problems: string[] }> {
  const kb = await loadKnowledgeBase(path.resolve(options.kb));
  const questions = readQuestions(path.resolve(options.queries));
  const known = new Set(kb.articles.map((a) => a.id));
  const unknown = [
    ...new Set(questions.map((q) => q.expected).filter((id): id is string => id !== null && !known.has(id))),
  ];
  if (unknown.length > 0)
    throw new Error(`${options.queries}: expected articles not in the knowledge base: ${unknown.join(', ')}`);
  const thresholds = pairFor(options.thresholds ?? thresholdsFor(options.encoder?.name ?? 'none'), kb.articles);
  const start = performance.now();
  // As the bot does: an engine per language, the question's detected language choosing; the encoder reads English only.
  const defaultLanguage = options.defaultLanguage ?? DEFAULT_LANGUAGE;
  const english = defaultLanguage === 'en' ? (articlesByLanguage(kb.articles, defaultLanguage).get('en') ?? []) : [];
  const embeddings = options.encoder
    ? await embedArticles(english, options.phrasingEncoder ?? options.encoder, options.encoder)
    : undefined;
  const engine = await MultilingualEngine.build(kb.articles, thresholds, defaultLanguage, {
    ...(embeddings ? { embeddings } : {}),
  });
  const indexMs = performance.now() - start;
  const questionLanguages: Record<LanguageCode, number> = {};
  for (const { text } of questions) {
    const language = engine.detect(text).language;
    questionLanguages[language] = (questionLanguages[language] ?? 0) + 1;
  }
  const report = await evaluate(engine, questions);
  const metrics = scopeMetrics(report.outcomes.map((o) => scoreQuestion(o.question.expected, o.result, o.ms)));
  return {
    result: {
      ...metrics,
      articles: kb.articles.length,
      languages: engine.languages,
      thresholds,
      languageThresholds: Object.fromEntries(
        engine.languages.map((language) => [language, thresholdsOf(language, defaultLanguage, thresholds)]),
      ),
      questionLanguages,
      answeredOrOffered: report.inScope === 0 ? 0 : (report.answeredCorrect + report.suggestedCorrect) / report.inScope,
      confidentWrong: report.confidentWrong,
      oosDeclined: report.outOfScope === 0 ? 0 : report.outOfScopeDeclined / report.outOfScope,
      indexMs,
      encoder: options.encoder?.name ?? null,
      encodedShare:
        questions.length === 0
          ? 0
          : report.outcomes.filter((o) => o.result.explanation.encoded === true).length / questions.length,
    },
    problems: kb.problems.map(formatProblem),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kb: { type: 'string', default: 'knowledge-base' },
      queries: { type: 'string' },
      answer: { type: 'string' },
      suggest: { type: 'string' },
      ...encoderCliOptions,
    },
  });
  if (!values.queries)
    throw new Error(
      `usage: npm run kb:eval -- --kb DIR --queries FILE.jsonl [--answer A --suggest S (default: fitted for the encoder)] ${encoderCliUsage}`,
    );
  const { encoder, phrasingEncoder } = await encoderFromCli(values);
  const fitted = thresholdsFor(encoder?.name ?? 'none');
  // Neither given: the fitted pairs, the engine taking the one for this knowledge base (pairFor).
  const thresholds =
    values.answer === undefined && values.suggest === undefined
      ? fitted
      : {
          answer: values.answer === undefined ? fitted.answer : Number(values.answer),
          suggest: values.suggest === undefined ? fitted.suggest : Number(values.suggest),
        };
  const { result, problems } = await runKbEval({
    kb: values.kb,
    queries: values.queries,
    thresholds,
    encoder,
    ...(phrasingEncoder ? { phrasingEncoder } : {}),
  });
  for (const problem of problems) console.log(`article skipped: ${problem}`);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(
    `knowledge base ${values.kb}: ${result.articles} articles (${result.languages.join(', ')}), index built in ${result.indexMs.toFixed(0)} ms; sentence encoder ${result.encoder ?? 'none'}${result.encoder ? ` (asked for ${(100 * result.encodedShare).toFixed(1)}% of the questions)` : ''}`,
  );
  // Each language's engine answers with its own pair: a German file is decided by German's, not English's.
  for (const line of thresholdLines(result)) console.log(line);
  const gate = qualityGateFor(values.queries, result.encoder);
  if (gate) console.log(floorLine(gate));
  for (const line of METRIC_DEFINITIONS) console.log(line);
  console.table([
    ...metricsTable(result),
    { metric: 'answered or offered (in scope, bot)', value: pct(result.answeredOrOffered) },
    { metric: 'confident wrong answers (bot)', value: String(result.confidentWrong) },
    { metric: '"no answer" to out-of-scope (bot)', value: pct(result.oosDeclined) },
  ]);
  const rounded = roundedMetrics(result);
  console.log(
    JSON.stringify({
      ...rounded,
      answeredOrOffered: Number(result.answeredOrOffered.toFixed(4)),
      oosDeclined: Number(result.oosDeclined.toFixed(4)),
      indexMs: Math.round(result.indexMs),
      encoder: result.encoder,
      encodedShare: Number(result.encodedShare.toFixed(4)),
    }),
  );
}

/**
 * Which pair decided the file's questions: each language they were detected in, its count and the
 * pair its engine used ("--answer/--suggest" set the default language's only).
 */
export function thresholdLines(
  result: Pick<KbEvalResult, 'questionLanguages' | 'languageThresholds' | 'languages'>,
): string[] {
  const [defaultLanguage] = result.languages;
  return Object.entries(result.questionLanguages)
    .sort((a, b) => b[1] - a[1])
    .map(([language, count]) => {
      const own = result.languageThresholds[language];
      const pair = own ?? result.languageThresholds[defaultLanguage!]!;
      const whose =
        language === defaultLanguage
          ? 'the default language, --answer/--suggest'
          : own
            ? `${language}'s own, language-thresholds.ts`
            : `no ${language} articles: the ${defaultLanguage} articles are offered`;
      return `${count} question(s) in ${language}: thresholds answer ${pair.answer}, suggest ${pair.suggest} (${whose})`;
    });
}

/** The floors the file's gate test holds it to (src/evaluation/quality-floors.ts). */
export function floorLine(gate: QualityGate): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const f = gate.floors;
  return `gate for ${gate.file} (${gate.language}, encoder ${gate.encoder}): at least ${pct(f.answeredRight)} answered right, ${pct(f.answeredOrOffered)} answered or offered, ${pct(f.top1)} top-1, ${pct(f.outOfScopeDeclined)} out-of-scope declined; at most ${pct(f.confidentWrongAtMost)} of all questions confidently wrong`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
