import type { ScriptProblem } from './lint-script.js';

/** "file:line: field: message", like article problems. */
export function formatProblem(problem: ScriptProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `${where}: ${problem.field}: ${problem.message}`;
}
