/**
 * Support-lead metrics computed from plain rows: no I/O here, so every figure can be unit-tested.
 * A MetricsSource (the store) loads the rows for a period; computeMetrics turns them into a report.
 */
import { runSteps, type Steps } from '../answering/time-slicing.js';
import { priorities, tiers } from '../tickets/ticket.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The period [from, to) and the deflection window in days. */
export interface MetricsQuery {
  from: Date;
  to: Date;
  windowDays: number;
}

export interface MetricsQuestion {
  id: string;
  conversationKey: string;
  channel: string;
  userId: string;
  /** answered | suggested | no_answer | chosen (a "did you mean" suggestion the employee picked). */
  outcome: string;
  articleId: string | null;
  createdAt: Date;
}

export interface MetricsFeedback {
  questionId: string;
  userId: string;
  helpful: boolean;
}

export interface MetricsTicket {
  id: string;
  channel: string;
  conversationKey: string | null;
  requesterId: string;
  priority: string;
  /** The tier now (after any escalation). */
  tier: string;
  category: string;
  status: string;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  responseDueAt: Date | null;
  resolveDueAt: Date | null;
  satisfaction: number | null;
  /** Who the ticket is with now (the lead report's per-engineer figures); absent in rows that do not say. */
  assigneeId?: string | null;
  assigneeName?: string | null;
}

/** One "escalate" command on a ticket (a TicketEvent with detail.command = 'escalate'). */
export interface MetricsEscalation {
  ticketId: string;
  fromTier: string;
  toTier: string;
  createdAt: Date;
}

/**
 * Who took or resolved a ticket, from its audit events: 'took' is a claim, an assignment or a
 * reassignment (the engineer it went to), 'resolved' a resolve command (who ran it). The lead
 * report's per-engineer figures are by these, not by who has the ticket now (a reopened ticket has
 * nobody; a reassigned one has only its last holder).
 */
export interface MetricsHandling {
  ticketId: string;
  kind: 'took' | 'resolved';
  engineerId: string;
  engineerName: string | null;
  createdAt: Date;
}

/**
 * The rows a report needs. A source may return more (e.g. rows outside the period);
 * computeMetrics filters by the rules below, so the result does not depend on how much was loaded.
 */
export interface MetricsInput {
  /** Questions created in [from, to + window): the period's questions and their possible re-asks. */
  questions: MetricsQuestion[];
  /** Feedback on the period's questions (one row per user and question, the last vote). */
  feedback: MetricsFeedback[];
  /** Tickets created in [from, to + window): the period's tickets and tickets following the period's questions. */
  tickets: MetricsTicket[];
  /** Escalations of the period's tickets, whenever they happened. */
  escalations: MetricsEscalation[];
  /** Who took and resolved the period's tickets, whenever (the lead report's per engineer); computeMetrics does not read it. */
  handling?: MetricsHandling[];
}

export type LoadStage = 'questions' | 'feedback' | 'tickets' | 'escalations';

/** Reported after each page a source reads, and once for an empty stage. */
export interface LoadProgress {
  stage: LoadStage;
  loaded: number;
  total: number;
}

export type ProgressListener = (progress: LoadProgress) => void;

/** Where the rows come from. Implementations: PrismaMetricsSource. */
export interface MetricsSource {
  load(query: MetricsQuery, onProgress?: ProgressListener): Promise<MetricsInput>;
  /** Who took and resolved the tickets created in [from, to) (their audit events; see handlingOf). The lead report needs it; the metrics report does not. */
  handling?(query: Pick<MetricsQuery, 'from' | 'to'>): Promise<MetricsHandling[]>;
}

