/**
 * What to automate next: the period's tickets grouped by problem, what each group costs engineers,
 * whether an article or guided script already covers it, and the hours a new one would save; and
 * for every shipped article and script, its use and the tickets it deflected, with the tickets on
 * its topic before and after it was first used.
 *
 * Pure computation on plain rows: an AutomationSource (the store) loads them, a KnowledgeCatalog
 * (the articles, scripts and a coverage matcher built from the answer engine) says what is shipped.
 * Grouping reuses the content-gap clustering (clusterGaps) on each ticket's problem text.
 */
import type { AnswerEngine } from '../answering/answer-engine.js';
import { clusterGaps, DEFAULT_GAP_THRESHOLD, type GapQuestion } from './content-gaps.js';
import { FollowUps, percentile, type MetricsFeedback, type MetricsQuestion } from './metrics.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** "Per month" figures are per 30 days. */
export const DAYS_PER_MONTH = 30;
/** Fewer tickets in a group (or fewer with a measured handling time) than this: no estimate. */
export const MIN_GROUP_TICKETS = 3;
/** Fewer uses of shipped articles (or runs of scripts) than this: no observed deflection rate. */
export const MIN_RATE_USES = 5;
/** Days before and after an item's first use compared for its topic's tickets. */
export const DEFAULT_COMPARE_DAYS = 30;

/** The period [from, to), the deflection window and the before/after span. */
export interface AutomationQuery {
  from: Date;
  to: Date;
  windowDays: number;
  compareDays: number;
}

/** A ticket as the report needs it. */
export interface AutomationTicket {
  id: string;
  key: string;
  channel: string;
  conversationKey: string | null;
  requesterId: string;
  subject: string;
  /** What the requester asked the bot, when the ticket came from a question. */
  question: string | null;
  category: string;
  createdAt: Date;
  firstResponseAt: Date | null;
}

/** A status change that matters for engineer time: to claimed (claim, assign, resume), resolved or reopened. */
export interface AutomationTicketEvent {
  ticketId: string;
  toStatus: 'claimed' | 'resolved' | 'reopened';
  /** The resolve command's text ("Say how it was resolved"). */
  resolution: string | null;
  createdAt: Date;
}

/** A finished guided-script session. */
export interface AutomationScriptRun {
  id: string;
  conversationKey: string;
  scriptId: string;
  /** resolved | escalated | human | abandoned */
  outcome: string;
  startedAt: Date;
}

/** When each article first answered a question and each script first ran, and the oldest ticket. */
export interface AutomationHistory {
  articles: Array<{ id: string; firstUsedAt: Date }>;
  scripts: Array<{ id: string; firstUsedAt: Date }>;
  earliestTicketAt: Date | null;
}

