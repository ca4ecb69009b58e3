import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TrainedModelCache } from '../answering/model-cache.js';
import { pacer, type Pacing } from '../answering/time-slicing.js';
import type { Article, ArticleProblem } from './article.js';
import { MAX_ARTICLE_BYTES, parseArticle, type ParseArticleResult } from './parse-article.js';
import { parserFingerprint } from './parser-fingerprint.js';
import { sealBytesPaced, unsealBytes } from '../sealed-bytes.js';
import { fileErrorText, readKbFile } from './read-kb-file.js';

/** The articles that loaded, and what was wrong with the ones that did not. */
export interface KnowledgeBase {
  dir: string;
  articles: Article[];
  problems: ArticleProblem[];
}

/** Folders inside the knowledge base that hold no published articles. */
const SKIPPED_DIRS = new Set(['drafts', 'scripts', 'node_modules']);
const SKIPPED_FILES = new Set(['readme.md']);

/**
 * Loads every article under `dir`. A broken file is reported and skipped; so is an article
 * whose id repeats one already loaded (files are read in path order, the first one wins).
 * Only regular files are read (see readKbFile for symlinks); a folder, FIFO, socket or device
 * with an article's name, an unreadable folder and a file that cannot be parsed at all are
 * problems of their own, never a reason for the rest not to load. Names starting with "." are
 * skipped, like editors' lock files (emacs's ".#x.md" is a dangling symlink).
 */
export async function loadKnowledgeBase(
  dir: string,
  options: {
    /**
     * Keeps what the files parsed to (articles and problems), by the files' paths and bytes and the
     * parser's code (see parsedWithCache): an unchanged knowledge base is read and hashed, not parsed
     * (CLINC150's 150 files: about 0.4 s of CPU, most of it YAML). An entry that cannot be read back
     * is dropped and the files parsed.
     */
    cache?: TrainedModelCache;
    /** Stops the load at its next turn for the event loop (the files are parsed giving it turns). */
    signal?: Pacing['signal'];
  } = {},
): Promise<KnowledgeBase> {
  // Thousands of files take seconds to parse: the event loop gets turns (a probe, a kept delivery) meanwhile.
  const pace = pacer({ signal: options.signal });
  const root = path.resolve(dir);
  const problems: ArticleProblem[] = [];
  const relativeTo = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const files = (
    await listMarkdown(root, true, (file, message) => problems.push({ file: relativeTo(file), field: 'file', message }))
  ).sort();
  const articles: Article[] = [];
  const seen = new Map<string, string>();
  // Every file is read first (the cache's key is their bytes), then taken in path order as before.
  const reads = [];
  for (const file of files)
    reads.push({ relative: relativeTo(file), read: await readKbFile(file, root, MAX_ARTICLE_BYTES) });
  const texts = reads.flatMap(({ relative, read }) => (read.ok ? [{ relative, text: read.text }] : []));
  const parsed = options.cache ? await parsedWithCache(texts, options.cache, pace) : await parseAll(texts, pace);
  let next = 0;
  for (const { relative, read } of reads) {
    if (!read.ok) {
      problems.push({ file: relative, field: 'file', message: read.message });
      continue;
    }
    const result = parsed[next++]!;
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const first = seen.get(result.article.id);
    if (first) {
      problems.push({ file: relative, field: 'id', message: `id "${result.article.id}" is already used by ${first}` });
      continue;
    }
    seen.set(result.article.id, relative);
    articles.push(result.article);
  }
  return { dir: root, articles, problems };
}

/** Raise when what is kept of a parse changes shape (the parser's own code is in the key already: see parserFingerprint). */
const PARSED_FORMAT = 'parsed-articles/1';

/**
 * The files' parses from the cache, or parsed and kept. The key is the SHA-256 of the format, the
 * parser's fingerprint (its source files and the yaml and zod versions) and every file's path and
 * bytes, in order: any edit, rename, added or removed file, or change to the parser misses.
 */
async function parsedWithCache(
  texts: ReadonlyArray<{ relative: string; text: string }>,
  cache: TrainedModelCache,
  pace: () => Promise<void>,
): Promise<ParseArticleResult[]> {
  const hash = createHash('sha256').update(`${PARSED_FORMAT}\0${parserFingerprint()}\0${texts.length}\0`);
  for (const { relative, text } of texts) {
    hash.update(`${relative.length}:${relative}${text.length}:`).update(text);
    await pace();
  }
  const key = `articles-${hash.digest('hex')}`;
  const bytes = await cache.get(key).catch(() => null);
  if (bytes) {
    try {
      const results = JSON.parse(Buffer.from(unsealBytes(PARSED_FORMAT, bytes)).toString('utf8')) as unknown;
      if (!Array.isArray(results) || results.length !== texts.length) throw new Error('not the files listed');
      return results as ParseArticleResult[];
    } catch {
      // Damaged or not ours: parse again and keep a good copy.
      await cache.drop(key).catch(() => {});
    }
  }
  const results = await parseAll(texts, pace);
  // JSON.stringify(results) as UTF-8, an element at a time (the same bytes): tens of MB at thousands of articles.
  const parts = [Buffer.from('[')];
  for (const result of results) {
    parts.push(Buffer.from(`${parts.length > 1 ? ',' : ''}${JSON.stringify(result)}`, 'utf8'));
    await pace();
  }
  parts.push(Buffer.from(']'));
  const payload = Buffer.concat(parts);
  await cache.put(key, await sealBytesPaced(PARSED_FORMAT, payload, pace)).catch(() => {});
  return results;
}

async function parseAll(
  texts: ReadonlyArray<{ relative: string; text: string }>,
  pace: () => Promise<void>,
): Promise<ParseArticleResult[]> {
  const results: ParseArticleResult[] = [];
  for (const { text, relative } of texts) {
    results.push(parseSafely(text, relative));
    await pace();
  }
  return results;
}

/** parseArticle is not meant to throw; if it ever does, that file is the problem, not the load. */
function parseSafely(source: string, file: string): ReturnType<typeof parseArticle> {
  try {
    return parseArticle(source, file);
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          file,
          field: 'file',
          message: `cannot be read as an article: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
}

/** Article paths under `dir`; what is skipped with a reason goes to `skip`. Only `dir` itself must be readable. */
async function listMarkdown(
  dir: string,
  isRoot: boolean,
  skip: (file: string, message: string) => void,
): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isRoot) throw error;
    skip(dir, `folder cannot be read, its articles are skipped: ${fileErrorText(error)}`);
    return [];
  }
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.name.startsWith('.')) return [];
      const named = entry.name.endsWith('.md') && !SKIPPED_FILES.has(entry.name.toLowerCase());
      if (entry.isDirectory()) {
        if (named) {
          skip(full, "is a folder with an article's name (.md): skipped");
          return [];
        }
        return SKIPPED_DIRS.has(entry.name) ? [] : listMarkdown(full, false, skip);
      }
      // Symlinks, FIFOs and the like are listed too: readKbFile decides, and says why not.
      return named ? [full] : [];
    }),
  );
  return nested.flat();
}

/** "file:line: field: message", the format editors' tools and CI annotations understand. */
export function formatProblem(problem: ArticleProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `${where}: ${problem.field}: ${problem.message}`;
}
