import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Article } from './article.js';
import { yamlTooDeep } from './parse-kb-yaml.js';

/** One thing `kb:lint` reports, at a file (relative to the knowledge base) and, where known, a line. */
export interface LintFinding {
  file: string;
  line?: number;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/** An article as loaded, with the text of its file, so findings can point at lines. */
export interface LintedArticle {
  article: Article;
  source: string;
}

/** Where things are in an article's file: 1-based line numbers of the source text. */
export interface SourceMap {
  /** Line of a front-matter key such as "review_by" (the key, not its value). */
  keyLine(key: string): number | undefined;
  /** Line of each entry of `questions`, in order. */
  questionLines: Array<number | undefined>;
  /** First line after the closing "---" of the front matter (1 when there is none). */
  bodyStartLine: number;
  /** The file's lines (without line endings). */
  lines: string[];
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Maps front-matter keys and questions to lines by reading the YAML with positions. */
export function sourceMap(source: string): SourceMap {
  const lines = source.split(/\r?\n/);
  const match = FRONT_MATTER.exec(source);
  if (!match) return { keyLine: () => undefined, questionLines: [], bodyStartLine: 1, lines };
  const yamlText = match[1] ?? '';
  const bodyStartLine = match[0].split(/\r?\n/).length - (match[0].endsWith('\n') ? 0 : 1);
  const none: SourceMap = { keyLine: () => undefined, questionLines: [], bodyStartLine, lines };
  // The text may be a file the loader refused (too deep to parse safely, say): then no lines.
  if (yamlTooDeep(yamlText)) return none;
  const counter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(yamlText, { schema: 'core', lineCounter: counter });
  } catch {
    return none;
  }
  // +1: the opening "---" line precedes the YAML.
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : counter.linePos(offset).line + 1);
  const keys = new Map<string, number>();
  let questionLines: Array<number | undefined> = [];
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
      const line = lineAt(pair.key.range?.[0]);
      if (line !== undefined && !keys.has(pair.key.value)) keys.set(pair.key.value, line);
      if (pair.key.value === 'questions' && isSeq(pair.value)) {
        questionLines = pair.value.items.map((item) =>
          lineAt((item as { range?: [number, number, number] } | null)?.range?.[0]),
        );
      }
    }
  }
  return { keyLine: (key) => keys.get(key), questionLines, bodyStartLine, lines };
}

/** Line of the `index`-th question, falling back to a text search of the front matter, then to the "questions:" key. */
export function questionLine(map: SourceMap, index: number, phrasing: string): number | undefined {
  const direct = map.questionLines[index];
  if (direct !== undefined) return direct;
  const found = map.lines.slice(0, map.bodyStartLine - 1).findIndex((line) => line.includes(phrasing));
  return found >= 0 ? found + 1 : map.keyLine('questions');
}

/** By file, then line (a finding without a line comes first in its file); stable otherwise. */
export function sortFindings(findings: readonly LintFinding[]): LintFinding[] {
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort(
      (a, b) =>
        compareText(a.finding.file, b.finding.file) ||
        (a.finding.line ?? 0) - (b.finding.line ?? 0) ||
        a.order - b.order,
    )
    .map(({ finding }) => finding);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "knowledge-base/<file>:<line>: <field>: <message>", with " (warning)" for warnings. */
export function formatFinding(finding: LintFinding, prefix = 'knowledge-base/'): string {
  const where = finding.line ? `${finding.file}:${finding.line}` : finding.file;
  return `${prefix}${where}: ${finding.field}: ${finding.message}${finding.severity === 'warning' ? ' (warning)' : ''}`;
}
