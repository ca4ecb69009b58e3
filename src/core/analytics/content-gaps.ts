/**
 * Content gaps: the questions the knowledge base did not serve (no answer, a "not helpful", or
 * "did you mean" suggestions nobody picked), grouped by similarity and ranked by how often they
 * come up, so editors know which article to write or fix next.
 *
 * Pure computation: the rows come from a GapSource (PrismaGapSource in the store), the result is
 * data (GapReport) and a short markdown rendering for chat (formatGapReport).
 *
 * Clustering: each question becomes a TF-IDF vector over TextAnalyzer.analyze() terms (stemmed,
 * synonyms expanded, so "can't print" and "printer won't print" share "print"); binary term
 * frequency, smoothed IDF over the period's gap questions, words found in one question only at
 * half weight. Questions with the same terms form one group. Groups, most frequent first, are
 * clustered by greedy leader clustering (cosine similarity to each cluster's first group >=
 * threshold, else a new cluster), then one pass moves each group to the cluster centre it is
 * most similar to. An inverted index (term -> clusters) limits comparisons to clusters sharing a
 * term: 10k questions take under a second.
 */
import { TextAnalyzer } from '../answering/text-analyzer.js';
import { cutText } from '../conversation/user-text.js';

/** Why a question counts as a gap. */
export type GapReason = 'no_answer' | 'not_helpful' | 'suggestion_not_picked';

export const gapReasons: readonly GapReason[] = ['no_answer', 'not_helpful', 'suggestion_not_picked'];

/** A logged question with what is needed to decide whether it is a gap. */
export interface LoggedQuestion {
  id: string;
  text: string;
  userId: string;
  channel: string;
  createdAt: Date;
  /** answered | suggested | no_answer | chosen (a suggestion the employee picked). */
  outcome: string;
  /** The article answered or picked; for "suggested", the first one offered. */
  articleId: string | null;
  /** Its title when known (from the logged explanation). */
  articleTitle?: string | null;
  /** "Helpful" / "Not helpful" votes, one per user. */
  votes: ReadonlyArray<{ userId: string; helpful: boolean }>;
  /** A "suggested" outcome can start a guided walkthrough instead of offering articles. */
  startedScript?: boolean;
}

/** A question that counts as a gap, and why. */
export interface GapQuestion extends LoggedQuestion {
  reason: GapReason;
}

/** The questions of a period, for building a report. */
export interface GapPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** Where the logged questions come from. Implementations: PrismaGapSource. */
export interface GapSource {
  /**
   * The questions created in [from, to) that may be gaps (no_answer, suggested, or with a
   * "not helpful" vote; others may be included and are filtered out), and how many were asked in all.
   */
  questions(period: GapPeriod): Promise<{ asked: number; questions: LoggedQuestion[] }>;
}

export interface ArticleCount {
  articleId: string;
  title: string | null;
  count: number;
}

/** One group of similar gap questions. */
export interface GapCluster {
  /** 1 = the most frequent. */
  rank: number;
  /** Number of questions. */
  size: number;
  /** Distinct people who asked. */
  users: number;
  /** The most representative phrasing (closest to the cluster's centre). */
  label: string;
  /** The words that characterise the cluster, most weighty first (as people wrote them). */
  terms: string[];
  /** Up to `examples` distinct phrasings, most central first (the label is the first). */
  examples: string[];
  firstSeen: Date;
  lastSeen: Date;
  reasons: Record<GapReason, number>;
  /** Articles that were shown and voted "not helpful", most often first. */
  notHelpfulArticles: ArticleCount[];
  /** Articles offered first ("did you mean") that were not picked, most often first. */
  offeredArticles: ArticleCount[];
  questionIds: string[];
}

export interface GapReport {
  from: Date;
  to: Date;
  /** Questions asked in the period. */
  asked: number;
  /** Gap questions in the period. */
  gaps: number;
  reasons: Record<GapReason, number>;
  /** All clusters, ranked (callers show the top N). */
  clusters: GapCluster[];
  threshold: number;
}

export interface ClusterOptions {
  /** Cosine similarity to a cluster's centre needed to join it (0-1). */
  threshold?: number;
  /** Example phrasings kept per cluster. */
  examples?: number;
  /** Terms kept per cluster. */
  terms?: number;
  analyzer?: TextAnalyzer;
}

