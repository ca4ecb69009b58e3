import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainedModelCache } from '../core/answering/model-cache.js';

/** Models kept at most of each kind (answer, triggers, triage): the current one, the one before a reload, and a spare. */
const KEEP = 3;
/** A temporary file older than this was left by a process that died while writing. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** `<kind>-<sha256>` (see intentModelKeySteps in core/answering/model-cache.ts). */
const KEY = /^([a-z]+)-[0-9a-f]{64}$/;

/**
 * Trained models on disk ($DATA_DIR/model-cache by default), one file per key
 * (`<kind>-<sha256>.model`). A model is written to a temporary file of its own and renamed into place,
 * so a reader sees a whole file or none, and two processes writing the same key leave one whole
 * file (the same bytes: same key, same training). Only the KEEP most recently used files of each
 * kind stay (a read marks its file used): triage retrained on settled tickets never pushes out the
 * answer model. Errors reading or writing are the caller's to ignore (see the port):
 * a cache that cannot be written costs only the training on the next start.
 */
export class FileModelCache implements TrainedModelCache {
  constructor(
    private readonly dir: string,
    private readonly keep = KEEP,
  ) {}

  async get(key: string): Promise<Uint8Array | null> {
    if (!KEY.test(key)) return null;
    const file = this.file(key);
    try {
      const bytes = await readFile(file);
      const now = new Date();
      await utimes(file, now, now).catch(() => {});
      return bytes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    if (!KEY.test(key)) throw new Error(`not a model cache key: ${key}`);
    await mkdir(this.dir, { recursive: true });
    const temporary = path.join(this.dir, `${key}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, this.file(key));
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await this.prune();
  }

  async drop(key: string): Promise<void> {
    if (KEY.test(key)) await unlink(this.file(key)).catch(() => {});
  }

  /** Removes all but the `keep` most recently used models, and temporary files left by dead writers. */
  private async prune(): Promise<void> {
    const names = await readdir(this.dir);
    const entries: Array<{ name: string; used: number; kind: string | null }> = [];
    for (const name of names) {
      const temporary = name.endsWith('.tmp');
      if (!temporary && !name.endsWith('.model')) continue;
      const info = await stat(path.join(this.dir, name)).catch(() => null);
      if (info)
        entries.push({
          name,
          used: info.mtimeMs,
          kind: temporary ? null : (KEY.exec(name.slice(0, -'.model'.length))?.[1] ?? ''),
        });
    }
    const now = Date.now();
    const gone = entries.filter((e) => e.kind === null && now - e.used > STALE_TEMP_MS);
    for (const kind of new Set(entries.flatMap((e) => (e.kind === null ? [] : [e.kind])))) {
      gone.push(
        ...entries
          .filter((e) => e.kind === kind)
          .sort((a, b) => b.used - a.used)
          .slice(this.keep),
      );
    }
    for (const { name } of gone) await unlink(path.join(this.dir, name)).catch(() => {});
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.model`);
  }
}