export interface TimeRange {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** What a source must load. */
export interface AutomationRanges {
  /** Tickets created in it, with their status events (whenever they happened). */
  tickets: TimeRange;
  /** Questions created in it, with their feedback. */
  questions: TimeRange;
  /** Script runs started in it. */
  scriptRuns: TimeRange;
}

export interface AutomationInput {
  tickets: AutomationTicket[];
  events: AutomationTicketEvent[];
  questions: MetricsQuestion[];
  /** One row per user and question (the last vote). */
  feedback: MetricsFeedback[];
  scriptRuns: AutomationScriptRun[];
}

export type AutomationStage = 'tickets' | 'events' | 'questions' | 'feedback' | 'script runs';

/** Reported after each page a source reads, and once for an empty stage. */
export interface AutomationProgress {
  stage: AutomationStage;
  loaded: number;
  total: number;
}

/** Where the rows come from. Implementations: PrismaAutomationSource, MemoryAutomationSource. */
export interface AutomationSource {
  history(): Promise<AutomationHistory>;
  load(ranges: AutomationRanges, onProgress?: (progress: AutomationProgress) => void): Promise<AutomationInput>;
}

/** The article and script a text is about, as the bot would serve it; null where none. */
export interface Coverage {
  articleId: string | null;
  scriptId: string | null;
}

/** What is shipped, and how to tell which of it covers a text. */
export interface KnowledgeCatalog {
  articles: ReadonlyArray<{ id: string; title: string; script?: string | undefined }>;
  scripts: ReadonlyArray<{ id: string; title: string }>;
  cover(text: string): Coverage;
}

/**
 * Coverage by the bot's own lexical engine: the article is the one the engine answers the text
 * with outright (not a "did you mean"); the script is that article's linked script, else the
 * script whose triggers the trigger engine answers the text with.
 */
export function engineCatalog(
  engine: AnswerEngine,
  triggerEngine: AnswerEngine | null,
  articles: KnowledgeCatalog['articles'],
  scripts: KnowledgeCatalog['scripts'],
): KnowledgeCatalog {
  return {
    articles,
    scripts,
    cover(text) {
      const answer = engine.ask(text);
      const article = answer.outcome === 'answered' ? answer.article : null;
      let scriptId = article?.script ?? null;
      if (!scriptId && triggerEngine) {
        const trigger = triggerEngine.ask(text);
        if (trigger.outcome === 'answered') scriptId = trigger.article.id;
      }
      return { articleId: article?.id ?? null, scriptId };
    },
  };
}

/** The time ranges to load: the period's tickets and their follow-ups, and each item's before/after span. */
export function automationRanges(query: AutomationQuery, history: AutomationHistory): AutomationRanges {
  const span = query.compareDays * DAY;
  const firsts = [...history.articles, ...history.scripts].map((item) => item.firstUsedAt.getTime());
  const from = Math.min(query.from.getTime(), ...firsts.map((t) => t - span));
  const to = Math.max(query.to.getTime() + query.windowDays * DAY, ...firsts.map((t) => t + span));
  const period = { from: query.from, to: query.to };
  return { tickets: { from: new Date(from), to: new Date(to) }, questions: period, scriptRuns: period };
}

/** Reads the history, then the rows, and computes the report. */
export async function automationReport(
  source: AutomationSource,
  catalog: KnowledgeCatalog,
  query: AutomationQuery,
  now: Date,
  onProgress?: (progress: AutomationProgress) => void,
): Promise<AutomationReport> {
  const history = await source.history();
  const input = await source.load(automationRanges(query, history), onProgress);
  return computeAutomation(input, history, catalog, query, now);
}

export type Suggestion = 'article' | 'script' | 'covered';

export interface AutomationGroup {
  rank: number;
  /** The most frequent subject among the group's tickets (ties: the earliest). */
  label: string;
  /** The words that characterise the group, most weighty first. */
  terms: string[];
  tickets: number;
  /** tickets x 30 / days in the period. */
  perMonth: number;
  /** The most frequent category and the count of each. */
  category: string;
  categories: Record<string, number>;
  firstResponse: { count: number; medianMinutes: number | null };
  /** Claim to resolve, per ticket (see definitions). */
  handling: { count: number; medianMinutes: number | null; totalHours: number; hoursPerMonth: number };
  resolved: number;
  reopened: number;
  reopenRate: number | null;
  coverage: {
    articleId: string | null;
    articleTitle: string | null;
    scriptId: string | null;
    scriptTitle: string | null;
    /** Tickets of the group the article (or script) covers. */
    articleTickets: number;
    scriptTickets: number;
  };
  suggestion: Suggestion;
  savings: {
    hoursPerMonth: number | null;
    /** The observed rate used (articles' for a new article, scripts' for a new script). */
    deflectionRate: number | null;
    /** Why there is no estimate. */
    note: string | null;
  };
  ticketKeys: string[];
}

export interface TopicWindow {
  /** Tickets on the item's topic in the span; null when the span is not fully in the data. */
  tickets: number | null;
  note: string | null;
}

export interface ShippedItem {
  kind: 'article' | 'script';
  id: string;
  title: string;
  /** First use (first answer with the article, first run of the script) in the database; null if never used. */
  firstUsedAt: string | null;
  /** In the period: answers (answered or chosen) with the article, runs of the script. */
  uses: number;
  /** Articles: helpful and all votes; scripts: resolved and all runs. */
  rate: { count: number; of: number; value: number | null };
  /** Uses that no ticket followed within the window (articles: and not voted "not helpful"; scripts: resolved runs). */
  deflected: number;
  /** Tickets on its topic in the compare span before and after its first use. */
  before: TopicWindow;
  after: TopicWindow;
  /** (after - before) / before; null without both or with none before. */
  change: number | null;
}

export interface AutomationReport {
  generatedAt: string;
  period: { from: string; to: string };
  windowDays: number;
  compareDays: number;
  /** Tickets opened in the period. */
  tickets: number;
  assumptions: {
    daysPerMonth: number;
    minGroupTickets: number;
    minRateUses: number;
    articleUses: number;
    articleDeflected: number;
    articleDeflectionRate: number | null;
    scriptRuns: number;
    scriptDeflected: number;
    scriptDeflectionRate: number | null;
    clusterThreshold: number;
  };
  groups: AutomationGroup[];
  shipped: ShippedItem[];
  definitions: Record<string, string>;
}

export function automationDefinitions(windowDays: number, compareDays: number): Record<string, string> {
  const n = `${windowDays} day${windowDays === 1 ? '' : 's'}`;
  return {
    groups:
      `The period's tickets grouped by problem with the content-gap clustering (TF-IDF over stemmed words, cosine similarity >= ${DEFAULT_GAP_THRESHOLD}) on each ticket's text: ` +
      'its subject, the question the requester asked (when different) and the resolution text. Categories are not used to split groups (a chat ticket without an article is "general" whatever its topic): each group shows its categories. ' +
      'A group is labelled with its most frequent subject (ties: the earliest) and its most characteristic words.',
    perMonth: `Tickets x ${DAYS_PER_MONTH} / days in the period.`,
    firstResponse:
      'Minutes from opening to the first response (first claim, assignment or reply), median over the tickets that have one.',
    handling:
      'Engineer time, claim to resolve: per ticket, the sum over its resolutions of the minutes from the first claim (claim, assignment or resume) since it was opened or last reopened to the resolution. ' +
      'A resolution without a claim before it is not measured, nor is an unresolved ticket. Median over measured tickets; total in hours. This is elapsed time while an engineer held the ticket, an upper bound of the effort.',
    reopenRate: 'Tickets reopened at least once / tickets resolved at least once.',
    coverage:
      'A ticket is covered by an article when the bot\'s lexical answer engine answers its question (else its subject) with that article outright (not a "did you mean"); by a script when that article links the script, ' +
      "or the script's triggers answer it. A group is covered by the article (script) that covers most of its tickets, when that is at least half of them.",
    suggestion:
      'Not covered: write an article. Covered by an article without a script: write a script. Covered by a script: already covered (its tickets are what it did not deflect); no estimate.',
    hoursSaved:
      `hours per month = tickets per month x median handling hours x the observed deflection rate of what is suggested: for an article, deflected answers / answers over all shipped articles in the period; ` +
      `for a script, deflected runs / runs over all scripts. No estimate with fewer than ${MIN_GROUP_TICKETS} tickets or measured handling times in the group, or fewer than ${MIN_RATE_USES} uses behind the rate.`,
    articleDeflected: `An answer (outcome answered or chosen) with the article in the period that nobody voted "not helpful" and that no ticket followed within ${n} (strictly later, in the same conversation or from the same user on the same channel). Re-asks do not count against it here.`,
    scriptDeflected: `A run of the script in the period that ended "resolved" and that no ticket followed within ${n} in the same conversation.`,
    helpfulRate: "Articles: helpful votes / all votes on its answers in the period (each person's last vote).",
    completionRate: 'Scripts: runs that ended "resolved" / all runs in the period.',
    beforeAfter:
      `Tickets covered by the item (as in coverage), opened in the ${compareDays} days before its first use and in the ${compareDays} days from it. ` +
      'First use is the earliest question answered with the article, or the earliest run of the script, in the database: the moment the bot began serving it. ' +
      "(The articles' updated date changes with every edit, and git dates are not at hand when the report runs.) A span that starts before the oldest ticket, or ends after now, is not counted.",
  };
}

const ANSWERED = new Set(['answered', 'chosen']);

/** Computes the report. `now` decides which after-spans are complete. */
export function computeAutomation(
  input: AutomationInput,
  history: AutomationHistory,
  catalog: KnowledgeCatalog,
  query: AutomationQuery,
  now: Date,
): AutomationReport {
  const windowMs = query.windowDays * DAY;
  const periodDays = (query.to.getTime() - query.from.getTime()) / DAY;
  const monthly = (n: number) => round((n * DAYS_PER_MONTH) / periodDays, 2)!;
  const inPeriod = (at: Date) => at >= query.from && at < query.to;

  const eventsOf = new Map<string, AutomationTicketEvent[]>();
  for (const event of input.events) eventsOf.set(event.ticketId, [...(eventsOf.get(event.ticketId) ?? []), event]);
  for (const list of eventsOf.values()) list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

  const coverageCache = new Map<string, Coverage>();
  const coverOf = (ticket: AutomationTicket): Coverage => {
    let found = coverageCache.get(ticket.id);
    if (!found) coverageCache.set(ticket.id, (found = catalog.cover(ticket.question ?? ticket.subject)));
    return found;
  };

  // Shipped items' use in the period.
  const ticketFollowUps = new FollowUps();
  for (const t of input.tickets) ticketFollowUps.add(t.createdAt, t.conversationKey, t.requesterId, t.channel);
  const questions = input.questions.filter((q) => inPeriod(q.createdAt) && q.articleId && ANSWERED.has(q.outcome));
  const questionIds = new Set(questions.map((q) => q.id));
  const votes = new Map<string, MetricsFeedback[]>();
  for (const vote of input.feedback)
    if (questionIds.has(vote.questionId)) votes.set(vote.questionId, [...(votes.get(vote.questionId) ?? []), vote]);
  const articleUse = new Map<string, { uses: number; helpful: number; voted: number; deflected: number }>();
  for (const q of questions) {
    const use = articleUse.get(q.articleId!) ?? { uses: 0, helpful: 0, voted: 0, deflected: 0 };
    const own = votes.get(q.id) ?? [];
    use.uses += 1;
    use.helpful += own.filter((v) => v.helpful).length;
    use.voted += own.length;
    if (
      !own.some((v) => !v.helpful) &&
      !ticketFollowUps.followsWithin(q.createdAt, windowMs, q.conversationKey, q.userId, q.channel)
    )
      use.deflected += 1;
    articleUse.set(q.articleId!, use);
  }
  const runs = input.scriptRuns.filter((r) => inPeriod(r.startedAt));
  const scriptUse = new Map<string, { uses: number; resolved: number; deflected: number }>();
  for (const run of runs) {
    const use = scriptUse.get(run.scriptId) ?? { uses: 0, resolved: 0, deflected: 0 };
    use.uses += 1;
    if (run.outcome === 'resolved') {
      use.resolved += 1;
      if (!ticketFollowUps.followsWithin(run.startedAt, windowMs, run.conversationKey, null, '')) use.deflected += 1;
    }
    scriptUse.set(run.scriptId, use);
  }
  const sum = <T>(values: Iterable<T>, of: (v: T) => number) => [...values].reduce((total, v) => total + of(v), 0);
  const articleUses = sum(articleUse.values(), (u) => u.uses);
  const articleDeflected = sum(articleUse.values(), (u) => u.deflected);
  const scriptRuns = sum(scriptUse.values(), (u) => u.uses);
  const scriptDeflected = sum(scriptUse.values(), (u) => u.deflected);
  const articleRate = articleUses >= MIN_RATE_USES ? articleDeflected / articleUses : null;
  const scriptRate = scriptRuns >= MIN_RATE_USES ? scriptDeflected / scriptRuns : null;

  // Groups of the period's tickets.
  const tickets = input.tickets.filter((t) => inPeriod(t.createdAt));
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const problems: GapQuestion[] = tickets.map((t) => ({
    id: t.id,
    text: problemText(t, eventsOf.get(t.id) ?? []),
    userId: t.requesterId,
    channel: t.channel,
    createdAt: t.createdAt,
    outcome: 'no_answer',
    articleId: null,
    votes: [],
    reason: 'no_answer',
  }));
  const titles = new Map<string, string>([
    ...catalog.articles.map((a) => [`a:${a.id}`, a.title] as const),
    ...catalog.scripts.map((s) => [`s:${s.id}`, s.title] as const),
  ]);
  const groups = clusterGaps(problems).map((cluster): Omit<AutomationGroup, 'rank'> => {
    const members = cluster.questionIds.map((id) => byId.get(id)!);
    const firstResponses = sorted(
      members.flatMap((t) =>
        t.firstResponseAt ? [(t.firstResponseAt.getTime() - t.createdAt.getTime()) / MINUTE] : [],
      ),
    );
    const handled = members.flatMap((t) => {
      const minutes = handlingMinutes(t, eventsOf.get(t.id) ?? []);
      return minutes === null ? [] : [minutes];
    });
    const handling = sorted(handled);
    const totalHours = sum(handled, (m) => m) / 60;
    const resolved = members.filter((t) => (eventsOf.get(t.id) ?? []).some((e) => e.toStatus === 'resolved')).length;
    const reopened = members.filter((t) => (eventsOf.get(t.id) ?? []).some((e) => e.toStatus === 'reopened')).length;
    const categories = countBy(members.map((t) => t.category));
    const covers = members.map(coverOf);
    const [articleId, articleTickets] = majority(
      covers.map((c) => c.articleId),
      members.length,
    );
    const [scriptId, scriptTickets] = majority(
      covers.map((c) => c.scriptId),
      members.length,
    );
    const suggestion: Suggestion = scriptId ? 'covered' : articleId ? 'script' : 'article';
    const rate = suggestion === 'article' ? articleRate : suggestion === 'script' ? scriptRate : null;
    const median = percentile(handling, 0.5);
    const perMonth = monthly(members.length);
    let note: string | null = null;
    if (suggestion === 'covered') note = `already covered by the script ${scriptId}`;
    else if (members.length < MIN_GROUP_TICKETS)
      note = `not enough data: ${members.length} ticket(s), an estimate needs ${MIN_GROUP_TICKETS}`;
    else if (handling.length < MIN_GROUP_TICKETS)
      note = `not enough data: ${handling.length} measured handling time(s), an estimate needs ${MIN_GROUP_TICKETS}`;
    else if (rate === null)
      note = `not enough data: fewer than ${MIN_RATE_USES} ${suggestion === 'article' ? 'answers with shipped articles' : 'script runs'} for a deflection rate`;
    return {
      label: labelOf(members),
      terms: cluster.terms,
      tickets: members.length,
      perMonth,
      category: Object.keys(categories)[0]!,
      categories,
      firstResponse: { count: firstResponses.length, medianMinutes: round(percentile(firstResponses, 0.5), 2) },
      handling: {
        count: handling.length,
        medianMinutes: round(median, 2),
        totalHours: round(totalHours, 2)!,
        hoursPerMonth: round((totalHours * DAYS_PER_MONTH) / periodDays, 2)!,
      },
      resolved,
      reopened,
      reopenRate: ratio(reopened, resolved),
      coverage: {
        articleId,
        articleTitle: articleId ? (titles.get(`a:${articleId}`) ?? null) : null,
        scriptId,
        scriptTitle: scriptId ? (titles.get(`s:${scriptId}`) ?? null) : null,
        articleTickets,
        scriptTickets,
      },
      suggestion,
      savings: {
        hoursPerMonth:
          note === null ? round(((members.length * DAYS_PER_MONTH) / periodDays) * (median! / 60) * rate!, 2) : null,
        deflectionRate: rate === null ? null : round(rate, 4),
        note,
      },
      ticketKeys: members.map((t) => t.key),
    };
  });
  groups.sort(
    (a, b) =>
      (b.savings.hoursPerMonth ?? -1) - (a.savings.hoursPerMonth ?? -1) ||
      b.tickets - a.tickets ||
      (b.handling.medianMinutes ?? -1) - (a.handling.medianMinutes ?? -1) ||
      compare(a.label, b.label),
  );

  // Shipped items, with their topic's tickets before and after their first use.
  const firstUse = new Map<string, Date>([
    ...history.articles.map((a) => [`a:${a.id}`, a.firstUsedAt] as const),
    ...history.scripts.map((s) => [`s:${s.id}`, s.firstUsedAt] as const),
  ]);
  const spanMs = query.compareDays * DAY;
  const topic = (kind: 'article' | 'script', id: string, from: number, to: number): TopicWindow => {
    if (history.earliestTicketAt === null || history.earliestTicketAt.getTime() > from)
      return { tickets: null, note: 'starts before the oldest ticket' };
    if (to > now.getTime()) return { tickets: null, note: 'not over yet' };
    const count = input.tickets.filter((t) => {
      const at = t.createdAt.getTime();
      if (at < from || at >= to) return false;
      const covered = coverOf(t);
      return (kind === 'article' ? covered.articleId : covered.scriptId) === id;
    }).length;
    return { tickets: count, note: null };
  };
  const shipped: ShippedItem[] = [
    ...catalog.articles.map((article) => {
      const use = articleUse.get(article.id) ?? { uses: 0, helpful: 0, voted: 0, deflected: 0 };
      return item(
        'article',
        article.id,
        article.title,
        firstUse.get(`a:${article.id}`),
        use.uses,
        use.helpful,
        use.voted,
        use.deflected,
      );
    }),
    ...catalog.scripts.map((script) => {
      const use = scriptUse.get(script.id) ?? { uses: 0, resolved: 0, deflected: 0 };
      return item(
        'script',
        script.id,
        script.title,
        firstUse.get(`s:${script.id}`),
        use.uses,
        use.resolved,
        use.uses,
        use.deflected,
      );
    }),
  ];
  function item(
    kind: 'article' | 'script',
    id: string,
    title: string,
    first: Date | undefined,
    uses: number,
    count: number,
    of: number,
    deflected: number,
  ): ShippedItem {
    const at = first?.getTime();
    const before = at === undefined ? { tickets: null, note: 'never used' } : topic(kind, id, at - spanMs, at);
    const after = at === undefined ? { tickets: null, note: 'never used' } : topic(kind, id, at, at + spanMs);
    const change =
      before.tickets !== null && after.tickets !== null && before.tickets > 0
        ? round((after.tickets - before.tickets) / before.tickets, 4)
        : null;
    return {
      kind,
      id,
      title,
      firstUsedAt: first?.toISOString() ?? null,
      uses,
      rate: { count, of, value: ratio(count, of) },
      deflected,
      before,
      after,
      change,
    };
  }
  shipped.sort(
    (a, b) => b.uses - a.uses || b.deflected - a.deflected || compare(a.kind, b.kind) || compare(a.id, b.id),
  );

  return {
    generatedAt: now.toISOString(),
    period: { from: query.from.toISOString(), to: query.to.toISOString() },
    windowDays: query.windowDays,
    compareDays: query.compareDays,
    tickets: tickets.length,
    assumptions: {
      daysPerMonth: DAYS_PER_MONTH,
      minGroupTickets: MIN_GROUP_TICKETS,
      minRateUses: MIN_RATE_USES,
      articleUses,
      articleDeflected,
      articleDeflectionRate: articleRate === null ? null : round(articleRate, 4),
      scriptRuns,
      scriptDeflected,
      scriptDeflectionRate: scriptRate === null ? null : round(scriptRate, 4),
      clusterThreshold: DEFAULT_GAP_THRESHOLD,
    },
    groups: groups.map((group, i) => ({ rank: i + 1, ...group })),
    shipped,
    definitions: automationDefinitions(query.windowDays, query.compareDays),
  };
}

/** The text a ticket is grouped by: subject, the question when it says more, and the last resolution. */
function problemText(ticket: AutomationTicket, events: readonly AutomationTicketEvent[]): string {
  const parts = [ticket.subject];
  if (ticket.question && plainWords(ticket.question) !== plainWords(ticket.subject)) parts.push(ticket.question);
  const resolution = events.filter((e) => e.toStatus === 'resolved' && e.resolution).at(-1)?.resolution;
  if (resolution) parts.push(resolution);
  return parts.join('\n');
}

/**
 * Claim to resolve, summed over the ticket's resolutions: each from the first claim since the
 * opening or the last reopening. Null when no resolution had a claim before it.
 */
export function handlingMinutes(ticket: AutomationTicket, events: readonly AutomationTicketEvent[]): number | null {
  let claimedAt: number | null = null;
  let total = 0;
  let measured = false;
  for (const event of events) {
    const at = event.createdAt.getTime();
    if (event.toStatus === 'claimed') claimedAt ??= at;
    else if (event.toStatus === 'resolved') {
      if (claimedAt !== null) {
        total += at - claimedAt;
        measured = true;
      }
      claimedAt = null;
    } else claimedAt = null;
  }
  return measured ? total / MINUTE : null;
}

/** The most frequent subject (compared as lowercase words), ties to the earliest ticket. */
function labelOf(members: readonly AutomationTicket[]): string {
  const counts = new Map<string, { text: string; count: number; first: number }>();
  for (const t of members) {
    const key = plainWords(t.subject) || t.subject;
    const entry = counts.get(key);
    if (entry) {
      entry.count += 1;
      if (t.createdAt.getTime() < entry.first)
        Object.assign(entry, { first: t.createdAt.getTime(), text: oneLine(t.subject) });
    } else counts.set(key, { text: oneLine(t.subject), count: 1, first: t.createdAt.getTime() });
  }
  return (
    [...counts.values()].sort((a, b) => b.count - a.count || a.first - b.first || compare(a.text, b.text))[0]?.text ??
    ''
  );
}

/** The most frequent non-null value and its count, if it covers at least half of `of`. */
function majority(values: ReadonlyArray<string | null>, of: number): [string | null, number] {
  const counts = countBy(values.filter((v): v is string => v !== null));
  const [top, count] = Object.entries(counts)[0] ?? [null, 0];
  return top !== null && count * 2 >= of ? [top, count] : [null, top === null ? 0 : count];
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0])));
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function plainWords(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function ratio(count: number, of: number): number | null {
  return of === 0 ? null : round(count / of, 4);
}

function round(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
