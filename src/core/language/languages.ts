/**
 * Languages the bot knows of: an ISO 639-1 code in lowercase ("en", "de"). Articles carry one
 * (`lang:`, else the configured default); a question's is detected (language-detector.ts).
 */
export type LanguageCode = string;

/** Languages with their own analysis (stemmer, stopwords, chat filler); others are answered from the default language. */
export const ANALYSED_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;

export const DEFAULT_LANGUAGE: LanguageCode = 'en';

/** Each language's name in English, for messages and reports. */
const NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  nl: 'Dutch',
  pt: 'Portuguese',
  pl: 'Polish',
  ja: 'Japanese',
  zh: 'Chinese',
  ko: 'Korean',
  ru: 'Russian',
  sv: 'Swedish',
  da: 'Danish',
  no: 'Norwegian',
  fi: 'Finnish',
  tr: 'Turkish',
  ar: 'Arabic',
};

export function languageName(code: LanguageCode): string {
  return NAMES[code] ?? code;
}

/** Two lowercase letters: what `lang:` and DEFAULT_LANGUAGE accept. */
export const LANGUAGE_CODE = /^[a-z]{2}$/;

export function isAnalysed(code: LanguageCode): boolean {
  return (ANALYSED_LANGUAGES as readonly string[]).includes(code);
}

/**
 * Which language a question was asked in and which one it was answered from. Carried on every
 * answer the bot gives, so its own texts can speak the asker's language.
 */
export interface LanguageOutcome {
  /** The question's language as detected (the default when unsure): the language to reply in. */
  asked: LanguageCode;
  /** The language of the articles the result comes from. */
  answered: LanguageCode;
  /** Answered (or offered) from the default language because nothing fitted in the asker's. */
  fallback: boolean;
}
