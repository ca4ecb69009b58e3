import path from 'node:path';
import { sourceMap, type LintedArticle, type LintFinding, type SourceMap } from './kb-lint-source.js';

/** A link found in an article body: its target as written and the line it is on. */
export interface ArticleLink {
  target: string;
  line: number;
}

const INLINE_LINK =
  /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[(?:[^\]\\]|\\.)+\]:\s*(<[^>\n]*>|\S+)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The markdown links of an article's body (inline and reference definitions), outside code. */
export function articleLinks(source: string, map: SourceMap = sourceMap(source)): ArticleLink[] {
  const links: ArticleLink[] = [];
  let fence: string | undefined;
  for (let index = map.bodyStartLine - 1; index < map.lines.length; index++) {
    const text = map.lines[index] ?? '';
    const opening = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length && text.trim() === opening)
        fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening;
      continue;
    }
    // Inline code spans hold examples, not links.
    const prose = text.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
    const line = index + 1;
    const definition = REFERENCE_DEFINITION.exec(prose);
    if (definition?.[1]) links.push({ target: unbracket(definition[1]), line });
    for (const match of prose.matchAll(INLINE_LINK)) if (match[1]) links.push({ target: unbracket(match[1]), line });
  }
  return links;
}

/** The link targets written on one line of markdown (inline links and a reference definition), code spans left out. */
export function lineLinkTargets(text: string): string[] {
  const prose = text.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
  const targets: string[] = [];
  const definition = REFERENCE_DEFINITION.exec(prose);
  if (definition?.[1]) targets.push(unbracket(definition[1]));
  for (const match of prose.matchAll(INLINE_LINK)) if (match[1]) targets.push(unbracket(match[1]));
  return targets;
}

function unbracket(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1).trim() : target;
}

/**
 * Where a link to another article points, relative to the knowledge base ("network/vpn-setup.md"),
 * or undefined when it is not a link to an article: external (http:, mailto:...), an anchor in
 * the same page, or a file that is not markdown. `outside` when it leaves the knowledge base.
 */
export function resolveArticleLink(fromFile: string, target: string): { path: string } | { outside: true } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || target.startsWith('#')) return undefined;
  let file = target.replace(/[?#].*$/, '');
  try {
    file = decodeURI(file);
  } catch {
    // A stray "%" is part of the name.
  }
  if (!/\.md$/i.test(file)) return undefined;
  const joined = file.startsWith('/') ? file.slice(1) : path.posix.join(path.posix.dirname(fromFile), file);
  const resolved = path.posix.normalize(joined);
  if (resolved === '..' || resolved.startsWith('../') || path.posix.isAbsolute(resolved)) return { outside: true };
  return { path: resolved.replace(/^\.\//, '') };
}

/**
 * Links between articles that lead nowhere: a warning at the link's line (like a static-site
 * builder's: readers hit a dead end, but what the bot answers does not change; --strict fails on
 * it). `files` is every
 * markdown file the loader saw (articles and files that failed to load, already reported), so a
 * link to a draft, a README or a renamed article counts as broken. External links are not checked.
 */
export function brokenLinks(
  articles: readonly LintedArticle[],
  files: ReadonlySet<string>,
  maps: ReadonlyMap<string, SourceMap> = new Map(),
): LintFinding[] {
  const byName = new Map<string, string[]>();
  for (const file of files) {
    const name = path.posix.basename(file);
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  const findings: LintFinding[] = [];
  for (const { article, source } of articles) {
    for (const link of articleLinks(source, maps.get(article.path) ?? sourceMap(source))) {
      const resolved = resolveArticleLink(article.path, link.target);
      if (!resolved) continue;
      let message: string;
      if ('outside' in resolved) {
        message = `"${link.target}" points outside the knowledge base`;
      } else if (files.has(resolved.path)) {
        continue;
      } else {
        const same = (byName.get(path.posix.basename(resolved.path)) ?? []).sort();
        const hint = same.length === 1 ? `; did you mean ${relativeLink(article.path, same[0]!)}?` : '';
        message = `"${link.target}" does not lead to an article (no ${resolved.path})${hint}`;
      }
      findings.push({ file: article.path, line: link.line, field: 'link', message, severity: 'warning' });
    }
  }
  return findings;
}

function relativeLink(fromFile: string, toFile: string): string {
  return path.posix.relative(path.posix.dirname(fromFile), toFile);
}