/**
 * Chosen on two sets of labelled realistic phrasings (test/analytics/content-gaps-threshold.test.ts,
 * 95 questions: 18 topics and 15 one-offs). Pairwise F1 is at its best (0.89 and 0.84) for any
 * threshold from 0.05 up to 0.2, then falls (0.82 / 0.84 at 0.25, 0.61 / 0.79 at 0.3) as
 * rephrasings that share only the topic word ("plotter offline") split off. The highest value
 * of that plateau is kept: on longer, noisier real questions a lower one merges more topics
 * that share a single common word.
 */
export const DEFAULT_GAP_THRESHOLD = 0.2;

/** Weight of a term found in only one gap question, relative to its IDF (tuned with the threshold). */
const UNSHARED_TERM_WEIGHT = 0.5;

/** Terms that survive the analyzer but say nothing about the topic of a question. */
const NOT_A_TOPIC = new Set([
  'not',
  'no',
  'anymor',
  'idea',
  'have',
  'issu',
  'problem',
  'ask',
  'find',
  'wonder',
  'anyon',
  'sure',
  'right',
  'correct',
  'somehow',
  'ani',
  'know',
  'tell',
  'see',
  'sai',
  'show',
  'let',
  'will',
  'seem',
  'mean',
  'come',
  'happen',
]);

const DAY_MS = 24 * 60 * 60 * 1000;

/** The last `days` days up to `now`. */
export function lastDays(days: number, now: Date = new Date()): GapPeriod {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/**
 * Why a question is a gap, or null when it is not:
 * - no_answer: the bot had nothing to offer;
 * - not_helpful: someone voted "not helpful" and the asker did not vote "helpful" (one vote per
 *   user per question, the last one wins, so the asker's own view settles it);
 * - suggestion_not_picked: "did you mean" articles were offered and none was picked (a picked one
 *   turns the outcome into "chosen"); "None of these" and silence are not told apart by the log.
 *   A suggestion that started a guided walkthrough instead is not a gap.
 */
export function gapReason(question: LoggedQuestion): GapReason | null {
  if (question.outcome === 'no_answer') return 'no_answer';
  const notHelpful = question.votes.some((vote) => !vote.helpful);
  const askerHelpful = question.votes.some((vote) => vote.helpful && vote.userId === question.userId);
  if (notHelpful && !askerHelpful) return 'not_helpful';
  if (question.outcome === 'suggested' && !question.startedScript) return 'suggestion_not_picked';
  return null;
}

/** The gap questions among logged ones. */
export function selectGaps(questions: readonly LoggedQuestion[]): GapQuestion[] {
  const out: GapQuestion[] = [];
  for (const question of questions) {
    const reason = gapReason(question);
    if (reason) out.push({ ...question, reason });
  }
  return out;
}

/** Reads the period's questions from the source and builds the report. */
export async function contentGapReport(
  source: GapSource,
  period: GapPeriod,
  options: ClusterOptions = {},
): Promise<GapReport> {
  const { asked, questions } = await source.questions(period);
  return buildGapReport(period, asked, questions, options);
}

/** Classifies and clusters the period's questions. */
export function buildGapReport(
  period: GapPeriod,
  asked: number,
  questions: readonly LoggedQuestion[],
  options: ClusterOptions = {},
): GapReport {
  const inPeriod = questions.filter((q) => q.createdAt >= period.from && q.createdAt < period.to);
  const gaps = selectGaps(inPeriod);
  return {
    from: period.from,
    to: period.to,
    asked,
    gaps: gaps.length,
    reasons: countReasons(gaps),
    clusters: clusterGaps(gaps, options),
    threshold: options.threshold ?? DEFAULT_GAP_THRESHOLD,
  };
}

type Vector = Map<string, number>;

/** Questions with exactly the same terms (or, without terms, the same words). */
interface Group {
  key: string;
  terms: string[];
  questions: GapQuestion[];
  vector: Vector;
  norm: number;
}

interface Building {
  groups: Group[];
  sum: Vector;
  norm: number;
}

/** Groups similar gap questions and ranks the groups. Deterministic for the same input. */
export function clusterGaps(gaps: readonly GapQuestion[], options: ClusterOptions = {}): GapCluster[] {
  const threshold = options.threshold ?? DEFAULT_GAP_THRESHOLD;
  const analyzer = options.analyzer ?? new TextAnalyzer();
  const sorted = [...gaps].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id));

  // 1. Terms per question; identical term sets form one group.
  const groupsByKey = new Map<string, Group>();
  for (const question of sorted) {
    const terms = [...new Set(analyzer.analyze(question.text).filter((t) => !NOT_A_TOPIC.has(t)))].sort(compare);
    const key = terms.length > 0 ? `t:${terms.join(' ')}` : `w:${plainWords(question.text)}`;
    let group = groupsByKey.get(key);
    if (!group) {
      group = { key, terms, questions: [], vector: new Map(), norm: 0 };
      groupsByKey.set(key, group);
    }
    group.questions.push(question);
  }

  // 2. Smoothed IDF over the gap questions; binary TF; unit vectors.
  const df = new Map<string, number>();
  for (const group of groupsByKey.values()) {
    for (const term of group.terms) df.set(term, (df.get(term) ?? 0) + group.questions.length);
  }
  const n = sorted.length;
  for (const group of groupsByKey.values()) {
    let sq = 0;
    for (const term of group.terms) {
      const count = df.get(term)!;
      // A word in one question only links it to nothing; at full IDF (the highest) it would
      // outweigh the topic words that questions share.
      const w = (Math.log((1 + n) / (1 + count)) + 1) * (count < 2 ? UNSHARED_TERM_WEIGHT : 1);
      group.vector.set(term, w);
      sq += w * w;
    }
    group.norm = Math.sqrt(sq);
    if (group.norm > 0) for (const [term, w] of group.vector) group.vector.set(term, w / group.norm);
  }

  // 3. Greedy clustering, most frequent groups first: they make the best seeds.
  const order = [...groupsByKey.values()].sort(
    (a, b) =>
      b.questions.length - a.questions.length ||
      b.terms.length - a.terms.length ||
      a.questions[0]!.createdAt.getTime() - b.questions[0]!.createdAt.getTime() ||
      compare(a.key, b.key),
  );
  const clusters = refineClusters(order, leaderClusters(order, threshold), threshold);

  const built = clusters.map((c) => describe(c, analyzer, options));
  built.sort(
    (a, b) =>
      b.size - a.size ||
      b.users - a.users ||
      b.lastSeen.getTime() - a.lastSeen.getTime() ||
      compare(a.label, b.label) ||
      compare(a.questionIds[0]!, b.questionIds[0]!),
  );
  return built.map((cluster, i) => ({ ...cluster, rank: i + 1 }));
}

