import type { Article } from '../knowledge/article.js';
import { IntentModel, defaultIntentModelSettings } from './intent-model.js';
import { cachedIntentModel, keepTrainedModel, type ModelCacheOptions, type ModelProgress } from './model-cache.js';
import { KeywordIndex, type ExpansionSettings, type KeywordDocument, type KeywordHit } from './keyword-index.js';
import { cachedKeywordIndex } from './keyword-index-cache.js';
import { normalize, type SentenceEncoder } from './sentence-encoder.js';
import { EXAMPLES_PER_STEP, runSteps, runStepsPaced, type Pacing, type Steps } from './time-slicing.js';
import { TextAnalyzer } from './text-analyzer.js';

/** How sure the engine must be before it answers or suggests (0-1). */
export interface AnswerThresholds {
  /** At or above: answer with the best article (an article's own `threshold` overrides this). */
  answer: number;
  /** At or above (and below `answer`): offer up to three candidates ("did you mean"). */
  suggest: number;
  /**
   * The pair for a knowledge base without outside topics (Article.outside), when this one was
   * fitted with them: outside topics decline most out-of-scope questions themselves, so a pair
   * fitted with them offers far more ("did you mean" from 0.08 without an encoder), which a
   * knowledge base without them would give every question. The fitted defaults carry it; a pair
   * set by hand (ANSWER_THRESHOLD, SUGGEST_THRESHOLD) does not. See pairFor.
   */
  withoutOutside?: { answer: number; suggest: number };
}

/** The pair an engine over these articles decides with: `withoutOutside` when none is an outside topic. */
export function pairFor(thresholds: AnswerThresholds, articles: Iterable<Article>): AnswerThresholds {
  const { withoutOutside, ...pair } = thresholds;
  if (!withoutOutside) return pair;
  for (const article of articles) if (article.outside) return pair;
  return { ...withoutOutside };
}

/**
 * The lexical engine's thresholds, fitted with `npm run kb:fit` on the bundled knowledge base and
 * test/fixtures/kb-questions-fit.jsonl (268 questions, 74 out of scope; at most 1% confident
 * wrong, at least 90% of the out-of-scope questions declined, then the middle of the pairs that
 * decide every question alike): there they answer 85.1% of the in-scope questions rightly and
 * offer the right article to 95.4%, 93.2% of the out-of-scope ones declined. The bundled knowledge
 * base has outside topics (Article.outside), which decline most out-of-scope questions themselves,
 * so the suggest threshold can be low; without them the fit gave 0.43 / 0.225 (README, answer
 * quality), which a knowledge base without outside topics is given (withoutOutside, pairFor).
 */
export const defaultThresholds: AnswerThresholds = {
  answer: 0.295,
  suggest: 0.07,
  withoutOutside: { answer: 0.43, suggest: 0.225 },
};

/**
 * The thresholds for each sentence encoder, fitted the same way (the encoder's part changes the
 * confidence's scale); an encoder not listed gets the lexical engine's. ANSWER_THRESHOLD and
 * SUGGEST_THRESHOLD override them.
 */
const fittedThresholds: Readonly<Record<string, AnswerThresholds>> = {
  none: defaultThresholds,
  // On the fitting file: 93.8% answered rightly, 97.9% answered or offered, 2 of 268 confidently
  // wrong, 96.0% of the out-of-scope questions declined (with encoderBelow 0.5). Without outside
  // topics (fitted before the bundled knowledge base had them): 0.365 / 0.275.
  'use-lite': { answer: 0.285, suggest: 0.21, withoutOutside: { answer: 0.365, suggest: 0.275 } },
};

export function thresholdsFor(encoder: string): AnswerThresholds {
  return fittedThresholds[encoder] ?? defaultThresholds;
}

/** One candidate article with its raw score and calibrated confidence. */
export interface Candidate {
  articleId: string;
  title: string;
  score: number;
  confidence: number;
  /** The intent model's probability for this article (0-1), from the blend that ranks (see IntentModel.assess). */
  probability: number;
  /** The keyword search's part: BM25 score relative to the best, times term coverage (0-1). */
  keyword: number;
  /** Cosine similarity of the question's and the article's sentence embeddings, when the encoder was asked. */
  semantic?: number;
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
  /** Whether the sentence encoder was asked (see AnswerEngine.answer). */
  encoded?: boolean;
  /**
   * The question is one word that the best article and a runner-up both have in their title,
   * phrasings or tags ("printer", "password"): the words cannot tell them apart, so the bot offers
   * them at the suggest threshold and never answers outright, however sure the model is of one;
   * below the suggest threshold it is declined, as any other question.
   */
  ambiguous?: true;
}

