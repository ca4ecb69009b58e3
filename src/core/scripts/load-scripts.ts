import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, type Document } from 'yaml';
import { firstProblems, parseKbYaml } from '../knowledge/parse-kb-yaml.js';
import { fileErrorText, readKbFile } from '../knowledge/read-kb-file.js';
import { lintScript, type ScriptProblem } from './lint-script.js';
import { scriptSchema, type Script } from './script.js';

/** The scripts that loaded and passed lint, and every problem found. */
export interface ScriptLibrary {
  scripts: Script[];
  problems: ScriptProblem[];
}

/** Larger files are refused unread (loadScripts) or unparsed (parseScript). */
export const MAX_SCRIPT_BYTES = 256 * 1024;
/**
 * lintScript's path checks grow with the square of the steps, on the event loop the bot answers
 * from: 5,000 steps took 30 s. The longest shipped script has 16.
 */
export const MAX_SCRIPT_STEPS = 200;

/** Parses one YAML script; problems carry file:line where the YAML says where. */
export function parseScript(
  source: string,
  file: string,
):
  | { ok: true; script: Script; lineOf: (step: string) => number | undefined }
  | { ok: false; problems: ScriptProblem[] } {
  const fail = (field: string, message: string, line?: number) => ({
    ok: false as const,
    problems: [{ file, field, message, severity: 'error' as const, ...(line ? { line } : {}) }],
  });
  if (Buffer.byteLength(source) > MAX_SCRIPT_BYTES)
    return fail('file', `script is larger than ${MAX_SCRIPT_BYTES / 1024} KiB`);
  const lines = new LineCounter();
  const yaml = parseKbYaml(source, lines);
  if (!yaml.ok) {
    return {
      ok: false,
      problems: yaml.problems.map(({ message, line }) => ({
        file,
        field: 'yaml',
        message,
        severity: 'error' as const,
        line,
      })),
    };
  }
  const doc = yaml.doc;
  const lineAt = (keys: Array<string | number>) => {
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  const steps = (yaml.data as { steps?: unknown } | null)?.steps;
  if (steps && typeof steps === 'object' && Object.keys(steps).length > MAX_SCRIPT_STEPS) {
    return fail(
      'steps',
      `more than ${MAX_SCRIPT_STEPS} steps: split the script into shorter ones`,
      keyLine(doc, lines, ['steps']),
    );
  }
  const parsed = scriptSchema.safeParse(yaml.data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: firstProblems(
        parsed.error.issues,
        (issue): ScriptProblem => {
          const keys = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
          const field = keys.length ? keys.join('.') : 'script';
          const message =
            issue.code === 'unrecognized_keys'
              ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
              : issue.message;
          const line = lineAt(keys) ?? lineAt(keys.slice(0, -1)) ?? keyLine(doc, lines, keys);
          return { file, field, message, severity: 'error', ...(line ? { line } : {}) };
        },
        (message) => ({ file, field: 'script', message, severity: 'error' }),
      ),
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
 * others keep working. A missing folder means no scripts. Only regular files are read (see
 * readKbFile for symlinks): a folder, FIFO, socket or device with a script's name is reported
 * and skipped, and so are names starting with "." (editors' lock and backup files).
 */
export async function loadScripts(
  dir: string,
  articleIds: ReadonlySet<string>,
  relativeTo = path.dirname(dir),
): Promise<ScriptLibrary> {
  const relative = (name: string) => path.relative(relativeTo, path.join(dir, name)).split(path.sep).join('/');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { scripts: [], problems: [] };
    // A file named "scripts", or a folder the bot may not read: the articles still load.
    return {
      scripts: [],
      problems: [
        {
          file: relative(''),
          field: 'file',
          message: `scripts folder cannot be read, no scripts loaded: ${fileErrorText(error)}`,
          severity: 'error',
        },
      ],
    };
  }
  const scripts: Script[] = [];
  const problems: ScriptProblem[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = relative(name);
    const read = await readKbFile(path.join(dir, name), relativeTo, MAX_SCRIPT_BYTES);
    if (!read.ok) {
      problems.push({ file, field: 'file', message: read.message, severity: 'error' });
      continue;
    }
    const result = checkSafely(read.text, file, articleIds);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const { script, lint } = result;
    problems.push(...lint);
    if (lint.some((p) => p.severity === 'error')) continue;
    const first = seen.get(script.id);
    if (first) {
      problems.push({ file, field: 'id', message: `id "${script.id}" is already used by ${first}`, severity: 'error' });
      continue;
    }
    seen.set(script.id, file);
    scripts.push(script);
  }
  return { scripts, problems };
}

/** Parse and lint are not meant to throw; if they ever do, that file is the problem, not the load. */
function checkSafely(
  source: string,
  file: string,
  articleIds: ReadonlySet<string>,
): { ok: true; script: Script; lint: ScriptProblem[] } | { ok: false; problems: ScriptProblem[] } {
  try {
    const result = parseScript(source, file);
    if (!result.ok) return result;
    return { ok: true, script: result.script, lint: lintScript(result.script, articleIds, result.lineOf) };
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          file,
          field: 'file',
          message: `cannot be read as a script: ${error instanceof Error ? error.message : String(error)}`,
          severity: 'error',
        },
      ],
    };
  }
}
