/**
 * The support lead's report: weekly trends with the period before beside them, figures per engineer,
 * channel, tier and category, the open backlog by age and what is breaching now. Pure functions over
 * the metrics' plain rows (MetricsSource) and the open tickets: every figure keeps the definitions of
 * computeMetrics, which each slice is computed with.
 */
import type { SlaPolicy } from '../tickets/sla-policy.js';
import type { TicketSearch } from '../tickets/ticket-repository.js';
import { openStatuses } from '../tickets/ticket-state-machine.js';
import { priorities, type Priority, type Ticket } from '../tickets/ticket.js';
import { breachingSearch } from '../web/ticket-filter.js';
import { runSteps, type Steps } from '../answering/time-slicing.js';
import { zoneOffsetMs, zonedInstant } from '../time-zones.js';
import {
  computeMetricsSteps,
  type MetricsHandling,
  type MetricsInput,
  type MetricsQuery,
  type MetricsReport,
} from './metrics.js';

const DAY = 24 * 60 * 60_000;
const WEEK = 7 * DAY;

/** What a lead asks for: how many whole weeks, in which time zone the weeks start (Monday 00:00). */
export interface LeadReportQuery {
  weeks: number;
  timeZone: string;
  /** The deflection window, as for the metrics. */
  windowDays: number;
}

export const LEAD_REPORT_WEEKS = [4, 8, 12, 26] as const;
export const DEFAULT_LEAD_REPORT_WEEKS = 8;

/** Monday 00:00 of the week holding `at`, in the zone, as an instant. */
export function startOfWeek(at: Date, timeZone: string): Date {
  const local = new Date(at.getTime() + zoneOffsetMs(at, timeZone));
  const back = (local.getUTCDay() + 6) % 7;
  return new Date(
    zonedInstant(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - back), timeZone),
  );
}

/** `count` Monday-to-Monday weeks ending at the Monday `end`, in the zone: each [start, end). Weeks across a clock change are 167 or 169 hours. */
export function weeksBefore(end: Date, count: number, timeZone: string): Array<{ start: Date; end: Date }> {
  const endLocal = end.getTime() + zoneOffsetMs(end, timeZone);
  const starts: Date[] = [];
  for (let i = count; i >= 0; i -= 1) starts.push(new Date(zonedInstant(endLocal - i * WEEK, timeZone)));
  return starts.slice(0, -1).map((start, i) => ({ start, end: starts[i + 1]! }));
}

/** The periods a report covers: `weeks` whole weeks to the start of this week, and as many before them. */
export function reportPeriods(query: LeadReportQuery, now: Date) {
  const end = startOfWeek(now, query.timeZone);
  const all = weeksBefore(end, query.weeks * 2, query.timeZone);
  const previous = all.slice(0, query.weeks);
  const current = all.slice(query.weeks);
  return {
    current: { from: current[0]!.start, to: end, weeks: current },
    previous: { from: previous[0]!.start, to: current[0]!.start, weeks: previous },
  };
}

/** The rows a source must load: the metrics' rows for both periods together. */
export function leadReportLoadQuery(query: LeadReportQuery, now: Date): MetricsQuery {
  const periods = reportPeriods(query, now);
  return { from: periods.previous.from, to: periods.current.to, windowDays: query.windowDays };
}

/** One week's figures (or a whole period's), taken from computeMetrics over its [start, end). */
export interface TrendPoint {
  start: string;
  end: string;
  tickets: number;
  questions: number;
  deflectionRate: number | null;
  firstResponseMedianMinutes: number | null;
  resolutionMedianMinutes: number | null;
  slaResponseRate: number | null;
  slaResolutionRate: number | null;
  satisfactionAverage: number | null;
  rated: number;
}

