import { stemmer } from 'stemmer';
import { englishStopwords } from './stopwords.js';
import { defaultPhrases, defaultSynonyms } from './synonyms.js';

/** Words that say nothing about the topic in a support chat (beyond English stopwords). */
const CHAT_FILLER = [
  'hi',
  'hello',
  'hey',
  'hiya',
  'morning',
  'thanks',
  'thank',
  'cheers',
  'please',
  'help',
  'need',
  'want',
  'wanna',
  'gonna',
  'trying',
  'try',
  'tried',
  'im',
  'ive',
  'id',
  'cant',
  'cannot',
  'dont',
  'doesnt',
  'didnt',
  'wont',
  'isnt',
  'anyone',
  'someone',
  'guys',
  'team',
  'quick',
  'question',
  'just',
  'get',
  'got',
  'getting',
  'keep',
  'keeps',
  'still',
  'really',
  'also',
  'like',
  'know',
  'anything',
  'something',
  'thing',
  'stuff',
  'able',
  'since',
  'today',
  'now',
  'again',
  'ok',
  'okay',
  'u',
  'ur',
  'pls',
  'plz',
  'thx',
  'ty',
  'lol',
  'ugh',
  'hmm',
  'asap',
  'urgent',
  'work',
  'working',
  'use',
  'using',
  'way',
  'possible',
  'go',
  'going',
  'make',
  'does',
  'do',
  'did',
];

/** Words whose stems tell one stemmer version from another (see TextAnalyzer.fingerprint). */
const STEM_PROBES = [
  'running',
  'connection',
  'passwords',
  'printing',
  'generously',
  'relational',
  'conditional',
  'hopefulness',
  'formalize',
  'electricity',
  'adjustable',
  'dependent',
  'caresses',
  'ponies',
  'agreed',
  'happiness',
  'triplicate',
  'effective',
  'controlling',
  'rolling',
];

/** Splits, normalises, removes stopwords, expands jargon and stems: the one text pipeline for index and queries. */
export class TextAnalyzer {
  private readonly stopwords: Set<string>;
  private readonly stemCache = new Map<string, string>();

  constructor(
    private readonly synonyms: Record<string, string> = defaultSynonyms,
    private readonly phrases: Array<[RegExp, string]> = defaultPhrases,
  ) {
    this.stopwords = new Set([...englishStopwords, ...CHAT_FILLER]);
  }

  /**
   * What makes this analyzer's features what they are, as one string: its synonyms, phrases and
   * stopwords, and the stems of a few probe words (a new stemmer release changes them). Part of
   * the trained model cache's key; the code of `features` itself is covered by INTENT_MODEL_FORMAT.
   */
  fingerprint(): string {
    return JSON.stringify({
      synonyms: Object.entries(this.synonyms).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      phrases: this.phrases.map(([pattern, replacement]) => [pattern.source, pattern.flags, replacement]),
      stopwords: [...this.stopwords].sort(),
      stems: STEM_PROBES.map((word) => stemmer(word)),
    });
  }

  /** Lowercase, strip accents and apostrophes, join known phrases. */
  normalise(text: string): string {
    let out = text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/['’`]/g, '')
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
      stemmed = /\d/.test(word) ? word : stemmer(word);
      if (this.stemCache.size < 100_000) this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }
}
