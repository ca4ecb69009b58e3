import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';

const KEY_BYTES = 32;
/** Records read or written at a time: the file is never held in memory whole. */
const RECORDS_PER_READ = 2048;

/**
 * An encoder whose embeddings are kept on disk, keyed by the SHA-256 of the text: a restart or a
 * live reload embeds only the phrasings that changed (the bundled knowledge base's 500 take
 * seconds; a large one, minutes). One append-only file per encoder, size and weights (new weights,
 * from an upgraded package, start a new file; the first tidy-up of the new one deletes the old
 * weights' files); a record cut short by a crash is ignored, and the file is rewritten without
 * stale records once they outnumber the live ones. For articles' phrasings only: employees'
 * questions are never written to it.
 *
 * Only each record's place in the file is kept in memory, not its vector: the engine keeps what
 * it needs of the phrasings' embeddings (one centroid per article), and 90,000 phrasings' vectors
 * held here took about 230 MB for as long as the bot ran. A record is read back with its key
 * checked, so a file another process appended to or rewrote meanwhile is read again, never
 * misread.
 */
export class CachedSentenceEncoder implements SentenceEncoder {
  readonly name: string;
  readonly dimensions: number;
  readonly weights?: string;
  /** Texts the inner encoder embedded (cache misses), for logs and tests. */
  misses = 0;
  private readonly record: number;

  /** Key (hex) -> the byte offset of its record in the file; read at the first use (see `scanned`). */
  private offsets = new Map<string, number>();
  /** Whether the file was scanned: a start whose articles' embeddings were all cached elsewhere never reads it. */
  private scanned = false;
  /** Whether the files of this encoder's other weights were looked for (once, at the first tidy-up). */
  private othersDropped = false;

  private constructor(
    private readonly inner: SentenceEncoder,
    private readonly dir: string,
    /** The encoder's name and size as a file name's start: its files are `<base>.bin` (no weights) and `<base>--<weights>.bin`. */
    private readonly base: string,
    private readonly file: string,
  ) {
    this.name = inner.name;
    this.dimensions = inner.dimensions;
    if (inner.weights !== undefined) this.weights = inner.weights;
    this.record = KEY_BYTES + 4 * inner.dimensions;
  }

  static async open(inner: SentenceEncoder, dir: string): Promise<CachedSentenceEncoder> {
    await mkdir(dir, { recursive: true });
    const base = `${safe(inner.name)}-${inner.dimensions}`;
    const file = path.join(dir, inner.weights === undefined ? `${base}.bin` : `${base}--${safe(inner.weights)}.bin`);
    return new CachedSentenceEncoder(inner, dir, base, file);
  }

  /** Records in the file (it is scanned first if it was not yet). */
  async size(): Promise<number> {
    await this.scanOnce();
    return this.offsets.size;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    await this.scanOnce();
    const keys = texts.map(keyOf);
    const vectors = await this.read(keys.filter((key) => this.offsets.has(key)));
    const missing = [
      ...new Map(keys.flatMap((key, i) => (vectors.has(key) ? [] : [[key, texts[i]!] as const]))).entries(),
    ];
    if (missing.length > 0) {
      const made = await this.inner.embed(missing.map(([, text]) => text));
      this.misses += missing.length;
      missing.forEach(([key], i) => vectors.set(key, made[i]!));
      await this.append(
        missing.map(([key]) => key),
        vectors,
      );
    }
    return keys.map((key) => vectors.get(key)!);
  }

  /** Forgets the records of texts no longer in use, rewriting the file when they outnumber those in use. */
  async retainOnly(texts: readonly string[]): Promise<void> {
    // Never read in this process: nothing was added to it either; the next start that embeds tidies it.
    if (!this.scanned) return;
    await this.dropOtherWeights();
    const live = new Set(texts.map(keyOf));
    const stale = [...this.offsets.keys()].filter((key) => !live.has(key));
    if (stale.length <= live.size) return;
    const kept = [...this.offsets.keys()]
      .filter((key) => live.has(key))
      .sort((a, b) => this.offsets.get(a)! - this.offsets.get(b)!);
    const temporary = `${this.file}.${process.pid}.tmp`;
    const out = await open(temporary, 'w');
    const offsets = new Map<string, number>();
    try {
      for (let at = 0; at < kept.length; at += RECORDS_PER_READ) {
        const vectors = await this.read(kept.slice(at, at + RECORDS_PER_READ));
        const chunk = [...vectors.keys()];
        for (const key of chunk) offsets.set(key, offsets.size * this.record);
        await out.write(this.records(chunk, vectors));
      }
    } finally {
      await out.close();
    }
    await rename(temporary, this.file);
    this.offsets = offsets;
  }