/** Figures of a slice of the period's tickets: one engineer, channel, tier or category. */
export interface GroupRow {
  key: string;
  /** A person's name where one is known, else the key. */
  label: string;
  /** Tickets opened in the period in this slice (per engineer: those they claimed or were assigned, from the audit events). */
  tickets: number;
  /** The same count in the period before. */
  previousTickets: number;
  /** Of `tickets`, those resolved (per engineer: the period's tickets they resolved, whoever claimed them). */
  resolved: number;
  firstResponseMedianMinutes: number | null;
  resolutionMedianMinutes: number | null;
  slaResponseRate: number | null;
  slaResolutionRate: number | null;
  satisfactionAverage: number | null;
  rated: number;
  /** Per channel only: questions asked there and their deflection rate. */
  questions?: number;
  deflectionRate?: number | null;
}

export const BACKLOG_AGES = [
  { label: 'under 1 day', upToDays: 1 },
  { label: '1–3 days', upToDays: 3 },
  { label: '3–7 days', upToDays: 7 },
  { label: '1–2 weeks', upToDays: 14 },
  { label: '2–4 weeks', upToDays: 28 },
  { label: 'over 4 weeks', upToDays: Infinity },
] as const;

export interface BacklogBucket {
  label: string;
  count: number;
  byPriority: Record<string, number>;
}

export interface BreachingTicket {
  key: string;
  subject: string;
  priority: string;
  tier: string;
  status: string;
  assignee: string | null;
  /** Which clock: the first response or the resolution. */
  kind: 'response' | 'resolution';
  dueAt: string;
  /** breached: past due; soon: due within the "breaching soon" window. */
  state: 'breached' | 'soon';
  /** Minutes past due (negative: minutes left). */
  lateMinutes: number;
}

export interface LeadReport {
  generatedAt: string;
  timeZone: string;
  weeks: number;
  windowDays: number;
  period: { from: string; to: string };
  previousPeriod: { from: string; to: string };
  /** The whole period's figures and the period before's. */
  totals: { current: TrendPoint; previous: TrendPoint };
  /** One point per week, oldest first; `previous[i]` is the week `weeks` weeks before `current[i]`. */
  trend: { current: TrendPoint[]; previous: TrendPoint[] };
  engineers: GroupRow[];
  /** Tickets of the period nobody has taken (claimed or been assigned), by the audit events. */
  unassigned: number;
  channels: GroupRow[];
  tiers: GroupRow[];
  categories: GroupRow[];
  backlog: { open: number; buckets: BacklogBucket[]; oldestCreatedAt: string | null };
  /** How many are past due and due soon, and the most late of them (findBreaching: the first BREACHING_LISTED). */
  breaching: { breached: number; soon: number; tickets: BreachingTicket[] };
  definitions: Record<string, string>;
}

export const KNOWN_CHANNELS = ['slack', 'teams', 'local', 'alerts'] as const;

function point(report: MetricsReport): TrendPoint {
  return {
    start: report.period.from,
    end: report.period.to,
    tickets: report.tickets.opened,
    questions: report.deflection.questions,
    deflectionRate: report.deflection.rate,
    firstResponseMedianMinutes: report.timeToFirstResponse.medianMinutes,
    resolutionMedianMinutes: report.timeToResolution.medianMinutes,
    slaResponseRate: report.sla.response.rate,
    slaResolutionRate: report.sla.resolution.rate,
    satisfactionAverage: report.satisfaction.average,
    rated: report.satisfaction.rated,
  };
}

function slice(input: MetricsInput, keep: (t: MetricsInput['tickets'][number]) => boolean): MetricsInput {
  const tickets = input.tickets.filter(keep);
  const ids = new Set(tickets.map((t) => t.id));
  return { questions: [], feedback: [], tickets, escalations: input.escalations.filter((e) => ids.has(e.ticketId)) };
}

/**
 * The rows sorted by time once, so a period's rows (its own and their follow-ups) are two binary
 * searches away: computeMetrics over a week then reads that week's rows, not the whole report's
 * (26 weeks over 10,000 tickets and 50,000 questions took seconds reading everything each time).
 */
