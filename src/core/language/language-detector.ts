import { eld } from 'eld/extrasmall';
import { EXAMPLES_PER_STEP, type Steps } from '../answering/time-slicing.js';
import { ANALYSED_LANGUAGES, DEFAULT_LANGUAGE, type LanguageCode } from './languages.js';

// eld (Efficient Language Detector, Apache-2.0) with its smallest n-gram database (about 1 MB,
// 60 languages), loaded once when this module is first imported: no files or network at run time.
// Its own text cleanup drops URLs, e-mail addresses and the like before counting n-grams.
eld.enableTextCleanup(true);

/** Questions are cut to this many characters before detection (as the engine cuts them). */
const MAX_CHARS = 500;

/**
 * A few short words that, in a chat message, belong to one of the analysed languages only. They
 * decide between languages when the n-grams cannot (one or two words, "hallo", "merci !"), and an
 * English one keeps a two-word English question English ("wifi password?" scores as French).
 */
const TELLING_WORDS: Readonly<Record<string, string>> = {
  en: 'the my is not how what i to on it its doesnt dont wont cant please pls thanks thank hi hello hey help with from can why where when password printer screen phone account locked forgot reset broken new access drive',
  de: 'ich nicht mein meine meinen ist geht wie das der die den dem kein keine bitte danke hallo kann mit und auf ein eine einen wo warum funktioniert',
  fr: 'je le la les ne pas mon ma mes est comment bonjour merci svp un une du des au aux plus quand pourquoi marche',
  es: 'el mi mis esta está cómo como hola gracias por favor una puedo tengo los las del funciona dónde donde cuando cuándo',
};
const tellingWords = new Map(Object.entries(TELLING_WORDS).map(([code, words]) => [code, new Set(words.split(' '))]));

/** How the question's language was decided, for logs and tests. */
export interface Detection {
  language: LanguageCode;
  /** The detector's n-gram scores by language (empty for text without letters). */
  scores: Readonly<Record<string, number>>;
  /** Why this language: the n-grams were sure, telling words decided, or the default when unsure. */
  reason: 'detected' | 'words' | 'default';
}

export interface DetectorSettings {
  /** The language to fall back to when unsure (DEFAULT_LANGUAGE). */
  defaultLanguage?: LanguageCode;
  /** Languages the knowledge base has articles in: preferred over the others. */
  known?: readonly LanguageCode[];
  /**
   * Another language than the default wins only when the default's score is below this share of
   * its own: short English questions stay English unless the n-grams clearly say otherwise.
   */
  defaultMargin?: number;
  /** A language with neither articles nor analysis wins only when its score is this many times the best known one's. */
  otherMargin?: number;
  /**
   * Words only one language's articles use (see exclusiveVocabulariesSteps): where the n-grams are
   * unsure, "laptop extrem langsam" is German because "langsam" is in German articles alone.
   */
  vocabularies?: ReadonlyMap<LanguageCode, ReadonlySet<string>>;
}

/** Lowercase words of 4 letters or more, accents folded, as the vocabularies hold them. */
function vocabularyWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/ß/g, 'ss')
      .match(/\p{L}{4,}/gu) ?? []
  );
}

/**
 * For each language, the words (4 letters or more) its articles' titles, phrasings and tags use
 * and no other language's articles do: the knowledge base's own evidence for short questions. As
 * steps (a step per 64 texts): 80,000 phrasings take about 0.2 s.
 */
export function* exclusiveVocabulariesSteps(
  texts: ReadonlyMap<LanguageCode, readonly string[]>,
): Steps<Map<LanguageCode, Set<string>>> {
  const seenIn = new Map<string, Set<LanguageCode>>();
  let seen = 0;
  for (const [language, list] of texts)
    for (const text of list) {
      for (const word of vocabularyWords(text)) {
        let languages = seenIn.get(word);
        if (!languages) seenIn.set(word, (languages = new Set()));
        languages.add(language);
      }
      if (++seen % EXAMPLES_PER_STEP === 0) yield;
    }
  const out = new Map<LanguageCode, Set<string>>([...texts.keys()].map((language) => [language, new Set<string>()]));
  for (const [word, languages] of seenIn) if (languages.size === 1) out.get([...languages][0]!)!.add(word);
  return out;
}

