import type { Script } from '../scripts/script.js';
import { canSee, EVERYONE } from './audience.js';
import { articleLinks, resolveArticleLink } from './kb-lint-links.js';
import { sourceMap, type LintedArticle, type LintFinding, type SourceMap } from './kb-lint-source.js';

/** A script as loaded, with the text of its file, for line numbers. */
export interface LintedScript {
  script: Script;
  source: string;
}

/**
 * Audiences that the configuration does not define (an article or script for them is given to
 * nobody: errors), scripts that show an article some of their own audience may not be given
 * (those people are never offered the script), and translations for other people than their
 * original (warnings).
 */
export function audienceFindings(
  articles: readonly LintedArticle[],
  scripts: readonly LintedScript[],
  defined: ReadonlySet<string>,
  maps: ReadonlyMap<string, SourceMap>,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const known = [...defined].sort().join(', ');
  const undefinedIn = (
    file: string,
    audiences: readonly string[] | undefined,
    line: number | undefined,
    what: string,
  ) => {
    for (const audience of audiences ?? []) {
      if (defined.has(audience)) continue;
      findings.push({
        file,
        ...(line ? { line } : {}),
        field: 'audience',
        message: `"${audience}" is not an audience the configuration defines (${known}; AUDIENCES_FILE adds others): nobody is given this ${what} as "${audience}"`,
        severity: 'error',
      });
    }
  };
  for (const { article } of articles)
    undefinedIn(article.path, article.audiences, maps.get(article.path)?.keyLine('audience'), 'article');
  const byId = new Map(articles.map(({ article }) => [article.id, article]));
  // A translation is the same article for other readers: for other people, it would leak or hide.
  for (const { article } of articles) {
    const original = article.translationOf ? byId.get(article.translationOf) : undefined;
    if (!original || sameAudiences(article.audiences, original.audiences)) continue;
    const map = maps.get(article.path);
    const line = map?.keyLine('audience') ?? map?.keyLine('translation_of');
    findings.push({
      file: article.path,
      ...(line ? { line } : {}),
      field: 'audience',
      message: `this translation is ${describe(article.audiences)}, but ${original.path}, which it translates, is ${describe(original.audiences)}`,
      severity: 'warning',
    });
  }
  // An answer that links to an article some of its readers may not be given: the bot leaves that
  // line out for them (visible-answer.ts), so their answer is shorter than the editor wrote it.
  const byPath = new Map(articles.map(({ article }) => [article.path, article]));
  for (const { article, source } of articles) {
    const map = maps.get(article.path) ?? sourceMap(source);
    for (const link of articleLinks(source, map)) {
      const text = map.lines[link.line - 1]?.trim() ?? '';
      if (!text || !article.answer.includes(text)) continue;
      const resolved = resolveArticleLink(article.path, link.target);
      const linked = resolved && 'path' in resolved ? byPath.get(resolved.path) : undefined;
      if (!linked) continue;
      const left = normalised(article.audiences).filter((audience) => !canSee(linked, new Set([EVERYONE, audience])));
      if (left.length === 0) continue;
      findings.push({
        file: article.path,
        line: link.line,
        field: 'answer',
        message: `links to ${linked.path}, which is not for ${left.map((a) => `"${a}"`).join(', ')}: they are given the answer without this line`,
        severity: 'warning',
      });
    }
  }
  for (const { script, source } of scripts) {
    const line = lineOfKey(source, 'audience');
    undefinedIn(script.path, script.audience, line, 'script');
    // Someone the script is for, but not the article: the widest audience the script names.
    const audiences = script.audience ?? [EVERYONE];
    for (const [stepId, step] of Object.entries(script.steps)) {
      if (step.kind !== 'article') continue;
      const article = byId.get(step.article);
      if (!article) continue;
      const left = audiences.filter((audience) => !canSee(article, new Set([EVERYONE, audience])));
      if (left.length === 0) continue;
      findings.push({
        file: script.path,
        ...(lineOfKey(source, stepId, true) ? { line: lineOfKey(source, stepId, true)! } : {}),
        field: `steps.${stepId}`,
        message: `shows ${article.path}, which is not for ${left.map((a) => `"${a}"`).join(', ')}: they are never offered this script`,
        severity: 'warning',
      });
    }
  }
  return findings;
}

/** Audiences as people read them: absent, empty or with `all` is everyone. */
function normalised(audiences: readonly string[] | undefined): string[] {
  return !audiences || audiences.length === 0 || audiences.includes(EVERYONE) ? [EVERYONE] : [...audiences].sort();
}

function sameAudiences(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return normalised(a).join(',') === normalised(b).join(',');
}

function describe(audiences: readonly string[] | undefined): string {
  const names = normalised(audiences);
  return names[0] === EVERYONE ? 'for everyone' : `for ${names.map((n) => `"${n}"`).join(', ')}`;
}

/** Line of a top-level key (or, `nested`, the first key of that name at any depth) in YAML text. */
function lineOfKey(source: string, key: string, nested = false): number | undefined {
  const pattern = new RegExp(`^${nested ? '\\s*' : ''}${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`);
  const index = source.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index >= 0 ? index + 1 : undefined;
}