/** The audit event fields handlingOf reads (a TicketEvent, or its stored row with the detail parsed). */
export interface HandlingEvent {
  ticketId: string;
  type: string;
  actorId: string;
  actorName: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** The status commands and event types that say who took or resolved a ticket (the sources narrow their reads by these). */
export const HANDLING_COMMANDS = ['claim', 'assign', 'resolve'] as const;

/**
 * What an audit event says about who handled the ticket: a claim (the actor took it), an
 * assignment (detail.assignee took it, named by detail.assigneeName), a reassignment (an
 * 'assigned' event: detail.to took it; the event has no name for them), a resolve (the actor).
 */
export function handlingOf(event: HandlingEvent): MetricsHandling | null {
  const base = { ticketId: event.ticketId, createdAt: event.createdAt };
  const d = event.detail;
  if (event.type === 'assigned')
    return typeof d.to === 'string' && d.to ? { ...base, kind: 'took', engineerId: d.to, engineerName: null } : null;
  if (event.type !== 'status') return null;
  if (d.command === 'claim') return { ...base, kind: 'took', engineerId: event.actorId, engineerName: event.actorName };
  if (d.command === 'resolve')
    return { ...base, kind: 'resolved', engineerId: event.actorId, engineerName: event.actorName };
  if (d.command === 'assign' && typeof d.assignee === 'string' && d.assignee)
    return {
      ...base,
      kind: 'took',
      engineerId: d.assignee,
      engineerName: typeof d.assigneeName === 'string' ? d.assigneeName : null,
    };
  return null;
}

/** The end of the range a source must load questions and tickets for: follow-ups of the period's last questions. */
export function followUpEnd(query: MetricsQuery): Date {
  return new Date(query.to.getTime() + query.windowDays * DAY);
}

export interface DurationFigure {
  /** Tickets that have the timestamp. */
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface SlaFigure {
  /** Tickets opened in the period with a due time. */
  withDueTime: number;
  met: number;
  breached: number;
  /** Open and not yet due: not counted either way. */
  pending: number;
  /** Closed before the due time without the timestamp (e.g. withdrawn before anyone responded): not counted. */
  notNeeded: number;
  /** met / (met + breached). */
  rate: number | null;
}

export interface ArticleFigure {
  articleId: string;
  /** The period's questions answered with this article (outcome answered or chosen). */
  answers: number;
  helpful: number;
  notHelpful: number;
  /** helpful / (helpful + notHelpful); null without votes. */
  ratio: number | null;
}

export interface TierEscalation {
  /** Tickets opened in the period that were at this tier at some point. */
  atTier: number;
  /** Of those, tickets escalated out of it. */
  escalated: number;
  rate: number | null;
}

export interface MetricsReport {
  generatedAt: string;
  period: { from: string; to: string };
  windowDays: number;
  definitions: Record<string, string>;
  deflection: {
    /** Questions asked in the period (the denominator). */
    questions: number;
    byOutcome: { answered: number; chosen: number; suggested: number; no_answer: number; other: number };
    /** answered + chosen: the bot gave an answer. */
    answeredByBot: number;
    /** Answered, but someone voted "not helpful". */
    notHelpful: number;
    /** Answered, helpful or unrated, but a ticket followed within the window. */
    followedByTicket: number;
    /** Answered, no ticket, but another question followed within the window. */
    followedByReask: number;
    deflected: number;
    rate: number | null;
    /** Deflected questions whose window has not ended yet (a ticket or re-ask may still come). */
    stillInWindow: number;
  };
  articles: ArticleFigure[];
  tickets: {
    opened: number;
    byTier: Record<string, number>;
    byPriority: Record<string, number>;
    byCategory: Record<string, number>;
  };
  timeToFirstResponse: DurationFigure;
  timeToResolution: DurationFigure;
  sla: { response: SlaFigure; resolution: SlaFigure };
  escalation: Record<string, TierEscalation>;
  satisfaction: {
    /** Tickets opened in the period that were resolved or closed (or rated). */
    eligible: number;
    rated: number;
    responseRate: number | null;
    average: number | null;
    distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
  };
}

/** The definitions, stated in the JSON and on the page. */
export function metricDefinitions(windowDays: number): Record<string, string> {
  const n = `${windowDays} day${windowDays === 1 ? '' : 's'}`;
  return {
    period: 'The report covers items created in [from, to): from inclusive, to exclusive, in UTC.',
    window: `N = ${n} (DEFLECTION_WINDOW_DAYS): how long after a question a ticket or re-ask still counts as its follow-up.`,
    deflectionRate:
      `Deflected questions / all questions asked in the period. A question is deflected when its outcome is "answered" or "chosen" (the employee picked a suggested article), ` +
      `nobody voted it "not helpful", and within ${n} after it (strictly later, at most ${n}) there was neither a ticket nor another question ` +
      'in the same conversation or from the same user on the same channel. Follow-ups after the period end still count. Questions are classified in that order: not helpful, then ticket, then re-ask.',
    helpfulRatio:
      "Per article, over the period's questions answered with it (outcome answered or chosen): helpful votes / (helpful + not helpful votes). Each user's last vote counts; no votes gives no ratio.",
    ticketsBy: 'Tickets opened in the period, counted by their current tier, priority and category.',
    timeToFirstResponse:
      "Minutes from opening to firstResponseAt, over the period's tickets that have one: median and 90th percentile (linear interpolation between ranks).",
    timeToResolution:
      "Minutes from opening to resolvedAt, over the period's tickets that have one: median and 90th percentile (linear interpolation between ranks).",
    slaCompliance:
      "Over the period's tickets with a due time: response met when firstResponseAt <= responseDueAt, resolution met when (resolvedAt, or closedAt if never resolved) <= resolveDueAt. " +
      'A ticket without the timestamp is breached once the due time has passed (at closing for closed tickets, at report time for open ones); an open ticket not yet due is pending, ' +
      'a ticket closed before the due time without it is not needed; neither is counted. Rate = met / (met + breached).',
    escalationRate:
      "Per tier: the period's tickets escalated out of the tier / the period's tickets that were at the tier at some point (opened there or escalated to it).",
    satisfaction:
      "Over the period's tickets that were resolved or closed (or rated): average rating (1-5), count of each rating, and response rate = rated / eligible.",
    rounding: 'Rates and averages are rounded to 4 decimals, minutes to 2 decimals.',
  };
}

/** Computes every figure. `now` decides which open tickets are past due and which questions are still in their window. */
export function computeMetrics(input: MetricsInput, query: MetricsQuery, now: Date): MetricsReport {
  return runSteps(computeMetricsSteps(input, query, now));
}

/** How many rows a long loop of computeMetricsSteps handles between yields: a millisecond or two. */
const ROWS_PER_STEP = 2000;

/** The items that pass `keep`, a step every ROWS_PER_STEP items. */
function* filterSteps<T>(items: readonly T[], keep: (item: T) => boolean): Steps<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += 1) {
    if (keep(items[i]!)) out.push(items[i]!);
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
  }
  return out;
}

