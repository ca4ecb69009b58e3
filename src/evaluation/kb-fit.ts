// Fits the answer and suggest thresholds of a knowledge base on labelled questions.
//
//   npm run kb:fit -- --kb DIR --queries FILE.jsonl [--language de] [--max-wrong 0.01] [--min-declined 0.9] [--encoder none|use-lite]
//
// --language fits the pair of a language other than the default (its engine is lexical: the pair
// serves every encoder) on a file of questions in that language; see otherLanguageGate.
//
// Every question is asked once; the decision is then re-made for each pair of thresholds on a
// grid (0.05 to 0.95 by 0.01), and the pair kept is the one that answers the most in-scope
// questions with the right article while at most --max-wrong of all questions get a confident
// wrong answer and at least --min-declined of the out-of-scope ones get "no answer"; ties go to
// more offered. That pair is then moved to the middle of the pairs that decide every question the
// same way (see `centred`). Fit on a file the tests do not gate on, then check the pair once on the
// gate file.
//
// --max-wrong defaults to 1%, half of the 2% the bot promises at most: a pair fitted to the very
// edge of a constraint on a couple of hundred questions crosses it on new questions about as
// often as not (on the bundled KB, the pair fitted at 2% answered 3 of 192 fitting questions
// wrongly; the margin costs 3 points of answered-right there without the encoder, 9 with it).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  embedArticles,
  pairFor,
  thresholdsFor,
  type AnswerEngine,
  type AnswerResult,
  type AnswerThresholds,
} from '../core/answering/answer-engine.js';
import { languageThresholds } from '../core/answering/language-thresholds.js';
import { articlesByLanguage, MultilingualEngine, type LanguageAnswer } from '../core/answering/multilingual-engine.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { DEFAULT_LANGUAGE, type LanguageCode } from '../core/language/languages.js';
import { encoderCliOptions, encoderCliUsage, encoderFromCli } from '../encoders/encoder-options.js';
import { answerEach, countDecisions, readQuestions, type LabelledQuestion } from './evaluate-questions.js';
import { runCli, UsageError } from './run-cli.js';

/** What one pair of thresholds does to a question file. */
export interface GateFigures {
  thresholds: AnswerThresholds;
  /** In-scope questions answered outright with the expected article / in-scope questions. */
  answeredRight: number;
  /** In-scope questions whose expected article was answered or offered / in-scope questions. */
  answeredOrOffered: number;
  /** Questions answered with a wrong article, or answered when out of scope / all questions. */
  confidentWrong: number;
  /** Out-of-scope questions that got "no answer" / out-of-scope questions. */
  declined: number;
}

export interface GateConstraints {
  maxWrong: number;
  minDeclined: number;
}

/** The figures of one decision per question. */
export function gateFigures(
  thresholds: AnswerThresholds,
  questions: readonly LabelledQuestion[],
  results: readonly AnswerResult[],
): GateFigures {
  const counts = countDecisions(questions.map(({ expected }, i) => ({ expected, result: results[i]! })));
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  return {
    thresholds,
    answeredRight: share(counts.answeredCorrect, counts.inScope),
    answeredOrOffered: share(counts.answeredCorrect + counts.suggestedCorrect, counts.inScope),
    confidentWrong: share(counts.confidentWrong, questions.length),
    declined: share(counts.outOfScopeDeclined, counts.outOfScope),
  };
}

/** How a pair of thresholds re-decides one question's result (without asking again). */
export type Gate = (thresholds: AnswerThresholds) => (result: AnswerResult) => AnswerResult;

/** One engine's gate: its decision on the ranking at the other pair. */
export function engineGate(engine: Pick<AnswerEngine, 'withThresholds'>): Gate {
  return (thresholds) => {
    const gate = engine.withThresholds(thresholds);
    return (result) => gate.decide(result.explanation);
  };
}

/**
 * The bot's gate (MultilingualEngine): a question in the default language was decided by the
 * default language's engine, and is re-decided by it. A question in another language keeps the
 * decision made at the shipped pair: it may have been offered the default language's articles,
 * with a rule of its own (see MultilingualEngine.answer), and the pair fitted here is the
 * default language's.
 */
export function languageGate(engine: MultilingualEngine): Gate {
  return (thresholds) => {
    const gate = engine.primary.withThresholds(thresholds);
    return (result) =>
      (result as Partial<LanguageAnswer>).language?.asked === engine.defaultLanguage
        ? gate.decide(result.explanation)
        : result;
  };
}

