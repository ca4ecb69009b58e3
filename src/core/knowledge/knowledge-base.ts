import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Article, ArticleProblem } from './article.js';
import { parseArticle } from './parse-article.js';

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
 */
export async function loadKnowledgeBase(dir: string): Promise<KnowledgeBase> {
  const root = path.resolve(dir);
  const files = (await listMarkdown(root)).sort();
  const articles: Article[] = [];
  const problems: ArticleProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file: relative, field: 'file', message: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const result = parseArticle(source, relative);
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

async function listMarkdown(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('.') ? [] : listMarkdown(full);
      }
      const isArticle = entry.isFile() && entry.name.endsWith('.md') && !SKIPPED_FILES.has(entry.name.toLowerCase());
      return isArticle ? [full] : [];
    }),
  );
  return nested.flat();
}

/** "file:line: field: message", the format editors' tools and CI annotations understand. */
export function formatProblem(problem: ArticleProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `${where}: ${problem.field}: ${problem.message}`;
}
