import { plainText } from '../answering/answer-engine.js';
import { IntentModel, defaultIntentModelSettings, type SparseVector } from '../answering/intent-model.js';
import { learnOrLoad, type ModelCacheOptions } from '../answering/model-cache.js';
import { TextAnalyzer } from '../answering/text-analyzer.js';
import { runSteps, runStepsPaced, type Pacing, type Steps } from '../answering/time-slicing.js';
import type { Article } from '../knowledge/article.js';
import type { LanguageCode } from '../language/languages.js';
import { messagesFor, type MessageKey, type Say } from '../messages/catalogue.js';
import { priorities, tiers, type Priority, type Tier } from '../tickets/ticket.js';
import { defaultTriagePolicy, SeverityMatcher, type TriagePolicy } from './triage-policy.js';

type SignalMatch = ReturnType<SeverityMatcher['match']>[number];

/** What triage reads of a new ticket. */
export interface TriageText {
  subject: string;
  description: string;
  question?: string | null;
}

/** A resolved or closed ticket as triage learns from it: its text and the category, priority and tier it ended with (after engineers' corrections). */
export interface SettledTicket {
  key: string;
  subject: string;
  description: string;
  question: string | null;
  category: string;
  priority: Priority;
  tier: Tier;
}

/** One predicted field: its value, how sure (0-1), and why, in words an engineer reads on the card. */
export interface FieldGuess<T> {
  value: T;
  confidence: number;
  reasons: string[];
  /** At or above the policy's threshold for the field: the prediction may be used. */
  sure: boolean;
}

type Guess<T> = Omit<FieldGuess<T>, 'sure'>;

/** What triage predicts for a new ticket. */
export interface TriagePrediction {
  category: FieldGuess<string>;
  priority: FieldGuess<Priority> & {
    /** The severity signal that decided it may raise the requester's own choice (see SeveritySignal.overridesChoice). */
    overridesChoice: boolean;
  };
  /** Null when nothing points at a tier: the ticket keeps its default. */
  tier: FieldGuess<Tier> | null;
}

/** The category when nothing fits: the form's catch-all and today's default. */
export const FALLBACK_CATEGORY = 'general';
/** Only the start of a long description is read: the problem is stated there, and the cost stays bounded. */
const MAX_TEXT = 4_000;
/** Settled tickets a prediction looks at for tier and priority. */
const NEIGHBOURS = 5;
/** A settled ticket counts as a neighbour from this similarity (cosine of TF-IDF vectors) up. */
const NEIGHBOUR_SIMILARITY = 0.3;
/** An article's `escalate_to` is taken when the ticket reads like it at least this much. */
const ARTICLE_SIMILARITY = 0.2;
/** Similar settled tickets decide a priority or tier when at least this many agree, with this share of the similarity. */
const AGREEING = { count: 2, share: 0.6 };
/** How sure a severity signal makes the priority: P1 and P2 signals are about impact and seldom wrong; P3 and P4 ones are weaker hints. */
const SIGNAL_CONFIDENCE = { strong: 0.9, weak: 0.6 };
/** How sure a policy's category (a security incident goes to security) is. */
const POLICY_CATEGORY_CONFIDENCE = 0.9;
/** Copies of each settled ticket in the training set: an engineer's final say on a real ticket outweighs one phrasing of an article. */
const TICKET_WEIGHT = 2;
/** The category model is the answer engine's softmax alone (no ranking model or network): categories have many examples each, but few enough to train in well under a second. */
const MODEL_SETTINGS = {
  ...defaultIntentModelSettings,
  rankingFrom: Number.MAX_SAFE_INTEGER,
  rankingFull: Number.MAX_SAFE_INTEGER,
};

interface Example {
  /** 'article' phrasings or a settled ticket. */
  source: { kind: 'article'; article: Article } | { kind: 'ticket'; ticket: SettledTicket };
  vector: SparseVector;
}

/** What predictions look things up in besides the model: every article's and ticket's vector, and the terms of each category. */
interface TriageIndex {
  examples: readonly Example[];
  /** Per category, how often each analysed term appears in its examples (for the reasons). */
  termCounts: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** One more than the largest feature index of any example. */
  dimensions: number;
}

