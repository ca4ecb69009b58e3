import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  Parser,
  type CST,
  type Document,
} from 'yaml';

/**
 * Deeper YAML is refused before the `yaml` package sees it: its composer and toJS recurse, and
 * near the stack limit V8 can abort the whole process (a fatal "RegExpCompiler allocation
 * failed", not a catchable error) on a 20 KB file of "[". Articles and scripts nest a few levels.
 */
export const MAX_YAML_DEPTH = 64;
const MAX_UNCLOSED_BRACKETS = 1000;
/** Per anchor: uses x nested aliases, the `yaml` package's own check (its default, set here on purpose). */
export const MAX_ALIAS_COUNT = 100;
/**
 * Nodes that aliases may add, all aliases together, counted as if expanded. The alias count
 * alone still lets one anchor of a 100,000-item list be used 100 times: ten million nodes for
 * zod to copy. Hand-written front matter and scripts reuse a few small blocks at most.
 */
export const MAX_ALIAS_EXPANSION = 10_000;
/**
 * Problems reported per file, the rest summed up in one line: a file of 20,000 mistakes would
 * otherwise cost seconds of line look-ups and post 20,000 lines to the editors.
 */
export const MAX_PROBLEMS_PER_FILE = 20;

/** The first MAX_PROBLEMS_PER_FILE `items` as problems, and one more saying how many were left out. */
export function firstProblems<T, P>(items: readonly T[], problem: (item: T) => P, more: (message: string) => P): P[] {
  const shown = items.slice(0, MAX_PROBLEMS_PER_FILE).map(problem);
  const left = items.length - shown.length;
  return left > 0 ? [...shown, more(`and ${left} more problem(s) in this file`)] : shown;
}

/** Something wrong with a YAML text, at a 1-based line of that text. */
export interface KbYamlProblem {
  message: string;
  line: number;
}

export type KbYamlResult = { ok: true; doc: Document.Parsed; data: unknown } | { ok: false; problems: KbYamlProblem[] };

/**
 * Parses YAML written by knowledge-base editors into plain data, or says why not, without ever
 * throwing: the core schema (no custom tags, no code), unique keys, warnings such as unknown
 * tags refused, nesting and alias expansion bounded. `lines` is filled for the caller's own
 * line look-ups.
 */
export function parseKbYaml(text: string, lines: LineCounter = new LineCounter()): KbYamlResult {
  const deep = yamlTooDeep(text);
  if (deep) return { ok: false, problems: [deep] };
  let doc: Document.Parsed;
  try {
    // uniqueKeys off: the package compares each key with every earlier one (50,000 keys took
    // minutes); duplicateKeys below does it with a set.
    doc = parseDocument(text, { schema: 'core', uniqueKeys: false, prettyErrors: true, lineCounter: lines });
  } catch (error) {
    return { ok: false, problems: [{ message: `invalid YAML: ${firstLine(error)}`, line: 1 }] };
  }
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const yamlProblems = [
    ...[...doc.errors, ...doc.warnings].map((e) => ({
      message: `invalid YAML: ${firstLine(e)}`,
      line: e.linePos?.[0]?.line ?? 1,
    })),
    ...duplicateKeys(doc).map((offset) => ({ message: 'invalid YAML: Map keys must be unique', line: lineAt(offset) })),
  ];
  if (yamlProblems.length > 0) {
    return {
      ok: false,
      problems: firstProblems(
        yamlProblems,
        (p) => p,
        (message) => ({ message, line: yamlProblems[MAX_PROBLEMS_PER_FILE]?.line ?? 1 }),
      ),
    };
  }
  const aliases = checkAliases(doc);
  if (aliases) return { ok: false, problems: [{ message: aliases.message, line: lineAt(aliases.offset) }] };
  try {
    return { ok: true, doc, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const excessive = /excessive alias count/i.test(firstLine(error));
    const message = excessive
      ? `an anchor is used more than ${MAX_ALIAS_COUNT} times, counting nested aliases (an alias bomb?): refused`
      : `invalid YAML: ${firstLine(error)}`;
    return { ok: false, problems: [{ message, line: lineAt(firstAliasOffset(doc)) }] };
  }
}

/** A problem when `text` nests collections deeper than MAX_YAML_DEPTH; found without recursion. */
export function yamlTooDeep(text: string): KbYamlProblem | undefined {
  // The parser takes seconds on a few hundred KB of "[": count brackets first, quotes and all.
  // Only a hostile file has this many unclosed, and a legitimate one cannot nest deeper anyway.
  let open = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) open += 1;
    else if ((c === 0x5d || c === 0x7d) && open > 0) open -= 1;
    if (open > MAX_UNCLOSED_BRACKETS)
      return {
        message: `more than ${MAX_UNCLOSED_BRACKETS} unclosed brackets ("[" or "{"): refused`,
        line: lineOfOffset(text, i),
      };
  }
  // The `yaml` package's lexer and parser keep their own stacks; only composing recurses.
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = [];
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document') stack.push({ token: token.value, depth: 0 });
  }
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token || (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection'))
      continue;
    if (depth >= MAX_YAML_DEPTH) {
      return {
        message: `nested more than ${MAX_YAML_DEPTH} levels deep: refused`,
        line: lineOfOffset(text, token.offset),
      };
    }
    for (const item of token.items) {
      if ('key' in item) stack.push({ token: item.key, depth: depth + 1 });
      stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The first alias that is unsafe to expand: one with no anchor before it, one inside its own
 * anchor (a loop: the data would refer to itself, and zod, JSON or a log line would follow it
 * for ever), or the one that takes the values all aliases add, counted as if expanded, past
 * MAX_ALIAS_EXPANSION. An alias means the last anchor of its name before it, as in YAML.
 */
function checkAliases(doc: Document.Parsed): { message: string; offset: number | undefined } | undefined {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  let added = 0;
  let found: { message: string; offset: number | undefined } | undefined;
  // Recursion is safe here: yamlTooDeep has bounded the depth.
  const size = (node: unknown): number => {
    if (found || node === null || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const targetSize = sizes.get(target);
      const offset = node.range?.[0];
      if (target === undefined)
        found = { message: `alias *${node.source} has no anchor &${node.source} before it`, offset };
      else if (targetSize === undefined)
        found = {
          message: `alias *${node.source} is inside its own anchor (data that contains itself): refused`,
          offset,
        };
      else if ((added += targetSize) > MAX_ALIAS_EXPANSION)
        found = {
          message: `aliases expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?): refused`,
          offset,
        };
      return targetSize ?? 0;
    }
    if (isPair(node)) return size(node.key) + size(node.value);
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    let own = 1;
    if (isCollection(node)) for (const item of node.items) own += size(item);
    sizes.set(node, own);
    return own;
  };
  size(doc.contents);
  return found;
}

/** Offsets of keys that repeat an earlier scalar key of the same map (collection keys are never equal, as in the package). */
function duplicateKeys(doc: Document.Parsed): Array<number | undefined> {
  const found: Array<number | undefined> = [];
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
      return;
    }
    if (!isCollection(node)) return;
    const seen = new Set<unknown>();
    for (const item of node.items) {
      if (isMap(node) && isPair(item) && isScalar(item.key)) {
        if (seen.has(item.key.value)) found.push(item.key.range?.[0]);
        seen.add(item.key.value);
      }
      walk(item);
    }
  };
  walk(doc.contents);
  return found;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  const find = (node: unknown): number | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    if (isAlias(node)) return node.range?.[0];
    if (isPair(node)) return find(node.key) ?? find(node.value);
    if (isCollection(node)) {
      for (const item of node.items) {
        const found = find(item);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return find(doc.contents);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