/**
 * The bot's gate for another language than the default (`kb:fit --language de`): a question
 * read as that language is re-decided by that language's engine alone, and when it has no answer
 * there, gets what the bot gives then (the default language's articles offered, or nothing:
 * MultilingualEngine.fallback, which that language's pair does not change). A question read as
 * any other language keeps the decision made at the shipped pairs. Asks each such question of
 * the language's engine once more, for its ranking.
 */
export async function otherLanguageGate(
  engine: MultilingualEngine,
  language: LanguageCode,
  questions: readonly LabelledQuestion[],
  results: readonly LanguageAnswer[],
): Promise<Gate> {
  const languageEngine = engine.engineFor(language);
  if (!languageEngine) throw new UsageError(`the knowledge base has no articles in "${language}"`);
  const asked = new Map<AnswerResult, { own: AnswerResult; fallback: AnswerResult | null }>();
  for (const [i, result] of results.entries()) {
    if (result.language.asked !== language) continue;
    const text = questions[i]!.text;
    asked.set(result, { own: await languageEngine.answer(text), fallback: engine.fallback(text, language) });
  }
  return (thresholds) => {
    const gate = languageEngine.withThresholds(thresholds);
    return (result) => {
      const question = asked.get(result);
      if (!question) return result;
      const decided = gate.decide(question.own.explanation);
      return decided.outcome === 'no_answer' && question.fallback ? question.fallback : decided;
    };
  };
}

/** The best pair on the grid under the constraints, or null when no pair meets them. */
export function fitThresholds(
  gate: Gate,
  questions: readonly LabelledQuestion[],
  results: readonly AnswerResult[],
  constraints: GateConstraints,
): GateFigures | null {
  let best: GateFigures | null = null;
  for (let a = 95; a >= 5; a--) {
    for (let s = a; s >= 5; s--) {
      const thresholds = { answer: a / 100, suggest: s / 100 };
      const decide = gate(thresholds);
      const figures = gateFigures(thresholds, questions, results.map(decide));
      if (figures.confidentWrong > constraints.maxWrong + 1e-9 || figures.declined < constraints.minDeclined - 1e-9)
        continue;
      // The grid runs from careful to bold: a later pair must be strictly better to replace one.
      if (
        !best ||
        figures.answeredRight > best.answeredRight + 1e-9 ||
        (Math.abs(figures.answeredRight - best.answeredRight) <= 1e-9 &&
          figures.answeredOrOffered > best.answeredOrOffered + 1e-9)
      ) {
        best = figures;
      }
    }
  }
  return best && centred(gate, questions, results, best);
}

/** Steps of the search for the middle of a range of equivalent thresholds. */
const CENTRE_STEP = 0.005;

/**
 * The pair in the middle of those that decide every question as `best` does: first the answer
 * threshold (the suggest one fixed), then the suggest threshold. The grid's best pair lies at an
 * edge of that range, next to a question of the file (the careful edge: just above the least sure
 * question it answers or offers), where a new question of the same kind falls on the wrong side
 * about as often as not; the middle is as far from the file's questions on both sides as the
 * file allows.
 */