/**
 * computeMetrics as steps (a yield every couple of thousand rows in its long loops), so a server
 * can give the event loop turns while a large period is computed (runStepsPaced); run at once
 * (runSteps) it is computeMetrics.
 */
export function* computeMetricsSteps(input: MetricsInput, query: MetricsQuery, now: Date): Steps<MetricsReport> {
  const inPeriod = (at: Date) => at >= query.from && at < query.to;
  const questions = yield* filterSteps(input.questions, (q) => inPeriod(q.createdAt));
  const tickets = yield* filterSteps(input.tickets, (t) => inPeriod(t.createdAt));
  const deflected = yield* deflectionSteps(questions, input, query.windowDays, now);
  const articleFigures = articles(questions, input.feedback);
  yield;
  const report: MetricsReport = {
    generatedAt: now.toISOString(),
    period: { from: query.from.toISOString(), to: query.to.toISOString() },
    windowDays: query.windowDays,
    definitions: metricDefinitions(query.windowDays),
    deflection: deflected,
    articles: articleFigures,
    tickets: {
      opened: tickets.length,
      byTier: countBy(tickets, (t) => t.tier, tiers),
      byPriority: countBy(tickets, (t) => t.priority, priorities),
      byCategory: countBy(tickets, (t) => t.category, []),
    },
    timeToFirstResponse: durations(
      tickets.flatMap((t) => (t.firstResponseAt ? [minutesBetween(t.createdAt, t.firstResponseAt)] : [])),
    ),
    timeToResolution: durations(
      tickets.flatMap((t) => (t.resolvedAt ? [minutesBetween(t.createdAt, t.resolvedAt)] : [])),
    ),
    sla: {
      response: sla(
        tickets,
        (t) => t.responseDueAt,
        (t) => t.firstResponseAt,
        now,
      ),
      resolution: sla(
        tickets,
        (t) => t.resolveDueAt,
        (t) => t.resolvedAt ?? t.closedAt,
        now,
      ),
    },
    escalation: escalation(tickets, input.escalations),
    satisfaction: satisfaction(tickets),
  };
  yield;
  return report;
}

const ANSWERED = new Set(['answered', 'chosen']);

