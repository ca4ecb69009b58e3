/**
 * `npm run kb:lint [-- --kb DIR] [--strict] [--today YYYY-MM-DD] [--audiences FILE]`: checks the knowledge base the
 * way the bot loads it and prints one "file:line: field: message" per problem, sorted by file
 * and line, so editors can run it in their own CI. Warnings end in " (warning)".
 *
 * Errors: front matter, duplicate ids, script errors, articles naming a script that does not
 * work, the same question claimed by two articles of one language, a translation whose
 * `translation_of` names no article in the default language (DEFAULT_LANGUAGE, `en`) or repeats
 * another translation's, audiences the configuration does not define
 * (`all`, `engineers` and those of --audiences FILE, else of AUDIENCES_FILE).
 * Warnings: near-duplicate articles of one language (they steal each other's matches), an
 * article in another language naming no original, links to articles that do
 * not exist, `review_by` passed, `updated` in the future, script warnings, a script showing an
 * article that part of its audience may not be given.
 *
 * Files the bot would skip (a folder, FIFO or device with an article's or script's name, a file
 * too large, YAML too deep or an alias bomb) are errors like any other, with their file.
 *
 * Exit code 1 when there are errors (or warnings, with --strict), 0 otherwise, 2 when the lint
 * itself fails.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { audiencesConfig, readAudiencesFile } from '../config/audiences-file.js';
import { TextAnalyzer } from '../core/answering/text-analyzer.js';
import { localDate } from '../core/knowledge/kb-lint-dates.js';
import { lintKnowledgeBase, lintReport } from '../core/knowledge/kb-lint-report.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { MAX_ARTICLE_BYTES } from '../core/knowledge/parse-article.js';
import { readKbFile } from '../core/knowledge/read-kb-file.js';
import { loadScripts } from '../core/scripts/load-scripts.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kb: { type: 'string', default: './knowledge-base' },
      strict: { type: 'boolean', default: false },
      today: { type: 'string' },
      audiences: { type: 'string' },
    },
    allowPositionals: false,
  });
  const today = values.today ?? localDate(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today)))
    throw new Error(`--today must be a date like 2026-10-15, got "${today}"`);
  const audiencesFile = values.audiences ?? process.env.AUDIENCES_FILE;
  const audiences = audiencesFile ? readAudiencesFile(audiencesFile) : undefined;
  if (audiences && !audiences.ok) throw new Error(`the audiences file is not valid:\n${audiences.problems.join('\n')}`);
  const defined = new Set(
    audiencesConfig(audiences?.audiences, { slackGroups: [], slackUsers: [], teamsUsers: [] }).defined,
  );
  const kb = await loadKnowledgeBase(values.kb!);
  const scripts = await loadScripts(path.join(kb.dir, 'scripts'), new Set(kb.articles.map((a) => a.id)), kb.dir);
  // Read again for line numbers, as carefully as the loader: the file may have become a FIFO since.
  const source = async (file: string) => {
    const read = await readKbFile(path.join(kb.dir, file), kb.dir, MAX_ARTICLE_BYTES);
    return read.ok ? read.text : '';
  };
  const articles = await Promise.all(
    kb.articles.map(async (article) => ({ article, source: await source(article.path) })),
  );
  const unplaced = [...new Set(kb.problems.filter((p) => !p.line && p.file.endsWith('.md')).map((p) => p.file))];
  const problemSources = new Map(await Promise.all(unplaced.map(async (file) => [file, await source(file)] as const)));
  const findings = lintKnowledgeBase({
    articles,
    articleProblems: kb.problems,
    problemSources,
    scriptProblems: scripts.problems,
    workingScripts: new Set(scripts.scripts.map((s) => s.id)),
    analyzer: new TextAnalyzer(),
    analyzerFor: (language) => TextAnalyzer.for(language),
    defaultLanguage: defaultLanguage(),
    today,
    audiences: {
      defined,
      scripts: await Promise.all(
        scripts.scripts.map(async (script) => ({ script, source: await source(script.path) })),
      ),
    },
  });
  const report = lintReport(findings, { articles: kb.articles.length, scripts: scripts.scripts.length }, values.strict);
  if (report.lines.length > 0) process.stdout.write(`${report.lines.join('\n')}\n`);
  process.stderr.write(`${report.summary}\n`);
  return report.exitCode;
}

/** DEFAULT_LANGUAGE as the bot reads it: two letters, `en` when unset. */
function defaultLanguage(): string {
  const value = (process.env.DEFAULT_LANGUAGE ?? 'en').trim().toLowerCase();
  if (!/^[a-z]{2}$/.test(value)) throw new Error(`DEFAULT_LANGUAGE must be two letters like en or de, got "${value}"`);
  return value;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`kb:lint failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
