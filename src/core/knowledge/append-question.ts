import { stringify } from 'yaml';
import { parseArticle } from './parse-article.js';

export type AppendQuestionResult = { ok: true; source: string } | { ok: false; reason: string };

/**
 * The article's markdown with `question` added at the end of its front matter's `questions:`
 * list, everything else byte for byte as it was: an editor's file stays theirs, and the diff is
 * one line. A block list (`  - …` lines) gets a line in the style of its items; a one-line flow
 * list (`questions: [a, b]`) gets the item before its `]`. Any other form is refused, and so is
 * an edit that would not read back as the same article with that one question more.
 */
export function appendQuestion(source: string, question: string, file: string): AppendQuestionResult {
  const before = parseArticle(source, file);
  if (!before.ok) return { ok: false, reason: `${file} does not load as an article (run npm run kb:lint)` };
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source.split(/\r?\n/);
  const close = lines.findIndex((line, i) => i > 0 && /^---[ \t]*$/.test(line));
  const at = lines.findIndex((line, i) => i > 0 && i < close && /^questions:/.test(line));
  if (at < 0) return { ok: false, reason: `${file}: no "questions:" line in the front matter` };
  // lineWidth 0: one line whatever its length; quoted only when YAML needs it.
  const item = stringify(question, { lineWidth: 0 }).trimEnd();
  if (item.includes('\n')) return { ok: false, reason: 'the phrasing does not fit on one line of YAML' };

  const inline = /^(questions:\s*\[.*)\](\s*(?:#.*)?)$/.exec(lines[at]!);
  if (inline) {
    lines[at] = `${inline[1]!.replace(/,?\s*$/, '')}, ${item}]${inline[2]}`;
  } else if (/^questions:\s*(?:#.*)?$/.test(lines[at]!)) {
    // The list runs while lines are indented (items and their continuations), blank or comments.
    let last = at;
    let indent: string | undefined;
    for (let i = at + 1; i < close; i++) {
      const line = lines[i]!;
      if (/^\s*(#.*)?$/.test(line)) continue;
      if (!/^[ \t-]/.test(line)) break;
      indent ??= /^([ \t]*)-/.exec(line)?.[1];
      last = i;
    }
    if (indent === undefined) return { ok: false, reason: `${file}: the questions list has no "- " items to follow` };
    lines.splice(last + 1, 0, `${indent}- ${item}`);
  } else {
    return {
      ok: false,
      reason: `${file}: the questions list is in a form I cannot add to safely; add the phrasing by hand`,
    };
  }

  const edited = lines.join(eol);
  const after = parseArticle(edited, file);
  const expected = [...before.article.questions, question.trim()];
  if (!after.ok || JSON.stringify(after.article.questions) !== JSON.stringify(expected)) {
    return { ok: false, reason: `${file}: adding the phrasing would change the article in other ways; add it by hand` };
  }
  return { ok: true, source: edited };
}
