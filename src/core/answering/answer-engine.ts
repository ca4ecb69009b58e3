import MiniSearch, { type SearchResult } from 'minisearch';
import type { Article } from '../knowledge/article.js';
import { TextAnalyzer } from './text-analyzer.js';

/** How sure the engine must be before it answers or suggests (0-1). */
export interface AnswerThresholds {
  /** At or above: answer with the best article (an article's own `threshold` overrides this). */
  answer: number;
  /** At or above (and below `answer`): offer up to three candidates ("did you mean"). */
  suggest: number;
}

export const defaultThresholds: AnswerThresholds = { answer: 0.5, suggest: 0.25 };

/** One candidate article with its raw score and calibrated confidence. */
export interface Candidate {
  articleId: string;
  title: string;
  score: number;
  confidence: number;
}

/** Why the engine decided what it did, kept with every question for debugging and analytics. */
export interface AnswerExplanation {
  queryTerms: string[];
  /** For the best article: query term -> fields it matched in. */
  matched: Record<string, string[]>;
  unmatchedTerms: string[];
  /** Share of the query's information (IDF-weighted terms) the best article covers. */
  coverage: number;
  /** How far the best article's score stands above the runner-up's (0-1). */
  margin: number;
  threshold: AnswerThresholds;
  candidates: Candidate[];
}

export type AnswerResult =
  | { outcome: 'answered'; article: Article; confidence: number; explanation: AnswerExplanation }
  | { outcome: 'suggested'; candidates: Article[]; confidence: number; explanation: AnswerExplanation }
  | { outcome: 'no_answer'; confidence: number; explanation: AnswerExplanation };

interface IndexedArticle {
  id: string;
  title: string;
  questions: string;
  body: string;
  tags: string;
}

const FIELD_BOOST = { questions: 3, title: 2.5, tags: 1.5, body: 1 };
/** Queries are cut to this many characters: nobody's question is longer, and the cost stays bounded. */
export const MAX_QUERY_CHARS = 500;
const MAX_QUERY_TERMS = 32;

/**
 * Answers questions from the knowledge base: a MiniSearch (BM25) index over each article's
 * title, questions, body and tags, with the TextAnalyzer's normalisation, synonyms and
 * stemming, typo tolerance, and a confidence calibrated from term coverage and score margin.
 */
export class AnswerEngine {
  private readonly index: MiniSearch<IndexedArticle>;
  private readonly articles = new Map<string, Article>();
  /** Document frequency of each analysed term, for IDF-weighted coverage. */
  private readonly documentFrequency = new Map<string, number>();

