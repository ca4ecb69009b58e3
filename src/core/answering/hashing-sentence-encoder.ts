import { normalize, type SentenceEncoder } from './sentence-encoder.js';

/**
 * A small, deterministic sentence encoder with no model: lowercase words and their character
 * trigrams hashed into `dimensions` buckets. It knows no synonyms, so it adds little to the
 * engine's answers; it exists so that tests exercise every path that takes an encoder (the
 * blend, the cascade, the embedding cache) in milliseconds, without loading a neural network.
 */
export class HashingSentenceEncoder implements SentenceEncoder {
  readonly name: string;
  /** Texts embedded so far, so tests can see what was (not) embedded again. */
  embedded = 0;

  /**
   * `weights` stands for a model's weights (tests of what an upgraded package does to the caches):
   * the same name and size, other vectors for the same texts.
   */
  constructor(
    readonly dimensions = 256,
    readonly weights?: string,
  ) {
    this.name = `hashing-${dimensions}`;
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.embedded += texts.length;
    return Promise.resolve(texts.map((text) => this.embedOne(text)));
  }

  private embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      vector[this.bucket(`w:${word}`)]! += 1;
      const padded = `<${word}>`;
      for (let i = 0; i + 3 <= padded.length; i++) vector[this.bucket(`c:${padded.slice(i, i + 3)}`)]! += 0.5;
    }
    return normalize(vector);
  }

  /** FNV-1a: stable across runs and machines. */
  private bucket(feature: string): number {
    if (this.weights !== undefined) feature = `${this.weights}\u0000${feature}`;
    let hash = 0x811c9dc5;
    for (let i = 0; i < feature.length; i++) hash = Math.imul(hash ^ feature.charCodeAt(i), 0x01000193);
    return (hash >>> 0) % this.dimensions;
  }
}