function centred(
  gate: Gate,
  questions: readonly LabelledQuestion[],
  results: readonly AnswerResult[],
  best: GateFigures,
): GateFigures {
  const decisions = (thresholds: AnswerThresholds): string => {
    const decide = gate(thresholds);
    return results
      .map((result) => {
        const decided = decide(result);
        if (decided.outcome === 'answered') return `a:${decided.article.id}`;
        if (decided.outcome === 'suggested') return `s:${decided.candidates.map((a) => a.id).join(',')}`;
        return 'n';
      })
      .join('|');
  };
  const same = decisions(best.thresholds);
  const round = (x: number) => Math.round(x / CENTRE_STEP) * CENTRE_STEP;
  /** The middle of the values from `min` to `max` around `value` that `at` decides as `same`. */
  const middle = (value: number, min: number, max: number, at: (x: number) => AnswerThresholds): number => {
    let low = value;
    let high = value;
    while (low - CENTRE_STEP >= min - 1e-9 && decisions(at(low - CENTRE_STEP)) === same) low -= CENTRE_STEP;
    while (high + CENTRE_STEP <= max + 1e-9 && decisions(at(high + CENTRE_STEP)) === same) high += CENTRE_STEP;
    return Number(round((low + high) / 2).toFixed(3));
  };
  const { suggest } = best.thresholds;
  const answer = middle(best.thresholds.answer, suggest, 0.95, (a) => ({ answer: a, suggest }));
  const thresholds = { answer, suggest: middle(suggest, 0.05, answer, (s) => ({ answer, suggest: s })) };
  return gateFigures(thresholds, questions, results.map(gate(thresholds)));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kb: { type: 'string', default: 'knowledge-base' },
      queries: { type: 'string' },
      'max-wrong': { type: 'string', default: '0.01' },
      'min-declined': { type: 'string', default: '0.9' },
      language: { type: 'string' },
      ...encoderCliOptions,
    },
  });
  if (!values.queries) throw new UsageError('--queries FILE.jsonl is required');
  const share = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 1)
      throw new UsageError(`--${name} must be a number between 0 and 1, not "${text}"`);
    return value;
  };
  const constraints = {
    maxWrong: share('max-wrong', values['max-wrong']),
    minDeclined: share('min-declined', values['min-declined']),
  };
  const { encoder, phrasingEncoder } = await encoderFromCli(values);
  const kb = await loadKnowledgeBase(path.resolve(values.kb));
  const questions = readQuestions(path.resolve(values.queries));
  // The bot's engine, as kb:eval builds it: one per language, the encoder's embeddings (English only) for the English one.
  const english = articlesByLanguage(kb.articles, DEFAULT_LANGUAGE).get('en') ?? [];
  const embeddings =
    encoder && DEFAULT_LANGUAGE === 'en'
      ? await embedArticles(english, phrasingEncoder ?? encoder, encoder)
      : undefined;
  // The shipped pair for this knowledge base: the one for a knowledge base without outside topics when it has none.
  const defaultPair = pairFor(thresholdsFor(encoder?.name ?? 'none'), kb.articles);
  const engine = await MultilingualEngine.build(kb.articles, defaultPair, DEFAULT_LANGUAGE, {
    ...(embeddings ? { embeddings } : {}),
  });
  const language = values.language?.toLowerCase() ?? engine.defaultLanguage;
  if (!engine.languages.includes(language))
    throw new UsageError(`--language ${language}: the knowledge base has articles in ${engine.languages.join(', ')}`);
  const shipped = (language !== engine.defaultLanguage && languageThresholds[language]) || defaultPair;
  const results = (await answerEach(engine, questions)).map(({ result }) => result);
  const elsewhere = results.filter((r) => r.language.asked !== language).length;
  if (elsewhere > 0)
    console.log(
      `${elsewhere} questions read as another language than ${language}: they keep the shipped pairs' decision`,
    );
  const gate =
    language === engine.defaultLanguage
      ? languageGate(engine)
      : await otherLanguageGate(engine, language, questions, results);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const row = (label: string, f: GateFigures) => ({
    thresholds: label,
    answer: f.thresholds.answer,
    suggest: f.thresholds.suggest,
    'answered right': pct(f.answeredRight),
    'answered or offered': pct(f.answeredOrOffered),
    'confident wrong': pct(f.confidentWrong),
    'out of scope declined': pct(f.declined),
  });
  // The engine decided at the shipped pair already.
  const now = gateFigures(shipped, questions, results);
  const best = fitThresholds(gate, questions, results, constraints);
  console.log(
    `${language}: ${questions.length} questions (${questions.filter((q) => q.expected !== null).length} in scope) on ${kb.articles.length} articles; sentence encoder ${encoder?.name ?? 'none'}; constraints: confident wrong <= ${pct(constraints.maxWrong)}, out of scope declined >= ${pct(constraints.minDeclined)}`,
  );
  console.table([row('default', now), ...(best ? [row('fitted', best)] : [])]);
  if (!best) {
    console.log(
      'no pair of thresholds meets the constraints: loosen them, or add phrasings to the articles that the questions miss',
    );
    return 1;
  }
  console.log(
    language === engine.defaultLanguage
      ? `ANSWER_THRESHOLD=${best.thresholds.answer} SUGGEST_THRESHOLD=${best.thresholds.suggest}`
      : `languageThresholds (src/core/answering/language-thresholds.ts): ${language}: { answer: ${best.thresholds.answer}, suggest: ${best.thresholds.suggest} }`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(
    'kb:fit',
    `usage: npm run kb:fit -- --kb DIR --queries FILE.jsonl [--language de] [--max-wrong 0.01] [--min-declined 0.9] ${encoderCliUsage}`,
    main,
  );
}
