import type { LanguageCode } from '../language/languages.js';
import type { AnswerThresholds } from './answer-engine.js';

/**
 * The thresholds of each language other than the default, fitted with `npm run kb:fit --
 * --language <code>` on the bundled knowledge base and test/fixtures/kb-questions-fit-<code>.jsonl
 * (not the gate files). Those languages' engines are lexical (the sentence encoder reads English
 * only), so one pair per language serves every ENCODER. A language not listed gets the default
 * language's pair; ANSWER_THRESHOLD and SUGGEST_THRESHOLD set the default language's only.
 */
export const languageThresholds: Readonly<Partial<Record<LanguageCode, AnswerThresholds>>> = {
  // 54 questions, 10 out of scope: 61.4% answered rightly, 95.5% answered or offered, none
  // confidently wrong, every out-of-scope one declined (the default language's pair: 63.6%,
  // 88.6%, 1 wrong).
  de: { answer: 0.55, suggest: 0.145 },
  // 54 questions, 10 out of scope, fitted with --min-declined 0.8: two out-of-scope questions
  // share a word with English articles ("parking", "demander") and are offered those whatever
  // the French pair, so 80% is every one it decides. 68.2% answered rightly, 84.1% answered or
  // offered, none confidently wrong (the default language's pair: 68.2%, 81.8%, 60% declined).
  // The suggest threshold sits just under the answer one: the French questions the French
  // articles fit only weakly are better offered from the English articles' shared words.
  fr: { answer: 0.43, suggest: 0.41 },
};

/**
 * The pair a language's engine answers with: the default language's is the configured one
 * (ANSWER_THRESHOLD...), another language's the one fitted on its own questions, else the default's.
 */
export function thresholdsOf(
  language: LanguageCode,
  defaultLanguage: LanguageCode,
  defaultPair: AnswerThresholds,
  fitted: Readonly<Partial<Record<LanguageCode, AnswerThresholds>>> = languageThresholds,
): AnswerThresholds {
  return (language !== defaultLanguage && fitted[language]) || defaultPair;
}
