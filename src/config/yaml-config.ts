import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

export type YamlConfigResult<T> = { ok: true; data: T } | { ok: false; problems: string[] };

/**
 * Reads a configuration file and hands its text to `parse`; a file that cannot be read is one
 * problem, "file: file: cannot read the <what> file (ENOENT)", like the parser's.
 */
export function readConfigFile<R>(
  file: string,
  what: string,
  parse: (source: string, file: string) => R | { ok: false; problems: string[] },
): R | { ok: false; problems: string[] } {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, problems: [`${file}: file: cannot read the ${what} file (${code})`] };
  }
  return parse(source, file);
}

const MAX_BYTES = 256 * 1024;

/**
 * Parses a YAML configuration file's text against its schema. YAML is read with the core schema
 * (plain data only, no custom tags) and duplicate keys are refused, as for knowledge-base
 * articles. Problems read "file:line: field: message"; `empty` says what an empty file lacks.
 */
export function parseYamlConfig<S extends z.ZodType>(
  source: string,
  file: string,
  schema: S,
  empty: string,
): YamlConfigResult<z.output<S>> {
  if (Buffer.byteLength(source) > MAX_BYTES) {
    return { ok: false, problems: [`${file}:1: file: larger than ${MAX_BYTES / 1024} KiB`] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { schema: 'core', uniqueKeys: true, prettyErrors: false, lineCounter });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    return {
      ok: false,
      problems: yamlProblems.map(
        (error) => `${file}:${lineCounter.linePos(error.pos[0]).line}: yaml: ${error.message.split('\n')[0]}`,
      ),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    return { ok: false, problems: [`${file}:1: file: ${empty}`] };
  }
  const parsed = schema.safeParse(data, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
  });
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => describe(issue, doc, lineCounter, file)) };
  }
  return { ok: true, data: parsed.data };
}

function describe(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): string {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = fieldName(unknownKey === undefined ? path : [...path, unknownKey]);
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.message;
  const offset = offsetOf(doc, path, unknownKey);
  return `${file}:${offset === undefined ? 1 : lines.linePos(offset).line}: ${field || 'file'}: ${message}`;
}

/** routes[0].when.tags */
function fieldName(path: Array<string | number>): string {
  return path.reduce<string>(
    (name, segment) => (typeof segment === 'number' ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment),
    '',
  );
}

/** Where the node at a path starts (or the deepest node that exists, or an unknown key of it). */
function offsetOf(doc: Document, path: Array<string | number>, key: string | undefined): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  const segments = key === undefined ? path : [...path, key];
  for (const [index, segment] of segments.entries()) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      // An unknown key points at the key itself; anything else at its value (or its key, for an empty value).
      const atKey = key !== undefined && index === segments.length - 1;
      offset = (atKey ? undefined : rangeStart(pair.value)) ?? rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
