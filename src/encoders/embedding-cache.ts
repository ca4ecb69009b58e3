import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';

const KEY_BYTES = 32;

/**
 * An encoder whose embeddings are kept on disk, keyed by the SHA-256 of the text: a restart or a
 * live reload embeds only the phrasings that changed (the bundled knowledge base's 500 take
 * seconds; a large one, minutes). One append-only file per encoder and size; a record cut short
 * by a crash is ignored, and the file is rewritten without stale records once they outnumber the
 * live ones. For articles' phrasings only: employees' questions are never written to it.
 */
export class CachedSentenceEncoder implements SentenceEncoder {
  readonly name: string;
  readonly dimensions: number;
  /** Texts the inner encoder embedded (cache misses), for logs and tests. */
  misses = 0;

  private constructor(
    private readonly inner: SentenceEncoder,
    private readonly file: string,
    private readonly stored: Map<string, Float32Array>,
  ) {
    this.name = inner.name;
    this.dimensions = inner.dimensions;
  }

  static async open(inner: SentenceEncoder, dir: string): Promise<CachedSentenceEncoder> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${inner.name.replace(/[^\w.-]+/g, '_')}-${inner.dimensions}.bin`);
    const stored = new Map<string, Float32Array>();
    const record = KEY_BYTES + 4 * inner.dimensions;
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    for (let at = 0; at + record <= bytes.length; at += record) {
      const vector = new Float32Array(inner.dimensions);
      for (let i = 0; i < inner.dimensions; i++) vector[i] = bytes.readFloatLE(at + KEY_BYTES + 4 * i);
      stored.set(bytes.toString('hex', at, at + KEY_BYTES), vector);
    }
    return new CachedSentenceEncoder(inner, file, stored);
  }

  get size(): number {
    return this.stored.size;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map(keyOf);
    const missing = [...new Map(keys.flatMap((key, i) => (this.stored.has(key) ? [] : [[key, texts[i]!] as const]))).entries()];
    if (missing.length > 0) {
      const vectors = await this.inner.embed(missing.map(([, text]) => text));
      this.misses += missing.length;
      missing.forEach(([key], i) => this.stored.set(key, vectors[i]!));
      await appendFile(this.file, this.records(missing.map(([key]) => key)));
    }
    return keys.map((key) => this.stored.get(key)!);
  }

  /** Forgets the records of texts no longer in use, rewriting the file when they outnumber those in use. */
  async retainOnly(texts: readonly string[]): Promise<void> {
    const live = new Set(texts.map(keyOf));
    const stale = [...this.stored.keys()].filter((key) => !live.has(key));
    if (stale.length <= live.size) return;
    for (const key of stale) this.stored.delete(key);
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, this.records([...this.stored.keys()]));
    await rename(temporary, this.file);
  }

  private records(keys: readonly string[]): Buffer {
    const record = KEY_BYTES + 4 * this.dimensions;
    const out = Buffer.alloc(record * keys.length);
    keys.forEach((key, n) => {
      out.write(key, n * record, KEY_BYTES, 'hex');
      const vector = this.stored.get(key)!;
      for (let i = 0; i < this.dimensions; i++) out.writeFloatLE(vector[i]!, n * record + KEY_BYTES + 4 * i);
    });
    return out;
  }
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
