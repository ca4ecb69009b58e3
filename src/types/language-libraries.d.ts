// Types for the two language libraries that ship none (see src/core/language/analysis-profiles.ts).

declare module 'snowball-stemmers' {
  export interface SnowballStemmer {
    stem(word: string): string;
  }
  /** Algorithm names: 'english', 'german', 'french', 'spanish', ... (see algorithms()). */
  export function newStemmer(algorithm: string): SnowballStemmer;
  export function algorithms(): string[];
}

declare module 'stopword' {
  /** Stopword lists by ISO 639-3 code. */
  export const deu: readonly string[];
  export const fra: readonly string[];
  export const spa: readonly string[];
  export const eng: readonly string[];
}
