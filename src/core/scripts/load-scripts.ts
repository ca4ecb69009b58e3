import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { lintScript, type ScriptProblem } from './lint-script.js';
import { scriptSchema, type Script } from './script.js';

/** The scripts that loaded and passed lint, and every problem found. */
export interface ScriptLibrary {
  scripts: Script[];
  problems: ScriptProblem[];
}

const MAX_SCRIPT_BYTES = 256 * 1024;

/** Parses one YAML script; problems carry file:line where the YAML says where. */
export function parseScript(source: string, file: string): { ok: true; script: Script; lineOf: (step: string) => number | undefined } | { ok: false; problems: ScriptProblem[] } {
  const fail = (field: string, message: string, line?: number) => ({ ok: false as const, problems: [{ file, field, message, severity: 'error' as const, ...(line ? { line } : {}) }] });
  if (Buffer.byteLength(source) > MAX_SCRIPT_BYTES) return fail('file', `script is larger than ${MAX_SCRIPT_BYTES / 1024} KiB`);
  const lines = new LineCounter();
  // prettyErrors fills in linePos, so a YAML mistake is reported on its own line.
  const doc = parseDocument(source, { schema: 'core', uniqueKeys: true, prettyErrors: true, lineCounter: lines });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    return { ok: false, problems: yamlProblems.map((e) => ({ file, field: 'yaml', message: `invalid YAML: ${e.message.split('\n')[0]}`, severity: 'error' as const, line: e.linePos?.[0]?.line ?? 1 })) };
  }
  const lineAt = (keys: Array<string | number>) => {
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  const parsed = scriptSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const keys = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
        const field = keys.length ? keys.join('.') : 'script';
        const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
        const line = lineAt(keys) ?? lineAt(keys.slice(0, -1)) ?? keyLine(doc, lines, keys);
        return { file, field, message, severity: 'error' as const, ...(line ? { line } : {}) };
      }),
    };
  }
  return { ok: true, script: { ...parsed.data, path: file }, lineOf: (step) => keyLine(doc, lines, ['steps', step]) };
}

/** The line of a key (not its value) in a map. */
function keyLine(doc: Document, lines: LineCounter, keys: Array<string | number>): number | undefined {
  const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === keys.at(-1));
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/**
 * Loads knowledge-base/scripts/*.yaml. A script with errors is reported and left out; the
 * others keep working. A missing folder means no scripts.
 */
export async function loadScripts(dir: string, articleIds: ReadonlySet<string>, relativeTo = path.dirname(dir)): Promise<ScriptLibrary> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { scripts: [], problems: [] };
    throw error;
  }
  const scripts: Script[] = [];
  const problems: ScriptProblem[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.relative(relativeTo, path.join(dir, name)).split(path.sep).join('/');
    const result = parseScript(await readFile(path.join(dir, name), 'utf8'), file);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const lint = lintScript(result.script, articleIds, result.lineOf);
    problems.push(...lint);
    if (lint.some((p) => p.severity === 'error')) continue;
    const first = seen.get(result.script.id);
    if (first) {
      problems.push({ file, field: 'id', message: `id "${result.script.id}" is already used by ${first}`, severity: 'error' });
      continue;
    }
    seen.set(result.script.id, file);
    scripts.push(result.script);
  }
  return { scripts, problems };
}
