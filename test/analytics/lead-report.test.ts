/**
 * The lead report's figures against ones worked out by hand: weeks in the reader's zone (clock
 * changes included), the period and the period before, medians of odd and even counts, SLA
 * compliance, per engineer, channel, tier and category, the backlog by age and what is breaching.
 */
import { describe, expect, it } from 'vitest';
import {
  backlogByAge,
  breachingNow,
  leadReport,
  leadReportLoadQuery,
  reportPeriods,
  startOfWeek,
  weeksBefore,
} from '../../src/core/analytics/lead-report.js';
import { isTimeZone, zoneOffsetMs } from '../../src/core/time-zones.js';
import type {
  MetricsHandling,
  MetricsInput,
  MetricsQuestion,
  MetricsTicket,
} from '../../src/core/analytics/metrics.js';
import { SlaPolicy } from '../../src/core/tickets/sla-policy.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';

const at = (iso: string) => new Date(iso);
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

function row(id: string, createdAt: string, extra: Partial<MetricsTicket> = {}): MetricsTicket {
  const created = at(createdAt);
  return {
    id,
    channel: 'slack',
    conversationKey: null,
    requesterId: `req-${id}`,
    priority: 'P3',
    tier: 'L1',
    category: 'network',
    status: 'new',
    createdAt: created,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    responseDueAt: plus(created, 30),
    resolveDueAt: plus(created, 240),
    satisfaction: null,
    assigneeId: null,
    assigneeName: null,
    ...extra,
  };
}

function handled(
  ticketId: string,
  kind: MetricsHandling['kind'],
  engineerId: string,
  engineerName: string | null,
  createdAt: string,
): MetricsHandling {
  return { ticketId, kind, engineerId, engineerName, createdAt: at(createdAt) };
}

function question(id: string, createdAt: string, extra: Partial<MetricsQuestion> = {}): MetricsQuestion {
  return {
    id,
    conversationKey: `slack:${id}`,
    channel: 'slack',
    userId: `user-${id}`,
    outcome: 'answered',
    articleId: 'vpn',
    createdAt: at(createdAt),
    ...extra,
  };
}