/**
 * Tells which language a chat message is in, biased toward the default language and the ones the
 * knowledge base has: a short message the n-grams are unsure about stays in the default.
 * Measured on test/fixtures/language-detection.jsonl (see the language tests and the README).
 */
export class LanguageDetector {
  readonly defaultLanguage: LanguageCode;
  private readonly known: ReadonlySet<LanguageCode>;
  private readonly defaultMargin: number;
  private readonly otherMargin: number;
  private readonly vocabularies: ReadonlyMap<LanguageCode, ReadonlySet<string>>;

  constructor(settings: DetectorSettings = {}) {
    this.defaultLanguage = settings.defaultLanguage ?? DEFAULT_LANGUAGE;
    this.known = new Set([...ANALYSED_LANGUAGES, this.defaultLanguage, ...(settings.known ?? [])]);
    this.defaultMargin = settings.defaultMargin ?? 0.95;
    this.otherMargin = settings.otherMargin ?? 1.5;
    this.vocabularies = settings.vocabularies ?? new Map();
  }

  detect(text: string): Detection {
    const fallback = (scores: Record<string, number> = {}): Detection => ({
      language: this.defaultLanguage,
      scores,
      reason: 'default',
    });
    const cut = typeof text === 'string' ? text.slice(0, MAX_CHARS) : '';
    if (!/\p{L}/u.test(cut)) return fallback();
    let result: ReturnType<typeof eld.detect>;
    try {
      result = eld.detect(cut);
    } catch {
      // The detector is a library: whatever it throws on, the question is still answered.
      return fallback();
    }
    const scores: Record<string, number> = { ...result.getScores() };
    const reliable = result.isReliable();
    let best: LanguageCode | null = null;
    let bestScore = 0;
    let other: LanguageCode | null = null;
    let otherScore = 0;
    for (const [code, score] of Object.entries(scores)) {
      if (this.known.has(code)) {
        if (score > bestScore) [best, bestScore] = [code, score];
      } else if (score > otherScore) [other, otherScore] = [code, score];
    }
    // A language the bot neither has articles in nor analyses ("パスワードを忘れました"): only when clear.
    if (other && reliable && otherScore >= bestScore * this.otherMargin)
      return { language: other, scores, reason: 'detected' };
    const words = this.tellingWordCounts(cut);
    const def = this.defaultLanguage;
    if (best && reliable) {
      if (best === def) return { language: best, scores, reason: 'detected' };
      const defaultClose = (scores[def] ?? 0) >= bestScore * this.defaultMargin;
      // An English-only word ("password"), or a word only the default language's articles use ("slow"), and none of best's.
      // (Vocabularies are compared only between languages that both have articles.)
      const byVocabulary = this.vocabularies.has(best);
      const defaultSaysSo =
        (words.get(def) ?? 0) + (byVocabulary ? this.vocabularyHits(cut, def) : 0) > 0 &&
        (words.get(best) ?? 0) + this.vocabularyHits(cut, best) === 0;
      if (!defaultClose && !defaultSaysSo) return { language: best, scores, reason: 'detected' };
    }
    const withWords = [...words].filter(([, count]) => count > 0);
    if (withWords.length === 1 && this.known.has(withWords[0]![0])) {
      return { language: withWords[0]![0], scores, reason: 'words' };
    }
    // Unsure, and no telling word: the words only one language's articles use decide, if they agree.
    if (withWords.length === 0 && this.vocabularies.size > 0) {
      const tokens = vocabularyWords(cut);
      const using = [...this.vocabularies].filter(([, vocabulary]) => tokens.some((t) => vocabulary.has(t)));
      if (using.length === 1) return { language: using[0]![0], scores, reason: 'words' };
    }
    return fallback(scores);
  }

  private vocabularyHits(text: string, language: LanguageCode): number {
    const vocabulary = this.vocabularies.get(language);
    return vocabulary ? vocabularyWords(text).filter((word) => vocabulary.has(word)).length : 0;
  }

  private tellingWordCounts(text: string): Map<LanguageCode, number> {
    const tokens =
      text
        .toLowerCase()
        .replace(/['’`]/g, ' ')
        .match(/\p{L}+/gu) ?? [];
    const counts = new Map<LanguageCode, number>();
    for (const [code, set] of tellingWords) counts.set(code, tokens.filter((t) => set.has(t)).length);
    return counts;
  }
}