export type AnswerResult =
  | { outcome: 'answered'; article: Article; confidence: number; explanation: AnswerExplanation }
  | { outcome: 'suggested'; candidates: Article[]; confidence: number; explanation: AnswerExplanation }
  | {
      outcome: 'no_answer';
      confidence: number;
      explanation: AnswerExplanation;
      /**
       * The question reads like an outside article's (a topic the bot does not handle: see
       * Article.outside), ranked first at the suggest threshold or above: the bot says its answer
       * (who handles it) instead of a plain "no answer".
       */
      redirect?: Article;
    };

/**
 * Which articles the asker may be given (their audience's: see knowledge/audience.ts). The engine
 * ranks only those, before anything is scored against anything: a hidden article neither answers
 * nor appears among the candidates, and the model's probabilities are conditioned on the allowed
 * articles (IntentModel.assess), so the others' confidences do not depend on it either.
 */
export interface AskOptions {
  allow?: (article: Article) => boolean;
}

/** The keyword index's fields, in order, and their boosts. */
const FIELDS = ['title', 'questions', 'body', 'tags'];
const FIELD_BOOSTS = [2.5, 3, 1, 1.5];
/**
 * Typo tolerance (one edit from 4 letters, two from 8; codes with digits never) and prefixes
 * from 4 letters, at most 8 wider terms per query term, found among every indexed word: typos
 * only for words no article uses, or only among titles, phrasings and tags, declined fewer of the
 * out-of-scope questions (kb-questions-fit.jsonl 36 -> 34 of 39).
 */
const EXPANSION: ExpansionSettings = {
  fuzzyDistance: (term) => (/\d/.test(term) ? 0 : term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0),
  prefix: (term) => term.length >= 4,
  fuzzyWeight: 0.6,
  prefixWeight: 0.4,
  maxExpansions: 8,
};
const keywordOnly = {
  probabilityWeight: 0,
  confidenceProbabilityWeight: 0,
  familiarityExponent: 0,
  probabilityMargin: 0,
  ambiguityFloor: 1,
};

/** Queries are cut to this many characters: nobody's question is longer, and the cost stays bounded. */
export const MAX_QUERY_CHARS = 500;
/**
 * What the sentence encoder reads of a question: its first 200 characters, cut at a word. The
 * model's cost grows with the text, and the start of a long message says what it is about.
 */
export const MAX_ENCODED_CHARS = 200;

/** The part of a question the sentence encoder reads (see MAX_ENCODED_CHARS). */
export function encoderText(question: string): string {
  if (question.length <= MAX_ENCODED_CHARS) return question;
  const cut = question.slice(0, MAX_ENCODED_CHARS + 1);
  const space = cut.search(/\s\S*$/);
  return (space > MAX_ENCODED_CHARS / 2 ? cut.slice(0, space) : cut.slice(0, MAX_ENCODED_CHARS)).trimEnd();
}
const MAX_QUERY_TERMS = 32;
const KEYWORD_POOL = 20;
const MODEL_POOL = 10;
const SEMANTIC_POOL = 10;
/**
 * With more articles than this, a question's embedding is compared with the centroids of the
 * keyword search's best SEMANTIC_CANDIDATES articles (and the intent model's pool) instead of
 * every article's: at 10,000 articles the cosine to every centroid (512 multiply-adds each) was
 * most of a question's CPU. Up to this size, and when the words match fewer articles than this
 * (the encoder's view counts most when the words find little), every article is compared.
 */
export const SEMANTIC_CANDIDATES = 300;

/**
 * Each article's phrasings (title first, then its questions) as the sentence encoder sees them,
 * reduced to what a question is compared with: the normalised mean of their embeddings (the
 * centroid), by article id; and the encoder that made them: questions must be embedded by the
 * same model. Computed outside the engine (the encoder is asynchronous, and the live knowledge base
 * caches the phrasings' embeddings).
 */
export interface ArticleEmbeddings {
  encoder: SentenceEncoder;
  centroids: ReadonlyMap<string, Float32Array>;
}

/** The texts whose embeddings make an article's centroid, in order. */
export function phrasingsOf(article: Article): string[] {
  return [article.title, ...article.questions];
}