  /**
   * The vectors of these keys that the file holds, by key. Records are read in runs, in file
   * order; a record whose key is not the one expected (the file changed under us) sends the reader
   * over the whole file once more, and a key still not found is left out (embedded again).
   */
  private async read(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    let wanted = [...new Set(keys)];
    for (let attempt = 0; attempt < 2 && wanted.length > 0; attempt++) {
      if (attempt === 1) this.offsets = await this.scan();
      const mismatched: string[] = [];
      const placed = wanted
        .filter((key) => this.offsets.has(key))
        .sort((a, b) => this.offsets.get(a)! - this.offsets.get(b)!);
      const handle = await open(this.file, 'r').catch(notFound);
      if (handle === null) break;
      try {
        for (let i = 0; i < placed.length;) {
          // A run of records that follow one another in the file, read at once.
          let end = i + 1;
          while (
            end < placed.length &&
            end - i < RECORDS_PER_READ &&
            this.offsets.get(placed[end]!) === this.offsets.get(placed[end - 1]!)! + this.record
          )
            end++;
          const start = this.offsets.get(placed[i]!)!;
          const bytes = Buffer.alloc((end - i) * this.record);
          const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
          for (let r = 0; r < end - i; r++) {
            const key = placed[i + r]!;
            const at = r * this.record;
            if (at + this.record > bytesRead || bytes.toString('hex', at, at + KEY_BYTES) !== key) {
              mismatched.push(key);
              continue;
            }
            const vector = new Float32Array(this.dimensions);
            for (let d = 0; d < this.dimensions; d++) vector[d] = bytes.readFloatLE(at + KEY_BYTES + 4 * d);
            found.set(key, vector);
          }
          i = end;
        }
      } finally {
        await handle.close();
      }
      wanted = mismatched;
    }
    for (const key of wanted) this.offsets.delete(key);
    return found;
  }

  /**
   * Deletes this encoder's files of other weights (and the one from before files were named by
   * their weights), once: their vectors are never read again, and a large knowledge base's file
   * takes hundreds of MB.
   */
  private async dropOtherWeights(): Promise<void> {
    if (this.othersDropped) return;
    this.othersDropped = true;
    const mine = path.basename(this.file);
    for (const name of await readdir(this.dir))
      if (
        name !== mine &&
        (name === `${this.base}.bin` || (name.startsWith(`${this.base}--`) && name.endsWith('.bin')))
      )
        await rm(path.join(this.dir, name), { force: true });
  }

  private async scanOnce(): Promise<void> {
    if (this.scanned) return;
    this.offsets = await this.scan();
    this.scanned = true;
  }

  private async append(keys: readonly string[], vectors: ReadonlyMap<string, Float32Array>): Promise<void> {
    const handle = await open(this.file, 'a');
    try {
      // Where the records land if nobody appends meanwhile; if somebody does, reading checks the key and finds them anew.
      const { size } = await handle.stat();
      await handle.write(this.records(keys, vectors));
      keys.forEach((key, i) => this.offsets.set(key, size + i * this.record));
    } finally {
      await handle.close();
    }
  }

  /** Every whole record's key and offset, reading the file a run of records at a time; a record cut short at the end is ignored. */
  private async scan(): Promise<Map<string, number>> {
    const offsets = new Map<string, number>();
    const handle: FileHandle | null = await open(this.file, 'r').catch(notFound);
    if (handle === null) return offsets;
    try {
      const bytes = Buffer.alloc(RECORDS_PER_READ * this.record);
      for (let position = 0; ;) {
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, position);
        const whole = Math.floor(bytesRead / this.record);
        for (let r = 0; r < whole; r++)
          offsets.set(bytes.toString('hex', r * this.record, r * this.record + KEY_BYTES), position + r * this.record);
        if (bytesRead < bytes.length) break;
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return offsets;
  }

  private records(keys: readonly string[], vectors: ReadonlyMap<string, Float32Array>): Buffer {
    const out = Buffer.alloc(this.record * keys.length);
    keys.forEach((key, n) => {
      out.write(key, n * this.record, KEY_BYTES, 'hex');
      const vector = vectors.get(key)!;
      for (let i = 0; i < this.dimensions; i++) out.writeFloatLE(vector[i]!, n * this.record + KEY_BYTES + 4 * i);
    });
    return out;
  }
}

function safe(part: string): string {
  return part.replace(/[^\w.-]+/g, '_');
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function notFound(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}
