import {
  analysisFor,
  englishAnalysis,
  foldAccents,
  plainAnalysis,
  type LanguageAnalysis,
} from '../language/analysis-profiles.js';
import type { LanguageCode } from '../language/languages.js';
import { defaultPhrases, defaultSynonyms } from './synonyms.js';

/** Splits, normalises, removes stopwords, expands jargon and stems: the one text pipeline for index and queries. */
export class TextAnalyzer {
  private readonly stopwords: Set<string>;
  private readonly stemCache = new Map<string, string>();

  /**
   * English by default (with these synonyms and phrases); `language` gives another language's
   * stemmer, stopwords and apostrophes (see TextAnalyzer.for).
   */
  constructor(
    private readonly synonyms: Record<string, string> = defaultSynonyms,
    private readonly phrases: Array<[RegExp, string]> = defaultPhrases,
    private readonly language: LanguageAnalysis = englishAnalysis(),
  ) {
    this.stopwords = new Set(language.stopwords);
  }

  /** The analyzer of a language: its own for en, de, fr and es; words as written for any other (plainAnalysis). */
  static for(language: LanguageCode): TextAnalyzer {
    const analysis = analysisFor(language) ?? plainAnalysis(language);
    return new TextAnalyzer(analysis.synonyms, analysis.phrases, analysis);
  }

  /** The language this analyzer is for. */
  get languageCode(): LanguageCode {
    return this.language.language;
  }

  /**
   * What makes this analyzer's features what they are, as one string: its synonyms, phrases and
   * stopwords, and the stems of a few probe words (a new stemmer release changes them). Part of
   * the trained model cache's key; the code of `features` itself is covered by INTENT_MODEL_FORMAT.
   */
  fingerprint(): string {
    return JSON.stringify({
      // English's fingerprint is what it was before languages: its cached models stay valid.
      ...(this.language.language === 'en' ? {} : { language: this.language.language }),
      synonyms: Object.entries(this.synonyms).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      phrases: this.phrases.map(([pattern, replacement]) => [pattern.source, pattern.flags, replacement]),
      stopwords: [...this.stopwords].sort(),
      stems: this.language.stemProbes.map((word) => this.language.stem(foldAccents(word))),
    });
  }

  /** Lowercase, strip accents and apostrophes, join known phrases. */
  normalise(text: string): string {
    let out = foldAccents(text)
      .replace(/['’`]/g, this.language.apostrophes === 'join' ? '' : ' ')
      // Links and inline code carry no topic words worth matching.
      .replace(/https?:\/\/\S+/g, ' ');
    for (const [pattern, replacement] of this.phrases) out = out.replace(pattern, replacement);
    return out;
  }

  /** Raw word tokens of normalised text. */
  tokenize(text: string): string[] {
    return this.normalise(text).match(/[a-z0-9]+/g) ?? [];
  }

  /** One raw token to zero or more index terms. */
  terms(token: string): string[] {
    const expanded = this.synonyms[token];
    const words = expanded === undefined ? [token] : expanded.split(' ').filter(Boolean);
    const out: string[] = [];
    for (const word of words) {
      if (this.stopwords.has(word) || word.length < 2) continue;
      out.push(this.stem(word));
    }
    return out;
  }

  /**
   * Features for the intent model: every word (stopwords kept: "how old are you" is not "how are
   * you"), synonyms expanded and stemmed, as "w:" unigrams and "b:" pairs of neighbours, and
   * the character n-grams of 3 to 5 letters of each word with its boundaries ("<pass", "word>"),
   * which carry typos, compounds and inflections the stemmer misses. Repeats are kept (counts).
   */
  features(text: string): string[] {
    const tokens = this.tokenize(text.slice(0, 2000));
    const words: string[] = [];
    const out: string[] = [];
    for (const token of tokens) {
      const expanded = this.synonyms[token];
      const parts = expanded === undefined ? [token] : expanded.split(' ').filter(Boolean);
      for (const part of parts) words.push(this.stem(part));
      const bounded = `<${token}>`;
      for (let n = 3; n <= 5; n++) {
        for (let i = 0; i + n <= bounded.length; i++) out.push(`c:${bounded.slice(i, i + n)}`);
      }
    }
    for (let i = 0; i < words.length; i++) {
      out.push(`w:${words[i]}`);
      if (i + 1 < words.length) out.push(`b:${words[i]} ${words[i + 1]}`);
    }
    return out;
  }

  /** The distinct terms of a text, in order of first appearance. */
  analyze(text: string): string[] {
    const seen = new Set<string>();
    for (const token of this.tokenize(text)) {
      for (const term of this.terms(token)) seen.add(term);
    }
    return [...seen];
  }

  private stem(word: string): string {
    let stemmed = this.stemCache.get(word);
    if (stemmed === undefined) {
      // Codes such as "4357", "s3" or "o365" stay as they are.
      stemmed = /\d/.test(word) ? word : this.language.stem(word);
      if (this.stemCache.size < 100_000) this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }
}
