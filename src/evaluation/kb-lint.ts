/**
 * `npm run kb:lint [-- --kb DIR]`: checks the knowledge base the way the bot loads it and
 * prints one "file:line: field: message" per problem, so editors can run it in their own CI.
 * Exit code 1 when there are errors, 0 otherwise (warnings alone do not fail).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem as formatArticleProblem, loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { loadScripts } from '../core/scripts/load-scripts.js';
import { formatProblem as formatScriptProblem } from '../core/scripts/script-problems.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { kb: { type: 'string', default: './knowledge-base' } }, allowPositionals: false });
  const kb = await loadKnowledgeBase(values.kb!);
  const scripts = await loadScripts(path.join(kb.dir, 'scripts'), new Set(kb.articles.map((a) => a.id)), kb.dir);
  const lines: string[] = [];
  for (const problem of kb.problems) lines.push(`knowledge-base/${formatArticleProblem(problem)}`);
  for (const problem of scripts.problems) lines.push(`knowledge-base/${formatScriptProblem(problem)}${problem.severity === 'warning' ? ' (warning)' : ''}`);
  // An article naming a script that is missing or disabled offers nothing to walk through.
  const working = new Set(scripts.scripts.map((s) => s.id));
  for (const article of kb.articles) {
    if (article.script && !working.has(article.script)) lines.push(`knowledge-base/${article.path}: script: "${article.script}" is not a working script`);
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  const errors = kb.problems.length + scripts.problems.filter((p) => p.severity === 'error').length + kb.articles.filter((a) => a.script && !working.has(a.script)).length;
  process.stderr.write(`${kb.articles.length} articles, ${scripts.scripts.length} scripts: ${errors === 0 ? 'no errors' : `${errors} error(s)`}\n`);
  return errors === 0 ? 0 : 1;
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