/**
 * Greedy leader clustering: each group joins the cluster whose leader (first group) it is most
 * similar to, if at least `threshold`, else leads a new cluster. Comparing with leaders rather
 * than running centres keeps a big cluster from drifting towards generic words.
 */
function leaderClusters(order: readonly Group[], threshold: number): Building[] {
  const clusters: Building[] = [];
  const index = new Map<string, number[]>();
  const scores = new Map<number, number>();
  for (const group of order) {
    scores.clear();
    for (const [term, w] of group.vector) {
      for (const id of index.get(term) ?? [])
        scores.set(id, (scores.get(id) ?? 0) + w * clusters[id]!.groups[0]!.vector.get(term)!);
    }
    let target = bestCluster(scores, threshold);
    if (target < 0) {
      target = clusters.length;
      clusters.push({ groups: [], sum: new Map(), norm: 0 });
      for (const term of group.vector.keys()) {
        const list = index.get(term) ?? [];
        list.push(target);
        index.set(term, list);
      }
    }
    add(clusters[target]!, group);
  }
  for (const cluster of clusters) cluster.norm = vectorNorm(cluster.sum);
  return clusters;
}

/**
 * One refinement pass: each group moves to the cluster centre it is most similar to (centres
 * fixed from the first pass, so the order does not matter), or stays if none is close enough.
 */