class RowsByTime {
  private readonly questions: MetricsInput['questions'];
  private readonly tickets: MetricsInput['tickets'];
  private readonly feedback = new Map<string, MetricsInput['feedback']>();
  private readonly escalations = new Map<string, MetricsInput['escalations']>();

  private constructor(questions: MetricsInput['questions'], tickets: MetricsInput['tickets'], input: MetricsInput) {
    this.questions = questions;
    this.tickets = tickets;
    for (const f of input.feedback) pushTo(this.feedback, f.questionId, f);
    for (const e of input.escalations) pushTo(this.escalations, e.ticketId, e);
  }

  /** Sorts the rows in steps (50,000 questions sorted at once held a server for a fifth of a second). */
  static *build(input: MetricsInput): Steps<RowsByTime> {
    const questions = yield* sortedByTime(input.questions);
    const tickets = yield* sortedByTime(input.tickets);
    yield;
    return new RowsByTime(questions, tickets, input);
  }

  /** The rows created in [from, until): a period and its follow-up window. */
  between(from: Date, until: Date): MetricsInput {
    const questions = this.questions.slice(firstAtOrAfter(this.questions, from), firstAtOrAfter(this.questions, until));
    const tickets = this.tickets.slice(firstAtOrAfter(this.tickets, from), firstAtOrAfter(this.tickets, until));
    return {
      questions,
      tickets,
      feedback: questions.flatMap((q) => this.feedback.get(q.id) ?? []),
      escalations: tickets.flatMap((t) => this.escalations.get(t.id) ?? []),
    };
  }
}

/** How many rows are sorted in one step; the sorted runs are then merged, a merge a step. */
const SORT_RUN = 4096;