/**
 * Predicts a new ticket's category, priority and tier from its text. The category comes from a
 * classifier (the answer engine's IntentModel, over the same TextAnalyzer features) trained on
 * the knowledge base's articles, each labelled with its folder's category, and on settled
 * tickets with the category engineers left them in; the tier from the nearest article's
 * `escalate_to` and the tiers similar settled tickets ended at; the priority from the policy's
 * severity signals and, when there are any, the priorities of similar settled tickets.
 */
export class TriageModel {
  /** The index once built; until then `indexing` builds it, giving the event loop turns (see build's `indexInBackground`). */
  private index: TriageIndex | null = null;
  /** What building the index threw (a bug, not a condition): predictions throw it, and the ticket service opens tickets without triage. */
  private failed: unknown = undefined;
  /** Resolves when the index is built. */
  readonly indexed: Promise<void>;

  private constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly model: IntentModel,
    private readonly categories: readonly string[],
    private readonly indexing: Steps<TriageIndex>,
    private readonly matcher: SeverityMatcher,
    /** How many settled tickets it learnt from. */
    readonly ticketsLearnt: number,
    /** Stops the index's build (the service stopping): predictions then throw its reason. */
    signal?: AbortSignal,
  ) {
    // From the event loop's next turn (build returns first); a prediction asked for meanwhile
    // finishes these same steps at once (see built), not anew.
    this.indexed = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => runStepsPaced(indexing, { signal }))
      .then(
        (index) => {
          this.index ??= index;
        },
        (error: unknown) => {
          this.failed = error;
        },
      );
  }

  get policy(): TriagePolicy {
    return this.matcher.policy;
  }

  /** Trains on the articles and settled tickets, giving the event loop turns (a reload keeps serving meanwhile). */
  static async build(
    articles: readonly Article[],
    settled: readonly SettledTicket[] = [],
    policy: TriagePolicy = defaultTriagePolicy,
    analyzer: TextAnalyzer = new TextAnalyzer(),
    /**
     * Where its category model is kept between starts (see model-cache.ts): CLINC150's size trains it for about 3 s.
     * `indexInBackground`: return once the model is trained or read, and build the index that predictions also read
     * (every article's vector and each category's terms: about 0.5 s of CPU at CLINC150's size) giving the event loop
     * turns, so that a start is ready sooner; a prediction asked for meanwhile finishes it first. `signal` stops the
     * training and the index at their next turn.
     */
    cache: ModelCacheOptions & Pick<Pacing, 'signal'> & { indexInBackground?: boolean } = {},
  ): Promise<TriageModel> {
    // Topics the bot does not handle (Article.outside) are no category a ticket of ours goes to.
    articles = articles.filter((article) => !article.outside);
    const categories = [
      ...new Set([...articles.map((a) => a.category), ...settled.map((t) => t.category), FALLBACK_CATEGORY]),
    ].sort();
    const label = new Map(categories.map((c, i) => [c, i]));
    const training: Array<{ text: string; label: number }> = [];
    for (const article of articles) {
      const l = label.get(article.category)!;
      for (const text of [
        article.title,
        ...article.questions,
        article.tags.join(' '),
        plainText(article.answer).slice(0, 300),
      ])
        training.push({ text, label: l });
    }
    for (const ticket of settled) {
      for (let i = 0; i < TICKET_WEIGHT; i++)
        training.push({ text: ticketText(ticket), label: label.get(ticket.category)! });
    }
    const model = await learnOrLoad(categories, training, analyzer, MODEL_SETTINGS, { modelKind: 'triage', ...cache });
    const triage = new TriageModel(
      analyzer,
      model,
      categories,
      TriageModel.indexSteps(analyzer, model, categories, articles, settled, training),
      new SeverityMatcher(policy, analyzer),
      settled.length,
      cache.signal,
    );
    if (!cache.indexInBackground) await triage.indexed;
    return triage;
  }

  /**
   * The index: vectors and term counts for every article and ticket. Seconds at thousands of
   * articles, so it yields now and then, as the training does (requests keep being answered).
   */
  private static *indexSteps(
    analyzer: TextAnalyzer,
    model: IntentModel,
    categories: readonly string[],
    articles: readonly Article[],
    settled: readonly SettledTicket[],
    training: ReadonlyArray<{ text: string; label: number }>,
  ): Steps<TriageIndex> {
    const examples: Example[] = [];
    for (const article of articles) {
      examples.push({
        source: { kind: 'article', article },
        vector: model.vector([article.title, ...article.questions].join('\n')),
      });
      yield;
    }
    for (const ticket of settled) {
      examples.push({ source: { kind: 'ticket', ticket }, vector: model.vector(ticketText(ticket)) });
      yield;
    }
    const termCounts = new Map<string, Map<string, number>>();
    for (const example of training) {
      const category = categories[example.label]!;
      const counts = termCounts.get(category) ?? new Map<string, number>();
      termCounts.set(category, counts);
      for (const term of analyzer.analyze(example.text.slice(0, MAX_TEXT)))
        counts.set(term, (counts.get(term) ?? 0) + 1);
      yield;
    }
    let dimensions = 0;
    for (const { vector } of examples) for (const i of vector.idx) if (i >= dimensions) dimensions = i + 1;
    return { examples, termCounts, dimensions };
  }

  /** The index, finished now if it is still being built in the background. */
  private built(): TriageIndex {
    if (this.failed !== undefined) throw this.failed;
    this.index ??= runSteps(this.indexing);
    return this.index;
  }

  /** `language`: the engineers' (the deployment's), which the reasons are worded in; English when not given. */
  predict(input: TriageText, language: LanguageCode = 'en'): TriagePrediction {
    const say = messagesFor(language);
    const text = triageText(input);
    const vector = this.model.vector(text);
    const query = this.dense(vector);
    const matches = this.matcher.match(text);
    const category = this.predictCategory(text, vector, query, matches, say);
    const neighbours = this.neighbours(query);
    const priority = this.predictPriority(matches, neighbours, say);
    const tier = this.predictTier(query, category.value, neighbours, say);
    const { thresholds } = this.matcher.policy;
    return {
      category: { ...category, sure: category.confidence >= thresholds.category },
      priority: { ...priority, sure: priority.confidence >= thresholds.priority },
      tier: tier && { ...tier, sure: tier.confidence >= thresholds.tier },
    };
  }

  private predictCategory(
    text: string,
    vector: SparseVector,
    query: Float32Array,
    matches: SignalMatch[],
    say: Say,
  ): Guess<string> {
    // Policy first: a signal that names a category (security incidents) decides it.
    const policy = matches.find((m) => m.signal.category !== undefined);
    if (policy)
      return {
        value: policy.signal.category!,
        confidence: POLICY_CATEGORY_CONFIDENCE,
        reasons: [
          say('eng.triage.signalCategory', {
            signal: signalName(policy.signal.name, say),
            category: policy.signal.category!,
            phrases: quoted(policy.phrases),
          }),
        ],
      };
    const probabilities = this.model.trained && vector.idx.length > 0 ? this.model.assess(vector).probabilities : null;
    if (!probabilities) return { value: FALLBACK_CATEGORY, confidence: 0, reasons: [say('eng.triage.noWords')] };
    let best = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k]! > probabilities[best]!) best = k;
    const value = this.categories[best]!;
    const reasons: string[] = [];
    const words = this.telling(text, value);
    if (words.length > 0) reasons.push(say('eng.triage.words', { words: words.join(', ') }));
    const nearest = this.nearest(query, (example) => categoryOf(example) === value);
    if (nearest) reasons.push(describe(nearest.example, nearest.similarity, say));
    return { value, confidence: round(probabilities[best]!), reasons };
  }

  private predictPriority(
    matches: SignalMatch[],
    neighbours: ReadonlyArray<{ ticket: SettledTicket; similarity: number }>,
    say: Say,
  ): Guess<Priority> & { overridesChoice: boolean } {
    const signal = matches[0];
    const learnt = vote(neighbours.map((n) => ({ value: n.ticket.priority, weight: n.similarity })));
    const fromSignal = signal
      ? {
          value: signal.signal.priority,
          reasons: [
            say('eng.triage.signal', { signal: signalName(signal.signal.name, say), phrases: quoted(signal.phrases) }),
          ],
        }
      : null;
    // Similar settled tickets (at least two, mostly agreeing) decide over no signal or a weak one
    // (P3, P4: engineers' corrections teach it); a strong one (P1, P2) stands unless they were more urgent.
    const strong = fromSignal !== null && priorities.indexOf(fromSignal.value) <= 1;
    if (
      learnt &&
      learnt.count >= AGREEING.count &&
      learnt.share >= AGREEING.share &&
      (!strong || priorities.indexOf(learnt.value) < priorities.indexOf(fromSignal.value))
    ) {
      return {
        value: learnt.value,
        confidence: round(learnt.share * SIGNAL_CONFIDENCE.strong),
        reasons: [
          say('eng.triage.similarWere', { count: learnt.count, priority: learnt.value }),
          ...(fromSignal?.reasons ?? []),
        ],
        overridesChoice: false,
      };
    }
    if (!fromSignal)
      return {
        value: 'P3',
        confidence: 0,
        reasons: [say('eng.triage.noUrgency')],
        overridesChoice: false,
      };
    const confidence = strong ? SIGNAL_CONFIDENCE.strong : SIGNAL_CONFIDENCE.weak;
    return {
      value: fromSignal.value,
      confidence,
      reasons: fromSignal.reasons,
      overridesChoice: signal!.signal.overridesChoice === true,
    };
  }

  private predictTier(
    query: Float32Array,
    category: string,
    neighbours: ReadonlyArray<{ ticket: SettledTicket; similarity: number }>,
    say: Say,
  ): Guess<Tier> | null {
    const learnt = vote(neighbours.map((n) => ({ value: n.ticket.tier, weight: n.similarity })));
    if (learnt && learnt.count >= AGREEING.count && learnt.share >= AGREEING.share) {
      return {
        value: learnt.value,
        confidence: round(learnt.share * SIGNAL_CONFIDENCE.strong),
        reasons: [say('eng.triage.similarEnded', { count: learnt.count, tier: learnt.value })],
      };
    }
    const nearest = this.nearest(
      query,
      (example) => example.source.kind === 'article' && example.source.article.category === category,
    );
    const article = nearest?.example.source.kind === 'article' ? nearest.example.source.article : undefined;
    if (!article?.escalateTo || nearest!.similarity < ARTICLE_SIMILARITY) return null;
    const tier = article.escalateTo as Tier;
    if (!tiers.includes(tier)) return null;
    return {
      value: tier,
      confidence: round(Math.min(1, nearest!.similarity * 2)),
      reasons: [say('eng.triage.articleTier', { title: article.title, tier })],
    };
  }

  /** The text's vector laid out densely, so that its similarity to each example costs one pass over the example. */
  private dense(vector: SparseVector): Float32Array {
    const { dimensions } = this.built();
    const query = new Float32Array(dimensions);
    for (let i = 0; i < vector.idx.length; i++) if (vector.idx[i]! < dimensions) query[vector.idx[i]!] = vector.val[i]!;
    return query;
  }

  /** The terms of the text that say most for the category: frequent in its examples, rare in the others'. */
  private telling(text: string, category: string): string[] {
    const { termCounts } = this.built();
    const own = termCounts.get(category);
    if (!own) return [];
    const scored: Array<[string, number]> = [];
    for (const term of this.analyzer.analyze(text)) {
      const inCategory = own.get(term) ?? 0;
      if (inCategory === 0) continue;
      let elsewhere = 0;
      for (const [other, counts] of termCounts) if (other !== category) elsewhere += counts.get(term) ?? 0;
      scored.push([term, Math.log((inCategory + 0.5) / (elsewhere + 0.5))]);
    }
    return scored
      .filter(([, score]) => score > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([term]) => term);
  }

  private nearest(
    query: Float32Array,
    accept: (example: Example) => boolean,
  ): { example: Example; similarity: number } | null {
    let best: { example: Example; similarity: number } | null = null;
    for (const example of this.built().examples) {
      if (!accept(example)) continue;
      const similarity = dot(query, example.vector);
      if (similarity > 0 && (!best || similarity > best.similarity)) best = { example, similarity };
    }
    return best;
  }

  private neighbours(query: Float32Array): Array<{ ticket: SettledTicket; similarity: number }> {
    const found: Array<{ ticket: SettledTicket; similarity: number }> = [];
    for (const example of this.built().examples) {
      if (example.source.kind !== 'ticket') continue;
      const similarity = dot(query, example.vector);
      if (similarity >= NEIGHBOUR_SIMILARITY) found.push({ ticket: example.source.ticket, similarity });
    }
    return found.sort((a, b) => b.similarity - a.similarity).slice(0, NEIGHBOURS);
  }
}