/** Phrasings embedded at a time: the vectors of one batch are alive at once, never every article's (90,000 at 10,000 articles, 184 MB). */
const EMBED_BATCH = 1024;

/** Embeds every article's phrasings with `encoder` (e.g. a cached one), for an engine that embeds questions with `questionEncoder`. */
export async function embedArticles(
  articles: readonly Article[],
  encoder: SentenceEncoder,
  questionEncoder: SentenceEncoder = encoder,
): Promise<ArticleEmbeddings> {
  const centroids = new Map<string, Float32Array>();
  for (let first = 0; first < articles.length;) {
    // Whole articles, about EMBED_BATCH phrasings.
    let end = first;
    let count = 0;
    while (end < articles.length && (count === 0 || count + phrasingsOf(articles[end]!).length <= EMBED_BATCH))
      count += phrasingsOf(articles[end++]!).length;
    const batch = articles.slice(first, end);
    const vectors = await encoder.embed(batch.flatMap(phrasingsOf));
    let at = 0;
    for (const article of batch) {
      const n = phrasingsOf(article).length;
      const centroid = centroidOf(vectors.slice(at, at + n));
      if (centroid) centroids.set(article.id, centroid);
      at += n;
    }
    first = end;
  }
  return { encoder: questionEncoder, centroids };
}