function refineClusters(order: readonly Group[], previous: readonly Building[], threshold: number): Building[] {
  const index = new Map<string, number[]>();
  const home = new Map<Group, number>();
  previous.forEach((cluster, id) => {
    for (const term of cluster.sum.keys()) {
      const list = index.get(term) ?? [];
      list.push(id);
      index.set(term, list);
    }
    for (const group of cluster.groups) home.set(group, id);
  });
  const clusters: Building[] = previous.map(() => ({ groups: [], sum: new Map(), norm: 0 }));
  const scores = new Map<number, number>();
  for (const group of order) {
    scores.clear();
    for (const [term, w] of group.vector) {
      for (const id of index.get(term) ?? []) {
        const centre = previous[id]!;
        scores.set(id, (scores.get(id) ?? 0) + (w * centre.sum.get(term)!) / centre.norm);
      }
    }
    const target = bestCluster(scores, threshold);
    add(clusters[target >= 0 ? target : home.get(group)!]!, group);
  }
  for (const cluster of clusters) cluster.norm = vectorNorm(cluster.sum);
  return clusters.filter((cluster) => cluster.groups.length > 0);
}

/** The cluster with the highest score at or above the threshold (lowest id on ties), or -1. */
function bestCluster(scores: ReadonlyMap<number, number>, threshold: number): number {
  let found = -1;
  let top = threshold - 1e-9;
  for (const [id, score] of scores) {
    if (score > top + 1e-12 || (found >= 0 && Math.abs(score - top) <= 1e-12 && id < found)) {
      found = id;
      top = Math.max(top, score);
    }
  }
  return found;
}

function add(cluster: Building, group: Group): void {
  cluster.groups.push(group);
  const weight = group.questions.length;
  for (const [term, w] of group.vector) cluster.sum.set(term, (cluster.sum.get(term) ?? 0) + w * weight);
}

function describe(cluster: Building, analyzer: TextAnalyzer, options: ClusterOptions): Omit<GapCluster, 'rank'> {
  const maxExamples = options.examples ?? 3;
  const maxTerms = options.terms ?? 5;
  const questions = cluster.groups.flatMap((g) => g.questions);
  // Centrality of each group: cosine with the cluster's centre.
  const centrality = new Map<Group, number>();
  for (const group of cluster.groups) {
    let dot = 0;
    for (const [term, w] of group.vector) dot += w * (cluster.sum.get(term) ?? 0);
    centrality.set(group, cluster.norm > 0 ? dot / cluster.norm : 0);
  }
  // Distinct phrasings, most central first, then most frequent, then earliest.
  const phrasings = new Map<string, { text: string; centrality: number; count: number; first: number }>();
  for (const group of cluster.groups) {
    for (const question of group.questions) {
      const key = plainWords(question.text) || question.text.trim();
      const existing = phrasings.get(key);
      if (existing) existing.count++;
      else
        phrasings.set(key, {
          text: oneLine(question.text),
          centrality: centrality.get(group)!,
          count: 1,
          first: question.createdAt.getTime(),
        });
    }
  }
  const ranked = [...phrasings.values()].sort(
    (a, b) => b.centrality - a.centrality || b.count - a.count || a.first - b.first || compare(a.text, b.text),
  );
  const topTerms = [...cluster.sum.entries()]
    .sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))
    .slice(0, maxTerms)
    .map(([term]) => term);

  const reasons = countReasons(questions);
  const times = questions.map((q) => q.createdAt.getTime());
  return {
    size: questions.length,
    users: new Set(questions.map((q) => q.userId)).size,
    label: ranked[0]?.text ?? '',
    terms: surfaceWords(topTerms, questions, analyzer),
    examples: ranked.slice(0, maxExamples).map((p) => p.text),
    firstSeen: new Date(Math.min(...times)),
    lastSeen: new Date(Math.max(...times)),
    reasons,
    notHelpfulArticles: countArticles(questions.filter((q) => q.reason === 'not_helpful')),
    offeredArticles: countArticles(questions.filter((q) => q.reason === 'suggestion_not_picked')),
    questionIds: [...questions]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id))
      .map((q) => q.id),
  };
}

/** Stems ("batteri") back to the word people most often wrote for them ("battery"). */
function surfaceWords(terms: readonly string[], questions: readonly GapQuestion[], analyzer: TextAnalyzer): string[] {
  const wanted = new Set(terms);
  const counts = new Map<string, Map<string, number>>();
  for (const question of questions) {
    for (const token of analyzer.tokenize(question.text)) {
      for (const term of analyzer.terms(token)) {
        if (!wanted.has(term)) continue;
        const byWord = counts.get(term) ?? new Map<string, number>();
        byWord.set(token, (byWord.get(token) ?? 0) + 1);
        counts.set(term, byWord);
      }
    }
  }
  const out: string[] = [];
  for (const term of terms) {
    const byWord = counts.get(term);
    const word = byWord
      ? [...byWord.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || compare(a[0], b[0]))[0]![0]
      : term;
    if (!out.includes(word)) out.push(word);
  }
  return out;
}

