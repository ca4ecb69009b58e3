import type { ScriptProblem } from '../scripts/lint-script.js';
import type { ArticleProblem } from './article.js';
import { audienceFindings, type LintedScript } from './kb-lint-audiences.js';
import { staleArticles } from './kb-lint-dates.js';
import { brokenLinks } from './kb-lint-links.js';
import type { LanguageCode } from '../language/languages.js';
import { questionFindingsByLanguage, translationFindings } from './kb-lint-languages.js';
import { NEAR_DUPLICATE_THRESHOLD, type TermAnalyzer } from './kb-lint-questions.js';
import {
  formatFinding,
  sortFindings,
  sourceMap,
  type LintedArticle,
  type LintFinding,
  type SourceMap,
} from './kb-lint-source.js';

/** Everything `kb:lint` looks at, already loaded: the checks themselves read nothing. */
export interface KbLintInput {
  /** The articles that loaded, with the text of their files. */
  articles: readonly LintedArticle[];
  /** What the loader refused (broken front matter, duplicate ids...): errors. */
  articleProblems?: readonly ArticleProblem[];
  /** The text of files with problems, when known: a problem without a line gets its field's line. */
  problemSources?: ReadonlyMap<string, string>;
  /** Guided-script problems, with their own severities. */
  scriptProblems?: readonly ScriptProblem[];
  /** Ids of the scripts that loaded and work. */
  workingScripts?: ReadonlySet<string>;
  /** The engine's analyser, for near-duplicates (of the default language's articles). */
  analyzer: TermAnalyzer;
  /** Each other language's analyser; without it, `analyzer` for every language. */
  analyzerFor?: (language: LanguageCode) => TermAnalyzer;
  /** The language of articles without `lang:` (DEFAULT_LANGUAGE, `en`). */
  defaultLanguage?: LanguageCode;
  /** YYYY-MM-DD. */
  today: string;
  nearDuplicateThreshold?: number;
  /**
   * The audiences the configuration defines (`all`, `engineers` and AUDIENCES_FILE's): with it,
   * articles and scripts naming others are errors. The scripts that loaded, with their text.
   */
  audiences?: { defined: ReadonlySet<string>; scripts: readonly LintedScript[] };
}

/** Every finding, sorted by file then line. */
export function lintKnowledgeBase(input: KbLintInput): LintFinding[] {
  const maps = new Map<string, SourceMap>(
    input.articles.map(({ article, source }) => [article.path, sourceMap(source)]),
  );
  const findings: LintFinding[] = [];
  for (const problem of input.articleProblems ?? []) {
    const source = problem.line ? undefined : input.problemSources?.get(problem.file);
    const line = source === undefined ? undefined : sourceMap(source).keyLine(problem.field);
    findings.push({ ...problem, ...(line ? { line } : {}), severity: 'error' });
  }
  for (const problem of input.scriptProblems ?? []) findings.push({ ...problem });
  // An article naming a script that is missing or disabled offers nothing to walk through.
  if (input.workingScripts) {
    for (const { article } of input.articles) {
      if (!article.script || input.workingScripts.has(article.script)) continue;
      const line = maps.get(article.path)?.keyLine('script');
      findings.push({
        file: article.path,
        ...(line ? { line } : {}),
        field: 'script',
        message: `"${article.script}" is not a working script`,
        severity: 'error',
      });
    }
  }
  // Duplicate and near-duplicate questions within each language; translations linked to their originals.
  const defaultLanguage = input.defaultLanguage ?? 'en';
  findings.push(
    ...questionFindingsByLanguage(
      input.articles,
      defaultLanguage,
      (language) => (language === defaultLanguage ? input.analyzer : (input.analyzerFor?.(language) ?? input.analyzer)),
      maps,
      input.nearDuplicateThreshold ?? NEAR_DUPLICATE_THRESHOLD,
    ),
  );
  findings.push(...translationFindings(input.articles, defaultLanguage, maps));
  const files = new Set([
    ...input.articles.map(({ article }) => article.path),
    ...(input.articleProblems ?? []).map((p) => p.file).filter((f) => /\.md$/i.test(f)),
  ]);
  findings.push(...brokenLinks(input.articles, files, maps));
  findings.push(...staleArticles(input.articles, input.today, maps));
  if (input.audiences)
    findings.push(...audienceFindings(input.articles, input.audiences.scripts, input.audiences.defined, maps));
  return sortFindings(findings);
}

/** The lines to print, the summary and the exit code (1 on errors, or on warnings when strict). */
export function lintReport(
  findings: readonly LintFinding[],
  counts: { articles: number; scripts: number },
  strict = false,
): { lines: string[]; summary: string; exitCode: 0 | 1 } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const count = (n: number, noun: string) => (n === 0 ? `no ${noun}s` : `${n} ${noun}${n === 1 ? '' : 's'}`);
  const failing = errors > 0 || (strict && warnings > 0);
  const strictNote = strict && warnings > 0 ? ' (--strict: warnings fail)' : '';
  return {
    lines: findings.map((finding) => formatFinding(finding)),
    summary: `${counts.articles} articles, ${counts.scripts} scripts: ${count(errors, 'error')}, ${count(warnings, 'warning')}${strictNote}`,
    exitCode: failing ? 1 : 0,
  };
}