function* deflectionSteps(
  questions: MetricsQuestion[],
  input: MetricsInput,
  windowDays: number,
  now: Date,
): Steps<MetricsReport['deflection']> {
  const windowMs = windowDays * DAY;
  const notHelpful = new Set(input.feedback.filter((f) => !f.helpful).map((f) => f.questionId));
  const ticketTimes = new FollowUps();
  for (let i = 0; i < input.tickets.length; i += 1) {
    const t = input.tickets[i]!;
    ticketTimes.add(t.createdAt, t.conversationKey, t.requesterId, t.channel);
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
  }
  yield* ticketTimes.sortSteps();
  const questionTimes = new FollowUps();
  for (let i = 0; i < input.questions.length; i += 1) {
    const q = input.questions[i]!;
    questionTimes.add(q.createdAt, q.conversationKey, q.userId, q.channel);
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
  }
  yield* questionTimes.sortSteps();

  const byOutcome = { answered: 0, chosen: 0, suggested: 0, no_answer: 0, other: 0 };
  let answeredByBot = 0;
  let voted = 0;
  let ticketed = 0;
  let reasked = 0;
  let deflected = 0;
  let stillInWindow = 0;
  for (let i = 0; i < questions.length; i += 1) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const q = questions[i]!;
    const key =
      Object.hasOwn(byOutcome, q.outcome) && q.outcome !== 'other' ? (q.outcome as keyof typeof byOutcome) : 'other';
    byOutcome[key] += 1;
    if (!ANSWERED.has(q.outcome)) continue;
    answeredByBot += 1;
    if (notHelpful.has(q.id)) voted += 1;
    else if (ticketTimes.followsWithin(q.createdAt, windowMs, q.conversationKey, q.userId, q.channel)) ticketed += 1;
    else if (questionTimes.followsWithin(q.createdAt, windowMs, q.conversationKey, q.userId, q.channel)) reasked += 1;
    else {
      deflected += 1;
      if (q.createdAt.getTime() + windowMs > now.getTime()) stillInWindow += 1;
    }
  }
  return {
    questions: questions.length,
    byOutcome,
    answeredByBot,
    notHelpful: voted,
    followedByTicket: ticketed,
    followedByReask: reasked,
    deflected,
    rate: ratio(deflected, questions.length),
    stillInWindow,
  };
}

/** Times of events, indexed by conversation and by user+channel, to find the first one after a moment. */
export class FollowUps {
  private readonly byKey = new Map<string, number[]>();
  private sorted = true;

  /** `userId` null: the event is indexed by its conversation only (a script run knows no user). */
  add(at: Date, conversationKey: string | null, userId: string | null, channel: string): void {
    if (conversationKey) this.push(`c\u0000${conversationKey}`, at.getTime());
    if (userId !== null) this.push(`u\u0000${userId}\u0000${channel}`, at.getTime());
  }

  /** Whether an event came strictly after `at` and at most `windowMs` later, in the conversation or (userId given) from the user on the channel. */
  followsWithin(at: Date, windowMs: number, conversationKey: string, userId: string | null, channel: string): boolean {
    if (!this.sorted) {
      for (const times of this.byKey.values()) times.sort((a, b) => a - b);
      this.sorted = true;
    }
    const start = at.getTime();
    const keys =
      userId === null
        ? [`c\u0000${conversationKey}`]
        : [`c\u0000${conversationKey}`, `u\u0000${userId}\u0000${channel}`];
    return keys.some((key) => {
      const times = this.byKey.get(key);
      if (!times) return false;
      const next = times[firstAbove(times, start)];
      return next !== undefined && next - start <= windowMs;
    });
  }

  /** Sorts the times now, a step every couple of thousand keys (followsWithin would sort them all at once). */
  *sortSteps(): Steps<void> {
    if (this.sorted) return;
    let n = 0;
    for (const times of this.byKey.values()) {
      times.sort((a, b) => a - b);
      n += times.length;
      if (n >= ROWS_PER_STEP) {
        n = 0;
        yield;
      }
    }
    this.sorted = true;
  }

  private push(key: string, time: number): void {
    const times = this.byKey.get(key);
    if (times) times.push(time);
    else this.byKey.set(key, [time]);
    this.sorted = false;
  }
}

