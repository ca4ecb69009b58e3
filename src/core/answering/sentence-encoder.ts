/**
 * Turns texts into vectors of one length whose dot product says how alike their meanings are: a
 * pretrained sentence encoder brings what a knowledge base of a few phrasings per article cannot
 * teach the engine (that "can't print" and "printer offline" are about the same thing).
 * Implementations live outside the core (src/encoders); the core only sees this port.
 */
export interface SentenceEncoder {
  /** Names the model: embeddings cached under one name are never mixed with another's. */
  readonly name: string;
  readonly dimensions: number;
  /**
   * Which weights the model runs on, when its name does not say it (a package's version and a hash
   * of its manifest: see useLiteFiles): caches key by it as by the name, so new weights (an npm
   * upgrade) embed again instead of reading back the old weights' vectors. Absent: the name says it
   * all (a model without weights, as HashingSentenceEncoder).
   */
  readonly weights?: string;
  /** One unit vector (length 1) per text, in the order given. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Scales a vector to length 1 in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
