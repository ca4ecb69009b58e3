import { constants } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';

/** A knowledge-base file's text, or why it was not read (the loader reports it and skips the file). */
export type KbFileRead = { ok: true; text: string } | { ok: false; message: string };

// O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever, holding a libuv
// thread and every later reload (and shutdown) with it. O_NOCTTY: a terminal device must never
// become the bot's controlling terminal. Both are 0 where the platform lacks them (Windows).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Reads one article or script, and only if it is a regular file of at most `maxBytes`.
 *
 * A FIFO, socket, device or folder is refused without being read (a FIFO or device is never
 * even opened when it is one at the time of listing). Symlinks are followed only to a regular
 * file inside `root` (after resolving `root`'s own symlinks): a link to a FIFO, a folder, a
 * missing file or anything outside the knowledge base is refused. The type is checked again on
 * the open handle, so a file swapped for a FIFO between listing and reading is refused too.
 */
export async function readKbFile(file: string, root: string, maxBytes: number): Promise<KbFileRead> {
  let entry: Stats;
  let follow = false;
  try {
    entry = await lstat(file);
    if (entry.isSymbolicLink()) {
      const [target, realRoot] = await Promise.all([realpath(file), realpath(root)]);
      const inside = path.relative(realRoot, target);
      if (inside.startsWith('..') || path.isAbsolute(inside))
        return refuse('is a symlink to a file outside the knowledge base');
      entry = await stat(file);
      follow = true;
    }
  } catch (error) {
    return refuse(`cannot read: ${fileErrorText(error)}`);
  }
  const kind = notARegularFile(entry);
  if (kind) return refuse(kind);
  if (entry.size > maxBytes) return refuse(tooLarge(maxBytes));

  let handle;
  try {
    handle = await open(file, OPEN_FLAGS | (follow ? 0 : NO_FOLLOW));
  } catch (error) {
    // ELOOP: it was a plain file when listed and is a symlink now; the next reload looks again.
    return refuse(
      (error as NodeJS.ErrnoException).code === 'ELOOP'
        ? 'changed while being read (now a symlink)'
        : `cannot read: ${fileErrorText(error)}`,
    );
  }
  try {
    const opened = await handle.stat();
    const swapped = notARegularFile(opened);
    if (swapped) return refuse(swapped);
    // Read to the end rather than to the size stat gave: the file may grow meanwhile, and
    // must not grow past the limit.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - length, Math.max(opened.size - length + 1, 64 * 1024)));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) return refuse(tooLarge(maxBytes));
    }
    return { ok: true, text: Buffer.concat(chunks, length).toString('utf8') };
  } catch (error) {
    return refuse(`cannot read: ${fileErrorText(error)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Why `entry` is not something to read, or undefined when it is a regular file. */
function notARegularFile(entry: Stats): string | undefined {
  if (entry.isFile()) return undefined;
  if (entry.isDirectory()) return 'is a folder, not a file: skipped';
  if (entry.isFIFO()) return 'is a FIFO (named pipe), not a file: skipped';
  if (entry.isSocket()) return 'is a socket, not a file: skipped';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'is a device, not a file: skipped';
  return 'is not a regular file: skipped';
}

function tooLarge(maxBytes: number): string {
  return `is larger than ${maxBytes / 1024} KiB: skipped`;
}

function refuse(message: string): KbFileRead {
  return { ok: false, message };
}

/** Why a file could not be read, without the server's absolute path (editors read these). */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found (removed while loading, or a symlink to nothing)';
  if (code === 'ELOOP') return 'a symlink loop';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (error instanceof Error ? error.message : String(error));
}