/** Index of the first value strictly above `value` in a sorted array. */
function firstAbove(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function articles(questions: MetricsQuestion[], feedback: MetricsFeedback[]): ArticleFigure[] {
  const byArticle = new Map<string, ArticleFigure>();
  const figure = (articleId: string) => {
    let found = byArticle.get(articleId);
    if (!found) byArticle.set(articleId, (found = { articleId, answers: 0, helpful: 0, notHelpful: 0, ratio: null }));
    return found;
  };
  const articleOf = new Map<string, string>();
  for (const q of questions) {
    // Feedback buttons come with answers only: a shown suggestion list is not an answer.
    if (!q.articleId || !ANSWERED.has(q.outcome)) continue;
    articleOf.set(q.id, q.articleId);
    figure(q.articleId).answers += 1;
  }
  for (const vote of feedback) {
    const articleId = articleOf.get(vote.questionId);
    if (!articleId) continue;
    if (vote.helpful) figure(articleId).helpful += 1;
    else figure(articleId).notHelpful += 1;
  }
  const list = [...byArticle.values()];
  for (const a of list) a.ratio = ratio(a.helpful, a.helpful + a.notHelpful);
  return list.sort(
    (a, b) =>
      b.answers - a.answers ||
      b.helpful + b.notHelpful - (a.helpful + a.notHelpful) ||
      a.articleId.localeCompare(b.articleId),
  );
}

/** Counts per value: the known values first (zeros included), then others by count, largest first. */
function countBy<T>(items: T[], keyOf: (item: T) => string, known: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>(known.map((k) => [k, 0]));
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  const others = [...counts.entries()]
    .filter(([k]) => !known.includes(k))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries([...known.map((k) => [k, counts.get(k)!] as const), ...others]);
}

function durations(minutes: number[]): DurationFigure {
  const sorted = [...minutes].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMinutes: round(percentile(sorted, 0.5), 2),
    p90Minutes: round(percentile(sorted, 0.9), 2),
  };
}

/** Percentile with linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

function sla(
  tickets: MetricsTicket[],
  dueOf: (t: MetricsTicket) => Date | null,
  doneOf: (t: MetricsTicket) => Date | null,
  now: Date,
): SlaFigure {
  const figure: SlaFigure = { withDueTime: 0, met: 0, breached: 0, pending: 0, notNeeded: 0, rate: null };
  for (const ticket of tickets) {
    const due = dueOf(ticket);
    if (!due) continue;
    figure.withDueTime += 1;
    const done = doneOf(ticket);
    if (done) {
      if (done <= due) figure.met += 1;
      else figure.breached += 1;
      continue;
    }
    // Never responded (or resolved): breached once the due time passed while it was still open.
    const until = ticket.closedAt ?? now;
    if (until > due) figure.breached += 1;
    else if (ticket.closedAt) figure.notNeeded += 1;
    else figure.pending += 1;
  }
  figure.rate = ratio(figure.met, figure.met + figure.breached);
  return figure;
}

function escalation(tickets: MetricsTicket[], escalations: MetricsEscalation[]): Record<string, TierEscalation> {
  const byTicket = new Map<string, MetricsEscalation[]>();
  for (const e of escalations) byTicket.set(e.ticketId, [...(byTicket.get(e.ticketId) ?? []), e]);
  const atTier = new Map<string, number>();
  const escalatedOut = new Map<string, number>();
  for (const ticket of tickets) {
    const steps = (byTicket.get(ticket.id) ?? []).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const visited = new Set<string>([
      steps[0]?.fromTier ?? ticket.tier,
      ...steps.flatMap((s) => [s.fromTier, s.toTier]),
      ticket.tier,
    ]);
    for (const tier of visited) atTier.set(tier, (atTier.get(tier) ?? 0) + 1);
    for (const tier of new Set(steps.map((s) => s.fromTier))) escalatedOut.set(tier, (escalatedOut.get(tier) ?? 0) + 1);
  }
  const names = [...tiers, ...[...atTier.keys()].filter((t) => !(tiers as readonly string[]).includes(t)).sort()];
  return Object.fromEntries(
    names.map((tier) => {
      const at = atTier.get(tier) ?? 0;
      const out = escalatedOut.get(tier) ?? 0;
      return [tier, { atTier: at, escalated: out, rate: ratio(out, at) }];
    }),
  );
}

function satisfaction(tickets: MetricsTicket[]): MetricsReport['satisfaction'] {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let eligible = 0;
  let sum = 0;
  let rated = 0;
  for (const t of tickets) {
    const rating =
      t.satisfaction !== null && Number.isInteger(t.satisfaction) && t.satisfaction >= 1 && t.satisfaction <= 5
        ? t.satisfaction
        : null;
    if (t.status === 'resolved' || t.status === 'closed' || rating !== null) eligible += 1;
    if (rating === null) continue;
    rated += 1;
    sum += rating;
    distribution[String(rating) as keyof typeof distribution] += 1;
  }
  return {
    eligible,
    rated,
    responseRate: ratio(rated, eligible),
    average: rated === 0 ? null : round(sum / rated, 4),
    distribution,
  };
}

function minutesBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / MINUTE;
}

function ratio(count: number, of: number): number | null {
  return of === 0 ? null : round(count / of, 4);
}

function round(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