/** The rows by createdAt (stable), sorted a run at a time and merged, a step each. */
function* sortedByTime<T extends { createdAt: Date }>(rows: readonly T[]): Steps<T[]> {
  const byTime = (a: T, b: T) => a.createdAt.getTime() - b.createdAt.getTime();
  let runs: T[][] = [];
  for (let i = 0; i < rows.length; i += SORT_RUN) {
    runs.push(rows.slice(i, i + SORT_RUN).sort(byTime));
    yield;
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let i = 0; i < runs.length; i += 2) {
      const a = runs[i]!;
      const b = runs[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out: T[] = new Array<T>(a.length + b.length);
      let x = 0;
      let y = 0;
      let k = 0;
      // Ties keep a before b: the merge is stable, as Array.prototype.sort is.
      while (x < a.length && y < b.length) out[k++] = byTime(b[y]!, a[x]!) < 0 ? b[y++]! : a[x++]!;
      while (x < a.length) out[k++] = a[x++]!;
      while (y < b.length) out[k++] = b[y++]!;
      merged.push(out);
      yield;
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function firstAtOrAfter(sorted: ReadonlyArray<{ createdAt: Date }>, at: Date): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.createdAt < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lead report. `input` holds the metrics rows for leadReportLoadQuery (both periods); `open`
 * the open tickets (read apart: the backlog has no period), unless the backlog and the breaching
 * list come counted by the store (options); `sla` says which are breaching, as the queue does.
 */
export function leadReport(input: MetricsInput, open: readonly Ticket[], options: LeadReportOptions): LeadReport {
  return runSteps(leadReportSteps(input, open, options));
}

export interface LeadReportOptions {
  query: LeadReportQuery;
  now: Date;
  sla: SlaPolicy;
  /** The backlog counted by the database (countBacklog), exact at any size; else counted from `open`. */
  backlog?: LeadReport['backlog'];
  /** What is breaching, from the database (findBreaching), exact at any size; else from `open`. */
  breaching?: LeadReport['breaching'];
}

/** Runs `f`'s steps for each item, with a step between items: a slice (one week, one engineer) is one computeMetricsSteps. */
function* eachSteps<T, R>(items: readonly T[], f: (item: T) => Steps<R>): Steps<R[]> {
  const out: R[] = [];
  for (const item of items) {
    out.push(yield* f(item));
    yield;
  }
  return out;
}

/**
 * leadReport as steps, each one slice's computeMetrics, so a server can give the event loop turns
 * between them (runStepsPaced): a large report is tens of slices.
 */
export function* leadReportSteps(
  input: MetricsInput,
  open: readonly Ticket[],
  options: LeadReportOptions,
): Steps<LeadReport> {
  const { query, now, sla } = options;
  const periods = reportPeriods(query, now);
  const byTime = yield* RowsByTime.build(input);
  const followUps = query.windowDays * DAY;
  /** A period's rows with their follow-ups: what computeMetrics reads for [from, to). */
  const rowsOf = (from: Date, to: Date) => byTime.between(from, new Date(to.getTime() + followUps));
  // Every slice's figures in steps: the whole period (25,000 questions) in one went near a second.
  const metrics = (rows: MetricsInput, from: Date, to: Date) =>
    computeMetricsSteps(rows, { from, to, windowDays: query.windowDays }, now);
  const periodMetrics = function* (from: Date, to: Date) {
    const rows = rowsOf(from, to);
    yield;
    return yield* metrics(rows, from, to);
  };
  const current = yield* periodMetrics(periods.current.from, periods.current.to);
  const previous = yield* periodMetrics(periods.previous.from, periods.previous.to);
  const trendCurrent = yield* eachSteps(periods.current.weeks, function* (w) {
    return point(yield* periodMetrics(w.start, w.end));
  });
  const trendPrevious = yield* eachSteps(periods.previous.weeks, function* (w) {
    return point(yield* periodMetrics(w.start, w.end));
  });
  const currentRows = rowsOf(periods.current.from, periods.current.to);
  yield;
  const inCurrent = (at: Date) => at >= periods.current.from && at < periods.current.to;
  const inPrevious = (at: Date) => at >= periods.previous.from && at < periods.previous.to;

  const group = function* (
    key: string,
    label: string,
    keep: (t: MetricsInput['tickets'][number]) => boolean,
    withQuestions?: (q: MetricsInput['questions'][number]) => boolean,
  ): Steps<GroupRow> {
    const rows = slice(currentRows, keep);
    if (withQuestions) {
      rows.questions = currentRows.questions.filter(withQuestions);
      const asked = new Set(rows.questions.map((q) => q.id));
      rows.feedback = currentRows.feedback.filter((f) => asked.has(f.questionId));
      yield;
    }
    const report = yield* metrics(rows, periods.current.from, periods.current.to);
    const row: GroupRow = {
      key,
      label,
      tickets: report.tickets.opened,
      previousTickets: input.tickets.filter((t) => inPrevious(t.createdAt) && keep(t)).length,
      resolved: report.timeToResolution.count,
      firstResponseMedianMinutes: report.timeToFirstResponse.medianMinutes,
      resolutionMedianMinutes: report.timeToResolution.medianMinutes,
      slaResponseRate: report.sla.response.rate,
      slaResolutionRate: report.sla.resolution.rate,
      satisfactionAverage: report.satisfaction.average,
      rated: report.satisfaction.rated,
    };
    if (withQuestions) {
      row.questions = report.deflection.questions;
      row.deflectionRate = report.deflection.rate;
    }
    return row;
  };

  const periodTickets = input.tickets.filter((t) => inCurrent(t.createdAt));
  yield;
  const handled = handledBy(input.handling ?? [], input.tickets);
  yield;
  const engineerIds = new Set<string>();
  for (const t of periodTickets) {
    const h = handled.tickets.get(t.id);
    for (const id of h?.took ?? []) engineerIds.add(id);
    if (h?.resolvedBy && t.resolvedAt) engineerIds.add(h.resolvedBy);
  }
  /** One engineer: the period's tickets they took, took first and resolved, each computed as the metrics compute a period. */
  const engineerRow = function* (id: string): Steps<GroupRow> {
    const of = (t: MetricsInput['tickets'][number]) => handled.tickets.get(t.id);
    const took = (t: MetricsInput['tickets'][number]) => of(t)?.took.has(id) ?? false;
    const tookFirst = yield* metrics(
      slice(currentRows, (t) => of(t)?.first === id),
      periods.current.from,
      periods.current.to,
    );
    const resolved = yield* metrics(
      slice(currentRows, (t) => of(t)?.resolvedBy === id && t.resolvedAt !== null),
      periods.current.from,
      periods.current.to,
    );
    return {
      key: id,
      label: handled.names.get(id) ?? id,
      tickets: periodTickets.filter(took).length,
      previousTickets: input.tickets.filter((t) => inPrevious(t.createdAt) && took(t)).length,
      resolved: resolved.tickets.opened,
      firstResponseMedianMinutes: tookFirst.timeToFirstResponse.medianMinutes,
      resolutionMedianMinutes: resolved.timeToResolution.medianMinutes,
      slaResponseRate: tookFirst.sla.response.rate,
      slaResolutionRate: resolved.sla.resolution.rate,
      satisfactionAverage: resolved.satisfaction.average,
      rated: resolved.satisfaction.rated,
    };
  };
  const engineers = (yield* eachSteps([...engineerIds], engineerRow)).sort(
    (a, b) => b.tickets - a.tickets || b.resolved - a.resolved || a.label.localeCompare(b.label),
  );

  const seen = (values: Iterable<string>, known: readonly string[]) => {
    const others = [...new Set(values)].filter((v) => !known.includes(v)).sort();
    return [...known, ...others];
  };
  const allTickets = input.tickets.filter((t) => inCurrent(t.createdAt) || inPrevious(t.createdAt));
  const channels = yield* eachSteps(
    seen([...allTickets.map((t) => t.channel), ...currentRows.questions.map((q) => q.channel)], KNOWN_CHANNELS),
    (channel) =>
      group(
        channel,
        channel,
        (t) => t.channel === channel,
        (q) => q.channel === channel,
      ),
  );
  const tiers = yield* eachSteps(
    seen(
      allTickets.map((t) => t.tier),
      ['L1', 'L2', 'L3', 'L4'],
    ),
    (tier) => group(tier, tier, (t) => t.tier === tier),
  );
  const categories = (yield* eachSteps(
    seen(
      allTickets.map((t) => t.category),
      [],
    ),
    (category) => group(category, category, (t) => t.category === category),
  )).sort((a, b) => b.tickets - a.tickets || b.previousTickets - a.previousTickets || a.key.localeCompare(b.key));

  return {
    generatedAt: now.toISOString(),
    timeZone: query.timeZone,
    weeks: query.weeks,
    windowDays: query.windowDays,
    period: { from: periods.current.from.toISOString(), to: periods.current.to.toISOString() },
    previousPeriod: { from: periods.previous.from.toISOString(), to: periods.previous.to.toISOString() },
    totals: { current: point(current), previous: point(previous) },
    trend: {
      current: trendCurrent,
      previous: trendPrevious,
    },
    engineers,
    unassigned: periodTickets.filter((t) => !handled.tickets.get(t.id)?.took.size).length,
    channels,
    tiers,
    categories,
    backlog: options.backlog ?? backlogByAge(open, now),
    breaching: options.breaching ?? breachingNow(open, now, sla),
    definitions: leadDefinitions(query),
  };
}

/**
 * Who handled each ticket, from its audit events in time order: everyone who took it (claim,
 * assignment, reassignment), who took it first, and who ran the last resolve. Names come from the
 * events that carry one, else from the ticket's assignee, else the id stays.
 */
export function handledBy(
  handling: readonly MetricsHandling[],
  tickets: readonly MetricsInput['tickets'][number][],
): {
  tickets: Map<string, { took: Set<string>; first: string | null; resolvedBy: string | null }>;
  names: Map<string, string>;
} {
  const byTicket = new Map<string, { took: Set<string>; first: string | null; resolvedBy: string | null }>();
  const names = new Map<string, string>();
  for (const t of tickets) if (t.assigneeId && t.assigneeName) names.set(t.assigneeId, t.assigneeName);
  const ordered = [...handling].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const h of ordered) {
    if (h.engineerName) names.set(h.engineerId, h.engineerName);
    let entry = byTicket.get(h.ticketId);
    if (!entry) byTicket.set(h.ticketId, (entry = { took: new Set(), first: null, resolvedBy: null }));
    if (h.kind === 'took') {
      entry.took.add(h.engineerId);
      entry.first ??= h.engineerId;
    } else entry.resolvedBy = h.engineerId;
  }
  return { tickets: byTicket, names };
}

const OPEN = new Set(['new', 'claimed', 'escalated', 'waiting', 'reopened']);

/** Open tickets by how long ago they were opened, each age split by priority. */
export function backlogByAge(
  open: readonly Pick<Ticket, 'status' | 'createdAt' | 'priority'>[],
  now: Date,
): LeadReport['backlog'] {
  const buckets: BacklogBucket[] = BACKLOG_AGES.map((age) => ({
    label: age.label,
    count: 0,
    byPriority: { P1: 0, P2: 0, P3: 0, P4: 0 },
  }));
  let count = 0;
  let oldest: Date | null = null;
  for (const ticket of open) {
    if (!OPEN.has(ticket.status)) continue;
    count += 1;
    if (!oldest || ticket.createdAt < oldest) oldest = ticket.createdAt;
    const ageDays = (now.getTime() - ticket.createdAt.getTime()) / DAY;
    const index = BACKLOG_AGES.findIndex((age) => ageDays < age.upToDays);
    const bucket = buckets[index]!;
    bucket.count += 1;
    bucket.byPriority[ticket.priority] = (bucket.byPriority[ticket.priority] ?? 0) + 1;
  }
  return { open: count, buckets, oldestCreatedAt: oldest?.toISOString() ?? null };
}

/** How many open tickets were opened in a range, of one priority: the store's count (TicketSearch's createdAfter / createdUntil). */
export type BacklogCount = (range: { createdAfter?: Date; createdUntil?: Date; priority: Priority }) => Promise<number>;

/**
 * backlogByAge by counting in the store instead of reading the tickets: exact however many are
 * open. Ages as backlogByAge (a ticket exactly a day old is in "1–3 days"): bucket i holds those
 * opened after now − upToDays[i] and at or before now − upToDays[i − 1].
 */
export async function countBacklog(
  count: BacklogCount,
  now: Date,
  oldestCreatedAt: Date | null,
): Promise<LeadReport['backlog']> {
  const at = (days: number) => (Number.isFinite(days) ? new Date(now.getTime() - days * DAY) : undefined);
  const buckets: BacklogBucket[] = [];
  let open = 0;
  for (const [i, age] of BACKLOG_AGES.entries()) {
    const after = at(age.upToDays);
    const until = i === 0 ? undefined : at(BACKLOG_AGES[i - 1]!.upToDays);
    const byPriority: BacklogBucket['byPriority'] = { P1: 0, P2: 0, P3: 0, P4: 0 };
    for (const priority of priorities)
      byPriority[priority] = await count({
        ...(after ? { createdAfter: after } : {}),
        ...(until ? { createdUntil: until } : {}),
        priority,
      });
    const total = priorities.reduce((sum, p) => sum + (byPriority[p] ?? 0), 0);
    open += total;
    buckets.push({ label: age.label, count: total, byPriority });
  }
  return { open, buckets, oldestCreatedAt: oldestCreatedAt?.toISOString() ?? null };
}

/** The most rows of the breaching list: past them, the queue's breaching filter pages through every one. */
export const BREACHING_LISTED = 200;

/** How the store reads and counts tickets (TicketRepository.search and countMatching). */
export interface TicketReads {
  search(search: TicketSearch, limit: number): Promise<Ticket[]>;
  countMatching(search: TicketSearch): Promise<number>;
}

/**
 * breachingNow from the store, exact however many tickets are open: the past due counted by the
 * database and the most late read in due-time order, the due soon as breachingSearch finds them
 * (every past-due ticket is more late than any due soon). At most `limit` rows.
 */
export async function findBreaching(
  store: TicketReads,
  sla: SlaPolicy,
  now: Date,
  limit = BREACHING_LISTED,
): Promise<LeadReport['breaching']> {
  const open: TicketSearch = { statuses: openStatuses };
  const pastDue: TicketSearch = { ...open, nextDueBefore: now };
  const [{ soon }, breached, late] = await Promise.all([
    breachingSearch(open, sla, now, (search, n) => store.search(search, n)),
    store.countMatching(pastDue),
    store.search({ ...pastDue, orderBy: 'nextDue' }, limit),
  ]);
  const { tickets } = breachingNow([...late, ...soon], now, sla);
  return { breached, soon: soon.length, tickets: tickets.slice(0, limit) };
}

/** Open tickets past an SLA due time or about to be (as the queue's "breaching" filter), most late first (by due time, then key). */
export function breachingNow(open: readonly Ticket[], now: Date, sla: SlaPolicy): LeadReport['breaching'] {
  const tickets: BreachingTicket[] = [];
  for (const ticket of open) {
    if (!OPEN.has(ticket.status)) continue;
    const state = sla.state(ticket, now);
    const due = sla.nextDue(ticket);
    if ((state !== 'breached' && state !== 'soon') || !due) continue;
    tickets.push({
      key: ticket.key,
      subject: ticket.subject,
      priority: ticket.priority,
      tier: ticket.tier,
      status: ticket.status,
      assignee: ticket.assigneeName ?? ticket.assigneeId,
      kind: due.kind,
      dueAt: due.at.toISOString(),
      state,
      lateMinutes: Math.round((now.getTime() - due.at.getTime()) / 60_000),
    });
  }
  tickets.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    breached: tickets.filter((t) => t.state === 'breached').length,
    soon: tickets.filter((t) => t.state === 'soon').length,
    tickets,
  };
}

/** What each part of the lead report counts (the metrics' definitions hold for every figure). */
export function leadDefinitions(query: LeadReportQuery): Record<string, string> {
  return {
    weeks:
      `Weeks run Monday 00:00 to Monday 00:00 in ${query.timeZone}. The period is the ${query.weeks} whole weeks before this week; ` +
      'the previous period is the same number of weeks just before it. This week so far is not counted (the backlog and breaching lists are live).',
    trend:
      'Each week is computed as the metrics report computes a period: tickets opened that week, the deflection rate of its questions, ' +
      'median minutes to first response and to resolution of its tickets, SLA compliance (met / (met + breached)) and the average rating.',
    engineers:
      'By the tickets’ audit events, not by who has them now. Claimed: tickets opened in the period that the engineer claimed or was assigned (also reassigned to), whoever has them now. ' +
      'Resolved: of the period’s tickets, those resolved now whose last resolve was theirs. Median first response and response SLA: over the tickets they took first. ' +
      'Median resolution, resolution SLA and rating: over the tickets they resolved.',
    channels:
      'Tickets opened in the period from each chat (alerts: tickets opened by monitoring), and for chats the questions asked there and their deflection rate.',
    tiersAndCategories: 'Tickets opened in the period by their current tier and category.',
    backlog: 'Tickets open now (new, claimed, escalated, waiting, reopened) by how long ago they were opened.',
    breaching:
      'Open tickets past the due time of their next SLA clock (first response, then resolution), or within the "breaching soon" window, most late first.',
  };
}