  constructor(
    articles: readonly Article[],
    private readonly thresholds: AnswerThresholds = defaultThresholds,
    private readonly analyzer: TextAnalyzer = new TextAnalyzer(),
  ) {
    const analyzerRef = this.analyzer;
    this.index = new MiniSearch<IndexedArticle>({
      fields: ['title', 'questions', 'body', 'tags'],
      storeFields: [],
      tokenize: (text) => analyzerRef.tokenize(text),
      processTerm: (term) => analyzerRef.terms(term),
    });
    const docs = articles.map((article) => {
      this.articles.set(article.id, article);
      return {
        id: article.id,
        title: article.title,
        questions: article.questions.join('\n'),
        body: plainText(article.body),
        tags: [...article.tags, article.category].join(' '),
      };
    });
    this.index.addAll(docs);
    for (const doc of docs) {
      const terms = new Set(this.analyzer.analyze(`${doc.title}\n${doc.questions}\n${doc.body}\n${doc.tags}`));
      for (const term of terms) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
  }

  get size(): number {
    return this.articles.size;
  }

  article(id: string): Article | undefined {
    return this.articles.get(id);
  }

  /** The categories the articles use, sorted. */
  categories(): string[] {
    return [...new Set([...this.articles.values()].map((article) => article.category))].sort();
  }

  /** Finds the best article(s) for a question and decides between answering, suggesting and not answering. */
  ask(question: string): AnswerResult {
    const text = question.slice(0, MAX_QUERY_CHARS);
    const queryTerms = this.analyzer.analyze(text).slice(0, MAX_QUERY_TERMS);
    const results =
      queryTerms.length === 0
        ? []
        : this.index.search(queryTerms.join(' '), {
            boost: FIELD_BOOST,
            combineWith: 'OR',
            // The query is already analysed: split on spaces, and do not run processTerm twice.
            tokenize: (q) => q.split(' '),
            processTerm: (term) => term,
            fuzzy: (term) => (/\d/.test(term) ? false : term.length >= 8 ? 2 : term.length >= 4 ? 1 : false),
            prefix: (term) => term.length >= 4,
            weights: { fuzzy: 0.6, prefix: 0.4 },
          });

    const best = results[0];
    const coverage = best ? this.coverage(queryTerms, best) : 0;
    const margin = best ? marginOf(results) : 0;
    const confidenceOf = (result: SearchResult, rank: number): number => {
      const cov = rank === 0 ? coverage : this.coverage(queryTerms, result);
      const rel = best ? result.score / best.score : 0;
      const base = calibrate(cov, rank === 0 ? margin : 0);
      return round(rank === 0 ? base : base * rel);
    };
    const candidates: Candidate[] = results.slice(0, 5).map((result, rank) => ({
      articleId: String(result.id),
      title: this.articles.get(String(result.id))?.title ?? String(result.id),
      score: round(result.score),
      confidence: confidenceOf(result, rank),
    }));
    const confidence = candidates[0]?.confidence ?? 0;
    const matched = best ? (best.match as Record<string, string[]>) : {};
    const explanation: AnswerExplanation = {
      queryTerms,
      matched,
      unmatchedTerms: queryTerms.filter((term) => !best?.queryTerms.includes(term)),
      coverage: round(coverage),
      margin: round(margin),
      threshold: this.thresholds,
      candidates,
    };

    const top = best ? this.articles.get(String(best.id)) : undefined;
    if (top && confidence >= (top.threshold ?? this.thresholds.answer)) {
      return { outcome: 'answered', article: top, confidence, explanation };
    }
    if (top && confidence >= this.thresholds.suggest) {
      const shortlist = candidates
        .filter((c, rank) => rank === 0 || (best && c.score >= best.score * 0.3))
        .slice(0, 3)
        .map((c) => this.articles.get(c.articleId))
        .filter((a): a is Article => a !== undefined);
      return { outcome: 'suggested', candidates: shortlist, confidence, explanation };
    }
    return { outcome: 'no_answer', confidence, explanation };
  }

  /**
   * IDF-weighted share of the query terms this result matched. A term found in the article's
   * questions, title or tags counts fully; one found only in the body counts half (bodies mention
   * many things in passing); one matched only by typo tolerance or prefix counts 0.7.
   */
  private coverage(queryTerms: string[], result: SearchResult): number {
    let total = 0;
    let hit = 0;
    const matched = new Set(result.queryTerms);
    const match = result.match as Record<string, string[]>;
    for (const term of queryTerms) {
      const weight = this.idf(term);
      total += weight;
      if (!matched.has(term)) continue;
      const fields = match[term];
      const credit = fields === undefined ? 0.7 : fields.some((f) => f !== 'body') ? 1 : 0.5;
      hit += weight * credit;
    }
    return total === 0 ? 0 : hit / total;
  }

  private idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + this.articles.size / (df + 0.5));
  }
}

/**
 * Coverage says whether the article explains the whole question; margin says whether it stands
 * out from the next one (a one-word question that three articles match equally is a "did you
 * mean"). The weights were chosen on test/fixtures/kb-questions.jsonl to keep confident wrong
 * answers near zero at the default thresholds (answer 0.5, suggest 0.25).
 */
function calibrate(coverage: number, margin: number): number {
  return Math.min(1, 1.5 * coverage * coverage * (0.2 + 0.8 * margin));
}

function marginOf(results: SearchResult[]): number {
  const [first, second] = results;
  if (!first) return 0;
  if (!second) return 1;
  return (first.score - second.score) / first.score;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Markdown to the words a reader sees (link targets, code fences and markup removed). */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`|~-]+/g, ' ');
}