describe('weeks in the reader’s time zone', () => {
  it('knows real zone names and refuses anything else', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Pacific/Auckland', 'Asia/Kolkata'])
      expect(isTimeZone(zone), zone).toBe(true);
    for (const zone of ['', 'Mars/Olympus', '../../etc/passwd', 'Europe/Paris<script>', 'x'.repeat(100), ' UTC'])
      expect(isTimeZone(zone), zone).toBe(false);
  });

  it('finds Monday 00:00 in the zone, on either side of UTC', () => {
    const wednesday = at('2026-03-04T12:00:00Z');
    expect(startOfWeek(wednesday, 'UTC').toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(startOfWeek(wednesday, 'America/New_York').toISOString()).toBe('2026-03-02T05:00:00.000Z');
    expect(startOfWeek(wednesday, 'Asia/Kolkata').toISOString()).toBe('2026-03-01T18:30:00.000Z');
    // Sunday 12:00 UTC is already Monday 01:00 in Auckland (UTC+13): its week began an hour before.
    expect(startOfWeek(at('2026-03-01T12:00:00Z'), 'Pacific/Auckland').toISOString()).toBe('2026-03-01T11:00:00.000Z');
    // Monday 00:30 in Paris is Sunday 23:30 UTC: Paris's week, not UTC's.
    expect(startOfWeek(at('2026-03-08T23:30:00Z'), 'Europe/Paris').toISOString()).toBe('2026-03-08T23:00:00.000Z');
    expect(startOfWeek(at('2026-03-08T23:30:00Z'), 'UTC').toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('a week across the end of summer time is 169 hours, and each starts at local midnight', () => {
    expect(zoneOffsetMs(at('2026-10-20T12:00:00Z'), 'Europe/Paris')).toBe(2 * 3600_000);
    expect(zoneOffsetMs(at('2026-10-27T12:00:00Z'), 'Europe/Paris')).toBe(1 * 3600_000);
    const weeks = weeksBefore(startOfWeek(at('2026-11-04T12:00:00Z'), 'Europe/Paris'), 3, 'Europe/Paris');
    expect(weeks.map((w) => w.start.toISOString())).toEqual([
      '2026-10-11T22:00:00.000Z',
      '2026-10-18T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
    expect(weeks.map((w) => (w.end.getTime() - w.start.getTime()) / 3600_000)).toEqual([168, 169, 168]);
  });

  it('the period is the whole weeks before this one; the previous period the same count just before', () => {
    const periods = reportPeriods({ weeks: 2, timeZone: 'UTC', windowDays: 7 }, at('2026-03-18T12:00:00Z'));
    expect(periods.current.from.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(periods.current.to.toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(periods.previous.from.toISOString()).toBe('2026-02-16T00:00:00.000Z');
    expect(periods.previous.to.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(leadReportLoadQuery({ weeks: 2, timeZone: 'UTC', windowDays: 7 }, at('2026-03-18T12:00:00Z'))).toEqual({
      from: periods.previous.from,
      to: periods.current.to,
      windowDays: 7,
    });
  });
});

describe('the lead report’s figures', () => {
  const now = at('2026-03-18T12:00:00Z');
  const t1 = row('t1', '2026-03-03T09:00:00Z', {
    conversationKey: 'slack:qa',
    requesterId: 'user-qa',
    status: 'resolved',
    firstResponseAt: at('2026-03-03T09:10:00Z'),
    resolvedAt: at('2026-03-03T11:00:00Z'),
    satisfaction: 5,
    assigneeId: 'E1',
    assigneeName: 'Eve',
  });
  const t2 = row('t2', '2026-03-04T09:00:00Z', {
    status: 'resolved',
    firstResponseAt: at('2026-03-04T09:40:00Z'), // 40 min, due at 30: breached
    resolvedAt: at('2026-03-04T14:00:00Z'), // 300 min, due at 240: breached
    satisfaction: 3,
    assigneeId: 'E1',
    assigneeName: 'Eve',
  });
  const t3 = row('t3', '2026-03-10T09:00:00Z', {
    channel: 'teams',
    tier: 'L2',
    category: 'printing',
    status: 'claimed',
    firstResponseAt: at('2026-03-10T09:20:00Z'),
    assigneeId: 'E2',
    assigneeName: 'Max',
  });
  const t4 = row('t4', '2026-03-11T09:00:00Z', { channel: 'alerts' });
  const t5 = row('t5', '2026-02-24T09:00:00Z', {
    category: 'access',
    status: 'resolved',
    firstResponseAt: at('2026-02-24T10:00:00Z'),
    resolvedAt: at('2026-02-24T10:00:00Z'),
    satisfaction: 4,
    assigneeId: 'E1',
    assigneeName: 'Eve',
  });
  const t6 = row('t6', '2026-03-16T10:00:00Z', { channel: 'local' }); // this week: not counted
  const input: MetricsInput = {
    questions: [
      question('qa', '2026-03-03T08:00:00Z'), // followed by t1 in the same conversation: not deflected
      question('qb', '2026-03-05T08:00:00Z'), // deflected
      question('qc', '2026-03-10T08:00:00Z', { channel: 'teams', conversationKey: 'teams:c', outcome: 'no_answer' }),
    ],
    feedback: [],
    tickets: [t1, t2, t3, t4, t5, t6],
    escalations: [],
    // From the audit events: who has a ticket now is not who worked on it.
    handling: [
      handled('t1', 'took', 'E1', 'Eve', '2026-03-03T09:10:00Z'),
      handled('t1', 'resolved', 'E1', 'Eve', '2026-03-03T11:00:00Z'),
      handled('t2', 'took', 'E2', 'Max', '2026-03-04T09:40:00Z'), // Max claimed it first...
      handled('t2', 'took', 'E1', null, '2026-03-04T10:00:00Z'), // ...then it was reassigned to Eve (no name in that event)
      handled('t2', 'resolved', 'E1', 'Eve', '2026-03-04T14:00:00Z'),
      handled('t3', 'took', 'E2', 'Max', '2026-03-10T09:20:00Z'),
      handled('t4', 'took', 'E2', 'Max', '2026-03-12T09:00:00Z'), // claimed, later reopened: nobody has it now
      handled('t5', 'took', 'E1', 'Eve', '2026-02-24T10:00:00Z'),
      handled('t5', 'resolved', 'E1', 'Eve', '2026-02-24T10:00:00Z'),
    ],
  };
  const report = leadReport(input, [], {
    query: { weeks: 2, timeZone: 'UTC', windowDays: 7 },
    now,
    sla: new SlaPolicy(),
  });

  it('totals for the period and the one before', () => {
    expect(report.period).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
    expect(report.totals.current).toMatchObject({
      tickets: 4,
      questions: 3,
      deflectionRate: 0.3333,
      firstResponseMedianMinutes: 20, // 10, 20, 40
      resolutionMedianMinutes: 210, // 120, 300: the mean of the middle two
      slaResponseRate: 0.5, // t1 and t3 met; t2 late, t4 never answered and past due
      slaResolutionRate: 0.25, // t1 met; t2 late, t3 and t4 open past due
      satisfactionAverage: 4,
      rated: 2,
    });
    expect(report.totals.previous).toMatchObject({
      tickets: 1,
      firstResponseMedianMinutes: 60,
      slaResponseRate: 0,
      slaResolutionRate: 1,
      satisfactionAverage: 4,
    });
  });

  it('week by week, each beside the same week of the period before', () => {
    expect(report.trend.current.map((w) => [w.start.slice(0, 10), w.tickets, w.firstResponseMedianMinutes])).toEqual([
      ['2026-03-02', 2, 25],
      ['2026-03-09', 2, 20],
    ]);
    expect(report.trend.current.map((w) => w.deflectionRate)).toEqual([0.5, 0]);
    expect(report.trend.current.map((w) => w.slaResponseRate)).toEqual([0.5, 0.5]);
    expect(report.trend.previous.map((w) => [w.start.slice(0, 10), w.tickets])).toEqual([
      ['2026-02-16', 0],
      ['2026-02-23', 1],
    ]);
    // An empty week has no median and no rate, not zero.
    expect(report.trend.previous[0]).toMatchObject({
      firstResponseMedianMinutes: null,
      slaResponseRate: null,
      deflectionRate: null,
    });
  });

  it('per engineer, by who claimed and resolved (the audit events), not by who has the ticket now', () => {
    expect(report.engineers).toEqual([
      {
        key: 'E2',
        label: 'Max',
        tickets: 3, // t2 (then reassigned), t3, t4 (reopened since): Max has only t3 now
        previousTickets: 0,
        resolved: 0,
        firstResponseMedianMinutes: 30, // took first: t2 40, t3 20, t4 none
        resolutionMedianMinutes: null,
        slaResponseRate: 0.3333, // t3 met; t2 late, t4 never answered and past due
        slaResolutionRate: null, // resolved none
        satisfactionAverage: null,
        rated: 0,
      },
      {
        key: 'E1',
        label: 'Eve',
        tickets: 2, // t1, t2 (reassigned to her)
        previousTickets: 1,
        resolved: 2,
        firstResponseMedianMinutes: 10, // took first: t1 only
        resolutionMedianMinutes: 210, // resolved t1 120, t2 300
        slaResponseRate: 1,
        slaResolutionRate: 0.5,
        satisfactionAverage: 4,
        rated: 2,
      },
    ]);
    expect(report.unassigned).toBe(0);
  });

  it('per engineer with no events: nobody, and every period ticket counted as taken by nobody', () => {
    const bare = leadReport({ ...input, handling: [] }, [], {
      query: { weeks: 2, timeZone: 'UTC', windowDays: 7 },
      now,
      sla: new SlaPolicy(),
    });
    expect(bare.engineers).toEqual([]);
    expect(bare.unassigned).toBe(4);
  });

  it('per channel (with its questions), tier and category', () => {
    expect(report.channels.map((c) => [c.key, c.tickets, c.previousTickets, c.questions, c.deflectionRate])).toEqual([
      ['slack', 2, 1, 2, 0.5],
      ['teams', 1, 0, 1, 0],
      ['local', 0, 0, 0, null],
      ['alerts', 1, 0, 0, null],
    ]);
    expect(report.tiers.map((t) => [t.key, t.tickets, t.previousTickets])).toEqual([
      ['L1', 3, 1],
      ['L2', 1, 0],
      ['L3', 0, 0],
      ['L4', 0, 0],
    ]);
    expect(report.categories.map((c) => [c.key, c.tickets, c.previousTickets])).toEqual([
      ['network', 3, 0],
      ['printing', 1, 0],
      ['access', 0, 1],
    ]);
  });

  it('weeks follow the zone: a ticket on Monday 00:30 in Paris is in Paris’s new week', () => {
    const late = row('late', '2026-03-08T23:30:00Z');
    const rows = { ...input, questions: [], tickets: [late] };
    const options = { now, sla: new SlaPolicy() };
    const utc = leadReport(rows, [], { ...options, query: { weeks: 2, timeZone: 'UTC', windowDays: 7 } });
    const paris = leadReport(rows, [], { ...options, query: { weeks: 2, timeZone: 'Europe/Paris', windowDays: 7 } });
    expect(utc.trend.current.map((w) => w.tickets)).toEqual([1, 0]);
    expect(paris.trend.current.map((w) => w.tickets)).toEqual([0, 1]);
    expect(paris.trend.current[1]!.start).toBe('2026-03-08T23:00:00.000Z');
  });
});

function openTicket(key: string, createdAt: Date, extra: Partial<Ticket> = {}): Ticket {
  return {
    id: key,
    key,
    subject: `Subject ${key}`,
    description: '',
    question: null,
    transcript: [],
    collected: {},
    priority: 'P3',
    tier: 'L1',
    category: 'general',
    status: 'new',
    channel: 'slack',
    conversationKey: null,
    requesterId: 'U1',
    requesterName: null,
    assigneeId: null,
    assigneeName: null,
    version: 0,
    createdAt,
    updatedAt: createdAt,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    responseDueAt: null,
    resolveDueAt: null,
    satisfaction: null,
    statusChangedAt: null,
    vendorName: null,
    vendorCaseRef: null,
    vendorContact: null,
    ...extra,
  };
}

describe('the open backlog and what is breaching now', () => {
  const now = at('2026-03-18T12:00:00Z');
  const o1 = openTicket('HD-1', plus(now, -120), { priority: 'P1', responseDueAt: plus(now, -60) });
  const o2 = openTicket('HD-2', plus(now, -5 * 1440), {
    status: 'claimed',
    assigneeName: 'Eve',
    firstResponseAt: plus(now, -5 * 1440 + 5),
    resolveDueAt: plus(now, 30),
  });
  const o3 = openTicket('HD-3', plus(now, -40 * 1440), {
    priority: 'P4',
    status: 'waiting',
    resolveDueAt: plus(now, 14_400),
  });
  const done = openTicket('HD-4', plus(now, -3 * 1440), { status: 'resolved', responseDueAt: plus(now, -1000) });
  const open = [o1, o2, o3, done];

  it('ages the open tickets, each age split by priority', () => {
    const backlog = backlogByAge(open, now);
    expect(backlog.open).toBe(3);
    expect(backlog.oldestCreatedAt).toBe(o3.createdAt.toISOString());
    expect(backlog.buckets.map((b) => [b.label, b.count])).toEqual([
      ['under 1 day', 1],
      ['1–3 days', 0],
      ['3–7 days', 1],
      ['1–2 weeks', 0],
      ['2–4 weeks', 0],
      ['over 4 weeks', 1],
    ]);
    expect(backlog.buckets[0]!.byPriority).toEqual({ P1: 1, P2: 0, P3: 0, P4: 0 });
    expect(backlog.buckets[5]!.byPriority).toEqual({ P1: 0, P2: 0, P3: 0, P4: 1 });
  });

  it('an age on its bound goes to the older bucket', () => {
    const exactlyOneDay = openTicket('HD-9', plus(now, -1440));
    expect(backlogByAge([exactlyOneDay], now).buckets.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('lists the breached (most late first) and the soon due; settled and on-time tickets are not there', () => {
    const breaching = breachingNow(open, now, new SlaPolicy());
    expect(breaching.breached).toBe(1);
    expect(breaching.soon).toBe(1);
    expect(breaching.tickets).toEqual([
      {
        key: 'HD-1',
        subject: 'Subject HD-1',
        priority: 'P1',
        tier: 'L1',
        status: 'new',
        assignee: null,
        kind: 'response',
        dueAt: plus(now, -60).toISOString(),
        state: 'breached',
        lateMinutes: 60,
      },
      expect.objectContaining({ key: 'HD-2', kind: 'resolution', state: 'soon', lateMinutes: -30, assignee: 'Eve' }),
    ]);
  });
});

describe('many rows (sorted a run at a time and merged)', () => {
  it('each week counts exactly its own rows, in any order of input', () => {
    const now = at('2026-03-18T12:00:00Z');
    const query = { weeks: 4, timeZone: 'Europe/Paris', windowDays: 7 };
    const { from, to } = leadReportLoadQuery(query, now);
    let state = 3;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const when = () => new Date(from.getTime() + Math.floor(next() * (to.getTime() - from.getTime())));
    // Over 4,096 of each, unsorted, with equal instants among them.
    const questions = Array.from({ length: 12_345 }, (_, i) =>
      question(`q${i}`, (i % 50 === 0 ? from : when()).toISOString()),
    );
    const tickets = Array.from({ length: 9_001 }, (_, i) => row(`t${i}`, when().toISOString()));
    const report = leadReport({ questions, feedback: [], tickets, escalations: [] }, [], {
      query,
      now,
      sla: new SlaPolicy(),
    });
    for (const week of [...report.trend.previous, ...report.trend.current]) {
      const inWeek = (d: Date) => d >= new Date(week.start) && d < new Date(week.end);
      expect(week.questions).toBe(questions.filter((q) => inWeek(q.createdAt)).length);
      expect(week.tickets).toBe(tickets.filter((t) => inWeek(t.createdAt)).length);
    }
    expect(report.totals.current.tickets + report.totals.previous.tickets).toBe(9_001);
  });
});