function countReasons(questions: readonly GapQuestion[]): Record<GapReason, number> {
  const out: Record<GapReason, number> = { no_answer: 0, not_helpful: 0, suggestion_not_picked: 0 };
  for (const question of questions) out[question.reason]++;
  return out;
}

function countArticles(questions: readonly GapQuestion[]): ArticleCount[] {
  const counts = new Map<string, ArticleCount>();
  for (const question of questions) {
    if (!question.articleId) continue;
    const entry = counts.get(question.articleId) ?? { articleId: question.articleId, title: null, count: 0 };
    entry.count++;
    entry.title ??= question.articleTitle ?? null;
    counts.set(question.articleId, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || compare(a.articleId, b.articleId));
}

function vectorNorm(vector: Vector): number {
  let sq = 0;
  for (const w of vector.values()) sq += w * w;
  return Math.sqrt(sq);
}

/** Lowercase words only: how two phrasings are told apart ("Plotter offline?" = "plotter offline"). */
function plainWords(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const REASON_WORDS: Record<GapReason, string> = {
  no_answer: 'no answer',
  not_helpful: 'not helpful',
  suggestion_not_picked: 'suggestions not picked',
};

export interface FormatOptions {
  /** Clusters shown. */
  limit?: number;
  /** Example phrasings shown per cluster. */
  examples?: number;
  /** Longest phrasing shown, in characters. */
  maxChars?: number;
  /** Added after the list when clusters were left out, e.g. "Run `npm run report:gaps` for all." */
  moreHint?: string;
}

/** A short markdown summary for chat: the top clusters with counts and example phrasings. */
export function formatGapReport(report: GapReport, options: FormatOptions = {}): string {
  const limit = options.limit ?? 5;
  const maxExamples = options.examples ?? 3;
  const maxChars = options.maxChars ?? 120;
  const period = `${day(report.from)} to ${day(new Date(report.to.getTime() - 1))}`;
  if (report.gaps === 0)
    return `**Content gaps, ${period}**: none. Every one of the ${report.asked} question(s) got an answer nobody marked "not helpful".`;
  const reasons = gapReasons
    .filter((r) => report.reasons[r] > 0)
    .map((r) => `${report.reasons[r]} ${REASON_WORDS[r]}`)
    .join(', ');
  const lines = [
    `**Content gaps, ${period}**: ${report.gaps} of ${report.asked} question(s) went unserved (${reasons}), in ${report.clusters.length} topic(s).`,
  ];
  const shown = report.clusters.slice(0, limit);
  shown.forEach((cluster, i) => {
    const detail = gapReasons
      .filter((r) => cluster.reasons[r] > 0)
      .map((r) => {
        const articles =
          r === 'not_helpful'
            ? cluster.notHelpfulArticles
            : r === 'suggestion_not_picked'
              ? cluster.offeredArticles
              : [];
        const names = articles
          .slice(0, 2)
          .map((a) => `\`${a.articleId}\``)
          .join(', ');
        return `${cluster.reasons[r]} ${REASON_WORDS[r]}${names ? ` on ${names}` : ''}`;
      })
      .join('; ');
    lines.push(
      `${i + 1}. **${quote(cluster.label, maxChars)}**: ${cluster.size} question(s) from ${cluster.users} ${cluster.users === 1 ? 'person' : 'people'} (${detail})`,
    );
    for (const example of cluster.examples.slice(1, maxExamples)) lines.push(`   - ${quote(example, maxChars)}`);
  });
  const rest = report.clusters.length - shown.length;
  if (rest > 0) lines.push(`…and ${rest} more topic(s).${options.moreHint ? ` ${options.moreHint}` : ''}`);
  return lines.join('\n');
}

/** User text made safe for chat markdown: one line, no formatting characters, clipped, quoted. */
function quote(text: string, maxChars: number): string {
  let safe = oneLine(
    text
      .replace(/[*`~_|<>]/g, ' ')
      .replace(/\[/g, '(')
      .replace(/\]/g, ')'),
  );
  if (safe.length > maxChars) safe = `${cutText(safe, maxChars - 1).trimEnd()}…`;
  return `"${safe}"`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
