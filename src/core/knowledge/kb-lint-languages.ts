import { articlesByLanguage } from '../answering/multilingual-engine.js';
import { languageName, type LanguageCode } from '../language/languages.js';
import {
  duplicateQuestions,
  nearDuplicates,
  NEAR_DUPLICATE_THRESHOLD,
  type TermAnalyzer,
} from './kb-lint-questions.js';
import { sourceMap, type LintedArticle, type LintFinding, type SourceMap } from './kb-lint-source.js';

/**
 * Translations and their originals: a translation (`lang:` other than the default) names the
 * article it translates with `translation_of:`, which must be an article in the default language;
 * one translation per language of each original. An article in another language that names no
 * original is a warning (it may be written for that language alone, but then nothing links it
 * to the English one its readers could fall back on).
 */
export function translationFindings(
  articles: readonly LintedArticle[],
  defaultLanguage: LanguageCode,
  maps: ReadonlyMap<string, SourceMap> = new Map(),
): LintFinding[] {
  const byId = new Map(articles.map(({ article }) => [article.id, article]));
  const findings: LintFinding[] = [];
  const translations = new Map<string, string>();
  for (const { article, source } of articles) {
    const language = article.lang ?? defaultLanguage;
    const map = maps.get(article.path) ?? sourceMap(source);
    const at = (field: string) => {
      const line = map.keyLine(field);
      return line ? { line } : {};
    };
    const original = article.translationOf;
    if (original === undefined) {
      if (language !== defaultLanguage)
        findings.push({
          file: article.path,
          ...at('lang'),
          field: 'translation_of',
          message: `a ${languageName(language)} article that names no ${languageName(defaultLanguage)} original: add translation_of with its id (if it has one)`,
          severity: 'warning',
        });
      continue;
    }
    const problem = (message: string) =>
      findings.push({
        file: article.path,
        ...at('translation_of'),
        field: 'translation_of',
        message,
        severity: 'error',
      });
    if (language === defaultLanguage) {
      problem(`"${original}": an article in the default language (${defaultLanguage}) translates nothing; set lang`);
      continue;
    }
    const target = byId.get(original);
    if (!target) {
      problem(
        `"${original}" is no article: the ${languageName(defaultLanguage)} original is missing (or its id changed)`,
      );
      continue;
    }
    const targetLanguage = target.lang ?? defaultLanguage;
    if (targetLanguage !== defaultLanguage) {
      problem(
        `"${original}" is in ${languageName(targetLanguage)}, not ${languageName(defaultLanguage)}: name the ${languageName(defaultLanguage)} original`,
      );
      continue;
    }
    const key = `${language}\u0000${original}`;
    const first = translations.get(key);
    if (first) problem(`"${original}" already has a ${languageName(language)} translation: ${first}`);
    else translations.set(key, article.path);
  }
  return findings;
}

/**
 * The same question twice, and near-duplicates, within each language only (with that language's
 * analysis): a German article may well share "vpn" or "outlook" with its English original.
 */
export function questionFindingsByLanguage(
  articles: readonly LintedArticle[],
  defaultLanguage: LanguageCode,
  analyzerFor: (language: LanguageCode) => TermAnalyzer,
  maps: ReadonlyMap<string, SourceMap> = new Map(),
  threshold = NEAR_DUPLICATE_THRESHOLD,
): LintFinding[] {
  const byPath = new Map(articles.map((entry) => [entry.article.path, entry]));
  const findings: LintFinding[] = [];
  for (const [language, group] of articlesByLanguage(
    articles.map((entry) => entry.article),
    defaultLanguage,
  )) {
    const linted = group.map((article) => byPath.get(article.path)!);
    findings.push(...duplicateQuestions(linted, maps));
    findings.push(...nearDuplicates(linted, analyzerFor(language), threshold, maps));
  }
  return findings;
}