/** The normalised mean of the vectors, or null for none. */
function centroidOf(vectors: readonly Float32Array[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const sum = new Float32Array(vectors[0]!.length);
  for (const vector of vectors) for (let i = 0; i < sum.length; i++) sum[i]! += vector[i]!;
  return normalize(sum);
}

/** How the intent model and the keyword search are combined. */
export interface EngineSettings {
  /** Weight of the model's probability in the ranking score (the keyword part has the rest). */
  probabilityWeight: number;
  /** Weight of the model's probability in the confidence (the keyword calibration has the rest). */
  confidenceProbabilityWeight: number;
  /** The probability's part of the confidence is scaled by (share of the question's words the articles use) ^ this. */
  familiarityExponent: number;
  /** The model's part of the confidence is p(best) - this x p(runner-up). */
  probabilityMargin: number;
  /** The confidence is scaled from this (another article matches the words as well) to 1 (none comes close). */
  ambiguityFloor: number;
  /** With sentence embeddings: weight of the cosine to the article's phrasings in the ranking score (the rest is the score above). */
  semanticWeight: number;
  /** With sentence embeddings: weight of the cosine to the best article, scaled by `semanticFloor` and `semanticCeiling`, in the confidence. */
  semanticConfidenceWeight: number;
  /** Cosine similarities from `semanticFloor` (unrelated) to `semanticCeiling` (a paraphrase) map to a semantic confidence of 0 to 1. */
  semanticFloor: number;
  semanticCeiling: number;
  /** `answer` asks the encoder only when the lexical confidence is below this: a confident lexical answer costs no embedding. */
  encoderBelow: number;
}

export const defaultEngineSettings: EngineSettings = {
  probabilityWeight: 0.7,
  confidenceProbabilityWeight: 0.6,
  familiarityExponent: 0.5,
  probabilityMargin: 0.5,
  ambiguityFloor: 0.5,
  semanticWeight: 0.7,
  semanticConfidenceWeight: 0.3,
  semanticFloor: 0.3,
  semanticCeiling: 0.8,
  // Above the fitted answer thresholds: a question the words leave just short of answering is the
  // one the encoder's view most often settles (figures in the commit log).
  encoderBelow: 0.5,
};

/**
 * Answers questions from the knowledge base: a BM25 keyword index (KeywordIndex) over each article's
 * title, questions, body and tags, with the TextAnalyzer's normalisation, synonyms and
 * stemming, typo tolerance, and a confidence calibrated from term coverage and score margin.
 */
export class AnswerEngine {
  private readonly index: KeywordIndex;
  private readonly articles: Map<string, Article>;
  private readonly model: IntentModel;
  private readonly order: string[];
  private readonly index2: Map<string, number>;
  private readonly semantic: SemanticIndex | null;
  /** The pair this engine decides with (pairFor: the articles say which of the fitted ones). */
  private readonly thresholds: AnswerThresholds;

  /** Builds the index at once, blocking until done; see `build` for a knowledge base that takes a while. */
  constructor(
    articles: readonly Article[],
    thresholds: AnswerThresholds = defaultThresholds,
    private readonly analyzer: TextAnalyzer = new TextAnalyzer(),
    private readonly settings: EngineSettings = defaultEngineSettings,
    prepared: PreparedIndex = runSteps(prepareIndex(articles, analyzer)),
    embeddings?: ArticleEmbeddings,
  ) {
    this.thresholds = pairFor(thresholds, prepared.articles.values());
    this.index = prepared.index;
    this.articles = prepared.articles;
    this.model = prepared.model;
    this.order = prepared.order;
    this.index2 = prepared.index2;
    this.semantic = embeddings ? semanticIndex(embeddings, prepared.order) : null;
  }

  /**
   * Builds the index giving the event loop a turn every few milliseconds: a bot reloading a
   * knowledge base with many phrasings (a minute of training for 15,000) keeps answering meanwhile.
   */
  static async build(
    articles: readonly Article[],
    thresholds: AnswerThresholds = defaultThresholds,
    analyzer: TextAnalyzer = new TextAnalyzer(),
    settings: EngineSettings = defaultEngineSettings,
    embeddings?: ArticleEmbeddings,
    options: BuildOptions = {},
  ): Promise<AnswerEngine> {
    const { modelCache } = options;
    const cached = modelCache
      ? await cachedIntentModel(
          articles.map((a) => a.id),
          trainingExamples(articles),
          analyzer,
          defaultIntentModelSettings,
          { ...options, modelCache },
        )
      : undefined;
    // With a cache, the keyword index is read back too (or built and kept), before the model's steps.
    const pacing = { signal: options.signal };
    const index = modelCache
      ? await cachedKeywordIndex(
          await runStepsPaced(keywordDocuments(articles), pacing),
          FIELDS,
          analyzer,
          modelCache,
          options.modelKind,
          pacing,
        )
      : undefined;
    const prepared = await runStepsPaced(prepareIndex(articles, analyzer, cached, index), pacing);
    if (modelCache && prepared.trainedKey)
      await keepTrainedModel(prepared.trainedKey, prepared.model, prepared.trainMs ?? 0, { ...options, modelCache });
    return new AnswerEngine(articles, thresholds, analyzer, settings, prepared, embeddings);
  }

  /** Whether `answer` can ask a sentence encoder. */
  get encoder(): SentenceEncoder | null {
    return this.semantic?.encoder ?? null;
  }

  /**
   * `ask`, with the sentence encoder's view when it pays (a cascade): a question the lexical
   * engine answers with confidence at or above `encoderBelow` is answered at once; any other is
   * embedded (about 8 ms) and asked again with its embedding. Without embeddings, `ask`.
   */
  async answer(question: string, options: AskOptions = {}): Promise<AnswerResult> {
    // The words' part (keyword search, the model's probabilities) is computed once and ranked
    // twice, without and with the embedding: an embedded question used to search and score twice.
    const view = this.lexicalView(question, options, false);
    const lexical = this.rank(view);
    if (!this.semantic || lexical.confidence >= this.settings.encoderBelow) return lexical;
    const [vector] = await this.semantic.encoder.embed([encoderText(question)]);
    if (!vector) return lexical;
    // Above SEMANTIC_CANDIDATES articles the encoder needs the keyword search's wider list, which the words' pass skips.
    return this.rank(
      this.order.length > SEMANTIC_CANDIDATES ? this.lexicalView(question, options, true) : view,
      vector,
    );
  }

  /** 1 for each article (by label) `allow` lets through; undefined when it lets every one through (nothing to filter). */
  private allowedMask(allow: AskOptions['allow']): Uint8Array | undefined {
    if (!allow) return undefined;
    const mask = new Uint8Array(this.order.length);
    let hidden = 0;
    for (let label = 0; label < this.order.length; label++) {
      if (allow(this.articles.get(this.order[label]!)!)) mask[label] = 1;
      else hidden++;
    }
    return hidden === 0 ? undefined : mask;
  }

  /** The same index with other thresholds (the index is shared, not rebuilt). */
  withThresholds(thresholds: AnswerThresholds): AnswerEngine {
    const copy = Object.create(AnswerEngine.prototype) as AnswerEngine;
    return Object.assign(copy, this, { thresholds: pairFor(thresholds, this.articles.values()) });
  }

  /** The same index with other settings (for tuning). */
  withSettings(settings: EngineSettings): AnswerEngine {
    const copy = Object.create(AnswerEngine.prototype) as AnswerEngine;
    return Object.assign(copy, this, { settings });
  }

  get size(): number {
    return this.articles.size;
  }

  article(id: string): Article | undefined {
    return this.articles.get(id);
  }

  /** The categories the articles use, sorted (an outside article's is no category of ours). */
  categories(): string[] {
    return [
      ...new Set([...this.articles.values()].flatMap((article) => (article.outside ? [] : [article.category]))),
    ].sort();
  }

  /**
   * Finds the best article(s) for a question and decides between answering, suggesting and not
   * answering; with the question's sentence embedding (from this engine's encoder), its
   * similarity to each article's phrasings takes part in both the ranking and the confidence.
   */
  ask(question: string, embedding?: Float32Array, options: AskOptions = {}): AnswerResult {
    return this.rank(this.lexicalView(question, options, embedding !== undefined && this.semantic !== null), embedding);
  }

  /**
   * What the words say of a question, before any embedding: the keyword search's hits (with
   * `wide` and more than SEMANTIC_CANDIDATES articles, also its wider list for the encoder to
   * narrow itself to) and the intent model's probabilities.
   */
  private lexicalView(question: string, options: AskOptions, wide: boolean): LexicalView {
    const text = question.slice(0, MAX_QUERY_CHARS);
    const allowed = this.allowedMask(options.allow);
    const queryTerms = this.analyzer.analyze(text).slice(0, MAX_QUERY_TERMS);
    // The keyword search's wider list, for the encoder to narrow itself to (see SEMANTIC_CANDIDATES).
    let near: number[] | null = null;
    let results: KeywordHit[] = [];
    if (queryTerms.length > 0 && wide && this.order.length > SEMANTIC_CANDIDATES) {
      const wide = this.index.searchWide(
        queryTerms,
        FIELD_BOOSTS,
        EXPANSION,
        KEYWORD_POOL,
        SEMANTIC_CANDIDATES,
        allowed,
      );
      results = wide.hits;
      if (wide.documents.length >= SEMANTIC_CANDIDATES) near = wide.documents;
    } else if (queryTerms.length > 0) {
      results = this.index.search(queryTerms, FIELD_BOOSTS, EXPANSION, KEYWORD_POOL, allowed);
    }

    // Keyword part: BM25 relative to the best result, times the share of the query it covers.
    const best = results[0];
    const keyword = new Map<string, { result: KeywordHit; value: number; coverage: number }>();
    for (const result of results) {
      const cov = this.coverage(queryTerms, result);
      keyword.set(result.id, { result, value: best ? (result.score / best.score) * cov : 0, coverage: cov });
    }
    // Intent part: the model's probability of each article.
    const vector = this.model.vector(text);
    // The ranking model orders the articles; the confidence comes from the same models (see
    // IntentModel.assess): a confidence that speaks of another article than the one ranked first
    // separates in-scope from out-of-scope questions worse (CLINC150 val, best in-scope accuracy
    // at 50% out-of-scope recall: 93.10% against 92.97% when it came from the softmax alone). With
    // few phrasings (the bundled knowledge base) all are the softmax's probabilities.
    const {
      probabilities,
      ranking: rankingProbabilities,
      confidence: confidenceProbabilities,
    } = this.model.assess(vector, allowed);
    const pool = new Set(keyword.keys());
    for (const k of topIndices(probabilities, MODEL_POOL)) if (probabilities[k]! > 0) pool.add(this.order[k]!);
    if (rankingProbabilities !== probabilities)
      for (const k of topIndices(rankingProbabilities, MODEL_POOL))
        if (rankingProbabilities[k]! > 0) pool.add(this.order[k]!);
    return {
      allowed,
      queryTerms,
      near,
      keyword,
      known: vector.known,
      rankingProbabilities,
      confidenceProbabilities,
      pool,
    };
  }

  /** Ranks the articles and decides, from the words' view and, when given, the question's embedding. */
  private rank(view: LexicalView, embedding?: Float32Array): AnswerResult {
    const { allowed, queryTerms, near, keyword, rankingProbabilities, confidenceProbabilities } = view;
    const semantic = embedding ? this.semantic : null;
    const familiarity = view.known ** this.settings.familiarityExponent;
    // The encoder's pass adds to the pool: a copy, so that the words' pass can be ranked again.
    const pool = embedding ? new Set(view.pool) : view.pool;
    // Every article's cosine, or (near) those of the keyword search's best and of the pool so
    // far, the others -Infinity. The keyword search's documents are numbered as the labels.
    const similarity =
      embedding && semantic
        ? semantic.similarities(embedding, near ? [...near, ...[...pool].map((id) => this.index2.get(id)!)] : undefined)
        : null;
    if (similarity && allowed)
      for (let k = 0; k < similarity.length; k++) if (allowed[k] !== 1) similarity[k] = -Infinity;
    if (similarity)
      for (const k of topIndices(similarity, SEMANTIC_POOL))
        if (!near || similarity[k]! > -Infinity) pool.add(this.order[k]!);
    // Hidden articles have no keyword hit and zero probability; this keeps them out whatever the pools hold.
    if (allowed) for (const id of pool) if (allowed[this.index2.get(id)!] !== 1) pool.delete(id);
    // Without a model (a knowledge base too large for it), the keyword search decides alone (with the encoder, if any).
    const s = this.model.trained ? this.settings : { ...this.settings, ...keywordOnly };
    const semanticWeight = similarity ? s.semanticWeight : 0;
    const ranked = [...pool]
      .map((id) => {
        const label = this.index2.get(id)!;
        const p = rankingProbabilities[label] ?? 0;
        const c = confidenceProbabilities[label] ?? 0;
        const kw = keyword.get(id);
        const cos = similarity ? similarity[label]! : 0;
        const lexical = s.probabilityWeight * p + (1 - s.probabilityWeight) * (kw?.value ?? 0);
        const score = (1 - semanticWeight) * lexical + semanticWeight * Math.max(0, cos);
        // `score` orders the articles and measures how close the others come, for the confidence and the shortlist.
        return { id, p, c, kw, cos, score };
      })
      .sort((a, b) => b.score - a.score);
    const first = ranked[0];
    const second = ranked[1];
    const coverage = first?.kw?.coverage ?? 0;
    const margin = first ? (second && first.score > 0 ? Math.max(0, first.score - second.score) / first.score : 1) : 0;
    const keywordConfidence = calibrate(coverage, margin);
    // Ambiguity: another article matches the words about as well as the best one ("printer" alone).
    let runnerUpKeyword = 0;
    for (const entry of ranked.slice(1)) runnerUpKeyword = Math.max(runnerUpKeyword, entry.kw?.value ?? 0);
    const firstKeyword = first?.kw?.value ?? 0;
    const keywordMargin = firstKeyword > 0 ? Math.max(0, (firstKeyword - runnerUpKeyword) / firstKeyword) : 1;
    const distinct = s.ambiguityFloor + (1 - s.ambiguityFloor) * keywordMargin;
    const confidenceOf = (entry: (typeof ranked)[number], rank: number): number => {
      // The model's part: how far the article's probability stands above the next best one's.
      const next = rank === 0 ? (ranked[1]?.c ?? 0) : first!.c;
      const sure = Math.max(0, entry.c - s.probabilityMargin * Math.min(next, entry.c));
      const mixed =
        s.confidenceProbabilityWeight * sure * familiarity +
        (1 - s.confidenceProbabilityWeight) *
          (rank === 0
            ? keywordConfidence
            : calibrate(entry.kw?.coverage ?? 0, 0) * (first!.score > 0 ? Math.min(1, entry.score / first!.score) : 0));
      const lexical = Math.min(1, mixed * distinct);
      if (!similarity) return round(lexical);
      // The encoder's part: how much the question reads like the article's phrasings. Words alone
      // cannot tell a question no article answers from one worded unlike the articles.
      const semantic = Math.min(1, Math.max(0, (entry.cos - s.semanticFloor) / (s.semanticCeiling - s.semanticFloor)));
      return round((1 - s.semanticConfidenceWeight) * lexical + s.semanticConfidenceWeight * semantic);
    };
    const topConfidence = first ? confidenceOf(first, 0) : 0;
    const candidates: Candidate[] = ranked.slice(0, 5).map((entry, rank) => ({
      articleId: entry.id,
      title: this.articles.get(entry.id)?.title ?? entry.id,
      score: round(entry.score),
      // A runner-up is never more certain than the best article.
      confidence: rank === 0 ? topConfidence : Math.min(topConfidence, confidenceOf(entry, rank)),
      probability: round(entry.p),
      keyword: round(entry.kw?.value ?? 0),
      ...(similarity ? { semantic: round(entry.cos) } : {}),
    }));
    const firstResult = first?.kw?.result;
    const matched = firstResult ? firstResult.match : {};
    const explanation: AnswerExplanation = {
      queryTerms,
      matched,
      unmatchedTerms: queryTerms.filter((term) => !firstResult?.queryTerms.includes(term)),
      coverage: round(coverage),
      margin: round(margin),
      threshold: this.thresholds,
      candidates,
      ...(similarity ? { encoded: true } : {}),
      ...(queryTerms.length === 1 && coverage === 1 && ranked.slice(1, 3).some((entry) => entry.kw?.coverage === 1)
        ? { ambiguous: true as const }
        : {}),
    };

    return this.decide(explanation);
  }

  /**
   * The decision on a ranking at this engine's thresholds: answer with the best article, offer up
   * to three ("did you mean": the best and those scoring at least 0.3 of it), or decline. `ask`
   * decides with it; fitting the thresholds (kb:fit) re-decides a ranking without asking again.
   */
  decide(ranking: AnswerExplanation): AnswerResult {
    const explanation = { ...ranking, threshold: this.thresholds };
    const candidates = explanation.candidates;
    const first = candidates[0];
    const confidence = first?.confidence ?? 0;
    const top = first ? this.articles.get(first.articleId) : undefined;
    // A topic the bot does not handle ranks first: declined, with who handles it when it is sure
    // enough to offer. Its lower ranks never stand in for it: the question is most like the topic.
    if (top?.outside) {
      return confidence >= this.thresholds.suggest
        ? { outcome: 'no_answer', confidence, explanation, redirect: top }
        : { outcome: 'no_answer', confidence, explanation };
    }
    if (top && !ranking.ambiguous && confidence >= (top.threshold ?? this.thresholds.answer)) {
      return { outcome: 'answered', article: top, confidence, explanation };
    }
    // An ambiguous question is kept from an answer, not raised to an offer: below the suggest
    // threshold it is declined like any other ("i want to transfer to another team" is the one
    // term "transfer" after its stop words, which several articles share, at confidence 0.15).
    if (top && confidence >= this.thresholds.suggest) {
      return { outcome: 'suggested', candidates: this.shortlist(candidates), confidence, explanation };
    }
    return { outcome: 'no_answer', confidence, explanation };
  }

  /**
   * What a "did you mean" offers of a ranking: the best article and those scoring at least 0.3 of
   * it, up to three, never an outside topic.
   */
  shortlist(candidates: readonly Candidate[]): Article[] {
    const first = candidates[0];
    return candidates
      .filter((candidate, rank) => rank === 0 || candidate.score >= first!.score * 0.3)
      .map((c) => this.articles.get(c.articleId))
      .filter((a): a is Article => a !== undefined && !a.outside)
      .slice(0, 3);
  }

  /**
   * IDF-weighted share of the query terms this result matched. A term found in the article's
   * questions, title or tags counts fully; one found only in the body counts half (bodies mention
   * many things in passing); one matched only by typo tolerance or prefix counts 0.7.
   */
  private coverage(queryTerms: string[], result: KeywordHit): number {
    let total = 0;
    let hit = 0;
    const matched = new Set(result.queryTerms);
    const match = result.match;
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
    const df = this.index.documentsWith(term);
    return Math.log(1 + this.articles.size / (df + 0.5));
  }
}

/** Each article's sentence embeddings reduced to what a question is compared with. */
interface SemanticIndex {
  encoder: SentenceEncoder;
  /**
   * Cosine similarity of a question's embedding to each article, by label; with `labels`, only
   * to those articles, every other one -Infinity.
   */
  similarities(question: Float32Array, labels?: readonly number[]): Float64Array;
}

/**
 * An article is represented by the centroid of its phrasings' embeddings (their normalised mean),
 * so a question costs one dot product per article however many phrasings there are. An article
 * without embeddings has similarity 0: embeddings are made for every article (embedArticles).
 */
function semanticIndex(embeddings: ArticleEmbeddings, order: readonly string[]): SemanticIndex {
  const dimensions = embeddings.encoder.dimensions;
  // One row per article in one array (a row of zeros for an article without embeddings): a
  // question's pass over 10,000 of them reads memory in order instead of 10,000 separate arrays.
  const centroids = new Float32Array(order.length * dimensions);
  const present = new Uint8Array(order.length);
  // A loop, not a callback: a closure reading `embeddings` would keep it (every article's own
  // centroid, a second copy) alive with `similarities`, which shares the function's context.
  for (let label = 0; label < order.length; label++) {
    const centroid = embeddings.centroids.get(order[label]!);
    if (!centroid || centroid.length !== dimensions) continue;
    centroids.set(centroid, label * dimensions);
    present[label] = 1;
  }
  return {
    encoder: embeddings.encoder,
    similarities(question, labels) {
      const out = new Float64Array(order.length);
      if (labels) out.fill(-Infinity);
      const cosine = (label: number): number => {
        if (present[label] === 0 || question.length !== dimensions) return 0;
        // The same sum in the same order as dot(): the same cosines to the last bit.
        let sum = 0;
        for (let i = 0, row = label * dimensions; i < dimensions; i++) sum += centroids[row + i]! * question[i]!;
        return sum;
      };
      if (labels) for (const label of labels) out[label] = cosine(label);
      else for (let label = 0; label < order.length; label++) out[label] = cosine(label);
      return out;
    },
  };
}

/** What the words say of one question (AnswerEngine.lexicalView), ranked with or without its embedding. */
interface LexicalView {
  allowed: Uint8Array | undefined;
  queryTerms: string[];
  near: number[] | null;
  keyword: ReadonlyMap<string, { result: KeywordHit; value: number; coverage: number }>;
  /** The share of the question's words the model knows (SparseVector.known). */
  known: number;
  rankingProbabilities: Float64Array;
  confidenceProbabilities: Float64Array;
  /** The keyword search's and the model's best articles, by id. */
  pool: Set<string>;
}

interface PreparedIndex {
  index: KeywordIndex;
  articles: Map<string, Article>;
  model: IntentModel;
  order: string[];
  index2: Map<string, number>;
  /** Set when the model was trained here for a cache that did not have it: its key, and how long the training took. */
  trainedKey?: string;
  trainMs?: number;
}

/** How AnswerEngine.build keeps its trained model between starts (see model-cache.ts), and what stops it (`signal`). */
export type BuildOptions = ModelCacheOptions & Pick<Pacing, 'signal'>;
export type BuildProgress = ModelProgress;

/** The intent model's examples: each article's title and questions, labelled by its place. */
function trainingExamples(articles: readonly Article[]): Array<{ text: string; label: number }> {
  const examples: Array<{ text: string; label: number }> = [];
  articles.forEach((article, label) => {
    for (const text of [article.title, ...article.questions]) examples.push({ text, label });
  });
  return examples;
}

/** What the keyword index holds of each article, in FIELDS' order (a step per 64 articles: their bodies' markup is taken out). */
function* keywordDocuments(articles: readonly Article[]): Steps<KeywordDocument[]> {
  const documents: KeywordDocument[] = [];
  for (const article of articles) {
    documents.push({
      id: article.id,
      fields: [
        article.title,
        article.questions.join('\n'),
        plainText(article.body),
        [...article.tags, article.category].join(' '),
      ],
    });
    if (documents.length % EXAMPLES_PER_STEP === 0) yield;
  }
  return documents;
}

/** The keyword index, the intent model and the term statistics of a set of articles; yields now and then (see steps.ts). */
function* prepareIndex(
  articles: readonly Article[],
  analyzer: TextAnalyzer,
  cached?: { key: string; model?: IntentModel },
  /** The keyword index of these articles, read from a cache (see keyword-index-cache.ts). */
  keywordIndex?: KeywordIndex,
): Steps<PreparedIndex> {
  const byId = new Map<string, Article>();
  for (const article of articles) byId.set(article.id, article);
  const index = keywordIndex ?? (yield* KeywordIndex.build(yield* keywordDocuments(articles), FIELDS, analyzer));
  const order: string[] = [];
  const index2 = new Map<string, number>();
  articles.forEach((article, label) => {
    order.push(article.id);
    index2.set(article.id, label);
  });
  if (cached?.model) return { index, articles: byId, model: cached.model, order, index2 };
  const started = performance.now();
  const model = yield* IntentModel.learn(trainingExamples(articles), articles.length, analyzer);
  return {
    index,
    articles: byId,
    model,
    order,
    index2,
    ...(cached ? { trainedKey: cached.key, trainMs: performance.now() - started } : {}),
  };
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

/** Indices of the `n` largest values, largest first. */
function topIndices(values: Float64Array, n: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length === n && values[i]! <= values[top[n - 1]!]!) continue;
    let at = top.length === n ? n - 1 : top.length;
    while (at > 0 && values[top[at - 1]!]! < values[i]!) at--;
    top.splice(at, 0, i);
    if (top.length > n) top.pop();
  }
  return top;
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
