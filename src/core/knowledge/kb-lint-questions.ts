import { questionLine, sourceMap, type LintedArticle, type LintFinding, type SourceMap } from './kb-lint-source.js';

/** The engine's text pipeline (TextAnalyzer): distinct normalised, stemmed terms of a text. */
export interface TermAnalyzer {
  analyze(text: string): string[];
}

/** A phrasing reduced to what makes it the same question: no case, accents, apostrophes or punctuation. */
export function normalisePhrasing(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The same question listed by two or more articles: whichever article the engine picks, the
 * other never gets that question. An error at the phrasing's line in every file that lists it.
 */
export function duplicateQuestions(
  articles: readonly LintedArticle[],
  maps: ReadonlyMap<string, SourceMap> = new Map(),
): LintFinding[] {
  const claims = new Map<string, Array<{ file: string; line: number | undefined; text: string }>>();
  for (const { article, source } of articles) {
    const map = maps.get(article.path) ?? sourceMap(source);
    const seen = new Set<string>();
    article.questions.forEach((question, index) => {
      const key = normalisePhrasing(question);
      if (!key || seen.has(key)) return;
      seen.add(key);
      const list = claims.get(key) ?? [];
      list.push({ file: article.path, line: questionLine(map, index, question), text: question.trim() });
      claims.set(key, list);
    });
  }
  const findings: LintFinding[] = [];
  for (const list of claims.values()) {
    if (list.length < 2) continue;
    for (const claim of list) {
      const others = list
        .filter((other) => other !== claim)
        .map((other) => (other.line ? `${other.file} (line ${other.line})` : other.file));
      findings.push({
        file: claim.file,
        ...(claim.line ? { line: claim.line } : {}),
        field: 'questions',
        message: `"${claim.text}" is also a question of ${others.join(', ')}; only one of them can get it`,
        severity: 'error',
      });
    }
  }
  return findings;
}

/** How alike two articles are asked, and the two phrasings that are most alike. */
export interface SimilarPair {
  a: string;
  b: string;
  /** The reported similarity: the larger of `articles` and `phrasings`. */
  similarity: number;
  /** Cosine of the TF-IDF vectors of each article's title and questions together. */
  articles: number;
  /** IDF-weighted Jaccard overlap of the closest two phrasings (title or question), one from each article. */
  phrasings: number;
  /** Index into [title, ...questions] of the closest phrasing of each article. */
  bestA: number;
  bestB: number;
}

/**
 * Above this, two articles are reported as near-duplicates. Calibrated on the bundled knowledge
 * base (51 articles; its closest pair scores 0.57) and on deliberate near-duplicates (an article
 * re-asking VPN troubleshooting in other words: 0.77; a second "forgot my password" article:
 * 1.00), which turn some of the original's answers into suggestions in the engine.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.65;

type Weights = Map<string, number>;

/**
 * The similarity of every pair of articles by the way they are asked: their titles and
 * questions, the texts the engine's intent model learns from, seen through the engine's own
 * analyser (so "pw" is "password" and "connecting" is "connect"). Two measures, the larger one
 * counts:
 * - the articles as a whole: cosine of TF-IDF vectors (IDF over the articles, so a word every
 *   other article uses says little);
 * - the closest two phrasings: IDF-weighted Jaccard overlap of their terms (1 when the engine sees
 *   the same words; sharing one word of two is far less, unlike cosine on such short texts).
 *   Phrasings that are exactly the same are left out here: `duplicateQuestions` reports them.
 * Pairs come most similar first.
 */
export function similarPairs(articles: readonly LintedArticle[], analyzer: TermAnalyzer): SimilarPair[] {
  const phrasings = articles.map(({ article }) =>
    [article.title, ...article.questions].map((text) => ({
      key: normalisePhrasing(text),
      terms: analyzer.analyze(text),
    })),
  );
  const df = new Map<string, number>();
  for (const texts of phrasings) {
    for (const term of new Set(texts.flatMap((t) => t.terms))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const n = articles.length;
  const idfCache = new Map<string, number>();
  for (const [term, count] of df) idfCache.set(term, Math.log((n + 1) / (count + 1)) + 1);
  const idf = (term: string) => idfCache.get(term) ?? 1;
  const articleVectors = phrasings.map((texts) => {
    const tf = new Map<string, number>();
    for (const { terms } of texts) for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    const vector: Weights = new Map();
    for (const [term, count] of tf) vector.set(term, (1 + Math.log(count)) * idf(term));
    return normalised(vector);
  });
  const phrasingWeights = phrasings.map((texts) =>
    texts.map(({ key, terms }) => {
      const weights: Weights = new Map(terms.map((term) => [term, idf(term)]));
      return { key, weights, total: terms.reduce((sum, term) => sum + idf(term), 0) };
    }),
  );
  const pairs: SimilarPair[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const articleSimilarity = dot(articleVectors[i]!, articleVectors[j]!);
      let best = 0;
      let bestA = 0;
      let bestB = 0;
      const textsA = phrasingWeights[i]!;
      const textsB = phrasingWeights[j]!;
      // No term in common (cosine 0): no two phrasings overlap either.
      for (let x = 0; articleSimilarity > 0 && x < textsA.length; x++) {
        const p = textsA[x]!;
        for (let y = 0; y < textsB.length; y++) {
          const q = textsB[y]!;
          if (p.key === q.key) continue;
          let shared = 0;
          for (const [term, weight] of p.weights) if (q.weights.has(term)) shared += weight;
          const union = p.total + q.total - shared;
          const s = union > 0 ? shared / union : 0;
          if (s > best) [best, bestA, bestB] = [s, x, y];
        }
      }
      pairs.push({
        a: articles[i]!.article.path,
        b: articles[j]!.article.path,
        similarity: Math.min(1, Math.max(articleSimilarity, best)),
        articles: articleSimilarity,
        phrasings: best,
        bestA,
        bestB,
      });
    }
  }
  return pairs.sort((p, q) => q.similarity - p.similarity || compareText(p.a, q.a) || compareText(p.b, q.b));
}

/**
 * Pairs of articles asked so alike that the engine will hesitate between them: a warning in
 * both files, at the line of each one's closest phrasing (its question, or its title).
 */
export function nearDuplicates(
  articles: readonly LintedArticle[],
  analyzer: TermAnalyzer,
  threshold = NEAR_DUPLICATE_THRESHOLD,
  maps: ReadonlyMap<string, SourceMap> = new Map(),
): LintFinding[] {
  const byPath = new Map(articles.map((entry) => [entry.article.path, entry]));
  const lineOf = (file: string, index: number) => {
    const entry = byPath.get(file)!;
    const map = maps.get(file) ?? sourceMap(entry.source);
    return index === 0 ? map.keyLine('title') : questionLine(map, index - 1, entry.article.questions[index - 1] ?? '');
  };
  const findings: LintFinding[] = [];
  for (const pair of similarPairs(articles, analyzer)) {
    // Compare rounded, so the number printed is never below the threshold it passed.
    if (Math.round(pair.similarity * 100) < Math.round(threshold * 100)) break;
    const similarity = pair.similarity.toFixed(2);
    for (const [file, other, index] of [
      [pair.a, pair.b, pair.bestA],
      [pair.b, pair.a, pair.bestB],
    ] as const) {
      const line = lineOf(file, index);
      findings.push({
        file,
        ...(line ? { line } : {}),
        field: 'questions',
        message: `near-duplicate of ${other} (similarity ${similarity}): they will steal each other's matches`,
        severity: 'warning',
      });
    }
  }
  return findings;
}

function normalised(vector: Weights): Weights {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (const [key, value] of vector) vector.set(key, value / norm);
  return vector;
}

function dot(a: Weights, b: Weights): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [key, value] of small) sum += value * (large.get(key) ?? 0);
  return sum;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
