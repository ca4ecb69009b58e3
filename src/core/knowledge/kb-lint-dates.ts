import { sourceMap, type LintedArticle, type LintFinding, type SourceMap } from './kb-lint-source.js';

/** Today as YYYY-MM-DD in local time: the day an editor running the lint is living in. */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Articles due for review (`review_by` before `today`) and articles `updated` in the future
 * (a typo in the year, usually): warnings at the field's line. Dates are YYYY-MM-DD, so they
 * compare as text.
 */
export function staleArticles(
  articles: readonly LintedArticle[],
  today: string,
  maps: ReadonlyMap<string, SourceMap> = new Map(),
): LintFinding[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`today must be a date like 2026-10-15, got "${today}"`);
  const findings: LintFinding[] = [];
  for (const { article, source } of articles) {
    const map = maps.get(article.path) ?? sourceMap(source);
    const at = (key: string) => {
      const line = map.keyLine(key);
      return line ? { line } : {};
    };
    if (article.reviewBy && article.reviewBy < today) {
      findings.push({
        file: article.path,
        ...at('review_by'),
        field: 'review_by',
        message: `${article.reviewBy} has passed`,
        severity: 'warning',
      });
    }
    if (article.updated > today) {
      findings.push({
        file: article.path,
        ...at('updated'),
        field: 'updated',
        message: `${article.updated} is in the future`,
        severity: 'warning',
      });
    }
  }
  return findings;
}