/** The text triage reads: subject, the question when it says more, and the start of the description. */
export function triageText(input: TriageText): string {
  const parts = [
    input.subject,
    input.question && input.question !== input.subject ? input.question : '',
    input.description,
  ];
  return parts.filter(Boolean).join('\n').slice(0, MAX_TEXT);
}

function ticketText(ticket: SettledTicket): string {
  return triageText(ticket);
}

function categoryOf(example: Example): string {
  return example.source.kind === 'article' ? example.source.article.category : example.source.ticket.category;
}

function describe(example: Example, similarity: number, say: Say): string {
  const how = similarity.toFixed(2);
  return example.source.kind === 'article'
    ? say('eng.triage.readsLikeArticle', { title: example.source.article.title, similarity: how })
    : say('eng.triage.readsLikeTicket', { key: example.source.ticket.key, similarity: how });
}

/** The words a signal matched, as the reasons quote them: "whole office" + "can't connect". */
function quoted(phrases: readonly string[]): string {
  return `"${phrases.join('" + "')}"`;
}

/** The shipped signals' names have texts in every language; a policy file's own names are its author's words. */
const SIGNAL_NAMES: Readonly<Record<string, MessageKey>> = {
  'security incident': 'eng.triage.signal.securityIncident',
  'sensitive data exposed': 'eng.triage.signal.dataExposed',
  'nobody can work': 'eng.triage.signal.nobodyCanWork',
  'widespread outage': 'eng.triage.signal.widespreadOutage',
  'service down': 'eng.triage.signal.serviceDown',
  'someone cannot work': 'eng.triage.signal.someoneCannotWork',
  'a deadline': 'eng.triage.signal.deadline',
  'malware or a scam': 'eng.triage.signal.malware',
  'a device or account at risk': 'eng.triage.signal.atRisk',
  'something is broken': 'eng.triage.signal.broken',
  'a request or a question': 'eng.triage.signal.request',
};

function signalName(name: string, say: Say): string {
  const key = Object.hasOwn(SIGNAL_NAMES, name) ? SIGNAL_NAMES[name] : undefined;
  return key ? (say as (key: MessageKey) => string)(key) : name;
}

/** The weighted majority of the values, its share of the weight and how many voted for it. */
function vote<T extends string>(
  votes: ReadonlyArray<{ value: T; weight: number }>,
): { value: T; share: number; count: number } | null {
  if (votes.length === 0) return null;
  const weights = new Map<T, { weight: number; count: number }>();
  let total = 0;
  for (const { value, weight } of votes) {
    const entry = weights.get(value) ?? { weight: 0, count: 0 };
    entry.weight += weight;
    entry.count += 1;
    weights.set(value, entry);
    total += weight;
  }
  const [value, best] = [...weights].sort((a, b) => b[1].weight - a[1].weight)[0]!;
  return { value, share: total > 0 ? best.weight / total : 0, count: best.count };
}

/** Cosine similarity of a dense and a sparse L2-normalised vector. */
function dot(query: Float32Array, example: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < example.idx.length; i++) sum += (query[example.idx[i]!] ?? 0) * example.val[i]!;
  return sum;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
