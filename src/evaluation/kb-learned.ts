/**
 * `npm run kb:learned [-- --all --json --kb DIR]`: the phrasings the bot learnt from askers who
 * confirmed an answer (article, phrasing, how many people, how many found it not helpful,
 * status; never who). `--accept ID` writes the phrasing into its article's `questions:` list
 * and marks it accepted; `--reject ID` marks it rejected, so it is never used. Reads the bot's
 * database (DATA_DIR or DATABASE_URL) and knowledge base (KB_DIR or --kb), as the bot does.
 * Exit code 0, or 2 when it cannot do what was asked.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { appendQuestion } from '../core/knowledge/append-question.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { isUsable, phrasingKey, type LearnedPhrasing } from '../core/knowledge/learned-phrasings.js';
import { openStore } from '../store/open-store.js';
import { runCli, UsageError } from './run-cli.js';

const USAGE = 'usage: npm run kb:learned -- [--all] [--json] [--kb DIR] | --accept ID | --reject ID';

/** What was asked cannot be done (an unknown id, a file that cannot be written): said plainly, exit 2. */
class CannotError extends Error {}

function phrasingId(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(
      `${flag}: expected a phrasing id (the number in the first column of the list), got "${value}"`,
    );
  return Number(value);
}

function table(phrasings: LearnedPhrasing[], minAskers: number, articles: ReadonlyMap<string, string>): string {
  const rows = phrasings.map((p) => [
    String(p.id),
    p.status,
    String(p.askers),
    String(p.notHelpful),
    !articles.has(p.articleId) ? 'article gone' : isUsable(p, minAskers) ? 'yes' : 'no',
    p.articleId,
    JSON.stringify(p.text),
  ]);
  const header = ['id', 'status', 'askers', 'not helpful', 'in use', 'article', 'phrasing'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      accept: { type: 'string' },
      reject: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      kb: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.accept !== undefined && values.reject !== undefined)
    throw new UsageError('--accept and --reject: one at a time');
  const accept = values.accept === undefined ? undefined : phrasingId('--accept', values.accept);
  const reject = values.reject === undefined ? undefined : phrasingId('--reject', values.reject);
  const config = loadConfig();
  const kbDir = path.resolve(values.kb ?? config.kbDir);
  // The bot's database as it is; never a new one on a typo.
  const store = await openStore(config.database, { create: false });
  try {
    if (reject !== undefined) {
      const phrasing = await store.learned.find(reject);
      if (!phrasing)
        throw new CannotError(`there is no learned phrasing ${reject} (npm run kb:learned -- --all lists them)`);
      await store.learned.setStatus(reject, 'rejected');
      process.stdout.write(`Rejected ${reject}: "${phrasing.text}" will not be used for ${phrasing.articleId}.\n`);
      return 0;
    }
    if (accept !== undefined) {
      const phrasing = await store.learned.find(accept);
      if (!phrasing)
        throw new CannotError(`there is no learned phrasing ${accept} (npm run kb:learned -- --all lists them)`);
      const kb = await loadKnowledgeBase(kbDir);
      const article = kb.articles.find((a) => a.id === phrasing.articleId);
      if (!article) {
        throw new CannotError(
          `article ${phrasing.articleId} is not in ${kbDir}: it was deleted or renamed, or its file does not load (npm run kb:lint); reject the phrasing or add it by hand`,
        );
      }
      const file = path.join(kb.dir, article.path);
      const shown = `knowledge-base/${article.path}`;
      if (article.questions.some((q) => phrasingKey(q) === phrasingKey(phrasing.text))) {
        await store.learned.setStatus(accept, 'accepted');
        process.stdout.write(`Accepted ${accept}: ${shown} already asks "${phrasing.text}"; nothing to write.\n`);
        return 0;
      }
      const source = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CannotError(
          `cannot read ${shown}: ${error.code === 'ENOENT' ? 'the file is missing' : error.code === 'EACCES' ? 'permission denied' : error.message}`,
        );
      });
      const edited = appendQuestion(source, phrasing.text, shown);
      if (!edited.ok) throw new CannotError(edited.reason);
      await writeFile(file, edited.source).catch((error: NodeJS.ErrnoException) => {
        throw new CannotError(
          `cannot write ${shown}: ${error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'EROFS' ? 'permission denied' : error.code === 'ENOENT' ? 'the file is missing' : error.message}`,
        );
      });
      await store.learned.setStatus(accept, 'accepted');
      process.stdout.write(
        `Accepted ${accept}: added "${phrasing.text}" to the questions of ${shown}. Commit it; a running bot that watches the folder picks it up.\n`,
      );
      return 0;
    }
    // Rejected ones, and questions only ever voted not helpful, are noise to an editor unless asked for.
    const phrasings = (await store.learned.list()).filter(
      (p) => values.all || (p.status !== 'rejected' && p.askers > 0),
    );
    const kb = await loadKnowledgeBase(kbDir).catch(() => null);
    const articles = new Map((kb?.articles ?? []).map((a) => [a.id, a.title]));
    if (values.json) {
      const rows = phrasings.map((p) => ({
        ...p,
        inUse: articles.has(p.articleId) && isUsable(p, config.learnMinAskers),
        articleExists: articles.has(p.articleId),
      }));
      process.stdout.write(`${JSON.stringify({ minAskers: config.learnMinAskers, phrasings: rows }, null, 2)}\n`);
    } else if (phrasings.length === 0) {
      process.stdout.write('No learned phrasings yet.\n');
    } else {
      process.stdout.write(`${table(phrasings, config.learnMinAskers, articles)}\n`);
      process.stderr.write(
        `${phrasings.length} phrasing(s); in use: pending and confirmed by at least ${config.learnMinAskers} people (LEARN_MIN_ASKERS) once "not helpful" votes are taken off.\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

runCli('kb:learned', USAGE, main);
