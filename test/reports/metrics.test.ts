import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import {
  computeMetrics,
  percentile,
  type LoadProgress,
  type MetricsInput,
  type MetricsQuestion,
  type MetricsTicket,
} from '../../src/core/analytics/metrics.js';
import { MemoryMetricsSource } from '../../src/store/memory/memory-metrics-source.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { parseIsoDate, parseReportQuery } from '../../src/reports/report-query.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { expectedFigures, PERIOD, seedMetrics, seedMetricsMemory } from './seed.js';

const day = (d: string) => new Date(`${d}T00:00:00Z`);
const query = { from: day('2026-03-01'), to: day('2026-04-01'), windowDays: 7 };
const now = day('2026-11-01');

function figures(report: ReturnType<typeof computeMetrics>) {
  const { generatedAt: _generatedAt, definitions: _definitions, ...rest } = report;
  return rest;
}

describe('metrics on the seeded database', () => {
  let app: App;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    await seedMetrics(app.store.prisma);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('every figure is the one computed by hand', async () => {
    const input = await new PrismaMetricsSource(app.store.prisma).load(query);
    const report = computeMetrics(input, query, now);
    expect(figures(report)).toEqual(expectedFigures);
    expect(report.generatedAt).toBe('2026-11-01T00:00:00.000Z');
    expect(Object.keys(report.definitions)).toEqual(
      expect.arrayContaining([
        'period',
        'window',
        'deflectionRate',
        'helpfulRatio',
        'timeToFirstResponse',
        'timeToResolution',
        'slaCompliance',
        'escalationRate',
        'satisfaction',
      ]),
    );
  });

  it('loads in pages, reporting progress, with the same result as one big page', async () => {
    const progress: LoadProgress[] = [];
    const paged = await new PrismaMetricsSource(app.store.prisma, 2).load(query, (p) => progress.push(p));
    const whole = await new PrismaMetricsSource(app.store.prisma, 10_000).load(query);
    expect(computeMetrics(paged, query, now)).toEqual(computeMetrics(whole, query, now));
    // Questions and tickets up to to + 7 days (follow-ups), feedback and escalations of the period's rows only.
    expect(paged.questions).toHaveLength(12);
    expect(paged.tickets).toHaveLength(8);
    expect(paged.feedback).toHaveLength(6);
    expect(paged.escalations).toHaveLength(4);
    expect(progress.filter((p) => p.stage === 'tickets')).toEqual(
      [2, 4, 6, 8].map((loaded) => ({ stage: 'tickets', loaded, total: 8 })),
    );
    expect(progress.filter((p) => p.stage === 'escalations').at(-1)).toEqual({
      stage: 'escalations',
      loaded: 4,
      total: 4,
    });
  });

  it('the in-memory twin reads the same rows, so gives the same figures', async () => {
    const sorted = (input: MetricsInput) => {
      const by =
        <T>(key: (row: T) => string) =>
        (a: T, b: T) =>
          key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
      return {
        questions: [...input.questions].sort(by((q) => q.id)),
        feedback: [...input.feedback].sort(by((f) => `${f.questionId} ${f.userId}`)),
        tickets: [...input.tickets].sort(by((t) => t.id)),
        escalations: [...input.escalations].sort(by((e) => `${e.ticketId} ${e.createdAt.toISOString()}`)),
      };
    };
    const memory = await new MemoryMetricsSource(await seedMetricsMemory()).load(query);
    expect(sorted(memory)).toEqual(sorted(await new PrismaMetricsSource(app.store.prisma).load(query)));
    const { generatedAt: _g, definitions: _d, ...figures } = computeMetrics(memory, query, now);
    expect(figures).toEqual(expectedFigures);
  });

  it('an empty period gives zeros and nulls, not errors', async () => {
    const empty = { from: day('2020-01-01'), to: day('2020-02-01'), windowDays: 7 };
    const progress: LoadProgress[] = [];
    const report = computeMetrics(
      await new PrismaMetricsSource(app.store.prisma).load(empty, (p) => progress.push(p)),
      empty,
      now,
    );
    expect(progress).toEqual(
      ['questions', 'feedback', 'tickets', 'escalations'].map((stage) => ({ stage, loaded: 0, total: 0 })),
    );
    expect(report.deflection).toMatchObject({ questions: 0, deflected: 0, rate: null });
    expect(report.articles).toEqual([]);
    expect(report.tickets).toEqual({
      opened: 0,
      byTier: { L1: 0, L2: 0, L3: 0, L4: 0 },
      byPriority: { P1: 0, P2: 0, P3: 0, P4: 0 },
      byCategory: {},
    });
    expect(report.timeToFirstResponse).toEqual({ count: 0, medianMinutes: null, p90Minutes: null });
    expect(report.sla.response.rate).toBeNull();
    expect(report.satisfaction).toMatchObject({ eligible: 0, rated: 0, responseRate: null, average: null });
  });
});

const question = (over: Partial<MetricsQuestion>): MetricsQuestion => ({
  id: 'q',
  conversationKey: 'conv',
  channel: 'slack',
  userId: 'u',
  outcome: 'answered',
  articleId: 'a',
  createdAt: day('2026-03-10'),
  ...over,
});

const ticket = (over: Partial<MetricsTicket>): MetricsTicket => ({
  id: 't',
  channel: 'slack',
  conversationKey: null,
  requesterId: 'someone',
  priority: 'P3',
  tier: 'L1',
  category: 'general',
  status: 'new',
  createdAt: day('2026-03-10'),
  firstResponseAt: null,
  resolvedAt: null,
  closedAt: null,
  responseDueAt: null,
  resolveDueAt: null,
  satisfaction: null,
  ...over,
});

const input = (over: Partial<MetricsInput>): MetricsInput => ({
  questions: [],
  feedback: [],
  tickets: [],
  escalations: [],
  ...over,
});

describe('computeMetrics rules', () => {
  it('a ticket in the same conversation from another user is a follow-up; one just after the window, or at the same instant, is not', () => {
    const q = question({ id: 'q1', conversationKey: 'shared', userId: 'ann' });
    const at = (ms: number) => new Date(q.createdAt.getTime() + ms);
    const week = 7 * 24 * 3600_000;
    const run = (t: MetricsTicket) => computeMetrics(input({ questions: [q], tickets: [t] }), query, now).deflection;
    expect(run(ticket({ conversationKey: 'shared', requesterId: 'bob', createdAt: at(week) }))).toMatchObject({
      followedByTicket: 1,
      deflected: 0,
    });
    expect(run(ticket({ conversationKey: 'shared', requesterId: 'bob', createdAt: at(week + 1) }))).toMatchObject({
      followedByTicket: 0,
      deflected: 1,
    });
    expect(run(ticket({ conversationKey: 'shared', createdAt: at(0) }))).toMatchObject({ deflected: 1 });
    expect(run(ticket({ requesterId: 'ann', channel: 'teams', createdAt: at(1) }))).toMatchObject({ deflected: 1 });
    expect(run(ticket({ requesterId: 'ann', channel: 'slack', createdAt: at(1) }))).toMatchObject({
      followedByTicket: 1,
    });
  });

  it('a not-helpful vote from anyone removes a question from the deflected; an earlier question is no re-ask', () => {
    const q1 = question({ id: 'q1' });
    const earlier = question({ id: 'q0', createdAt: day('2026-03-09') });
    const report = computeMetrics(
      input({ questions: [earlier, q1], feedback: [{ questionId: 'q1', userId: 'other', helpful: false }] }),
      query,
      now,
    );
    // q0 is followed by q1 (a re-ask); q1 was voted not helpful.
    expect(report.deflection).toMatchObject({ questions: 2, notHelpful: 1, followedByReask: 1, deflected: 0 });
  });

  it('a recent deflected question is flagged as still in its window', () => {
    const q = question({ createdAt: day('2026-03-30') });
    expect(computeMetrics(input({ questions: [q] }), query, day('2026-04-02')).deflection).toMatchObject({
      deflected: 1,
      stillInWindow: 1,
    });
    expect(computeMetrics(input({ questions: [q] }), query, day('2026-04-07')).deflection).toMatchObject({
      deflected: 1,
      stillInWindow: 0,
    });
  });

  it('SLA: open and not yet due is pending, closed early without a response is not counted, closed late without one is breached', () => {
    const opened = day('2026-03-10');
    const due = (minutes: number) => new Date(opened.getTime() + minutes * 60_000);
    const report = computeMetrics(
      input({
        tickets: [
          ticket({ id: 'a', responseDueAt: due(60), resolveDueAt: due(600) }),
          ticket({ id: 'b', status: 'closed', closedAt: due(30), responseDueAt: due(60), resolveDueAt: due(600) }),
          ticket({ id: 'c', status: 'closed', closedAt: due(90), responseDueAt: due(60), resolveDueAt: due(600) }),
        ],
      }),
      query,
      due(45),
    );
    expect(report.sla.response).toEqual({ withDueTime: 3, met: 0, breached: 1, pending: 1, notNeeded: 1, rate: 0 });
    // Resolution: closed counts as done (as SlaPolicy does), both closings before the due time.
    expect(report.sla.resolution).toEqual({ withDueTime: 3, met: 2, breached: 0, pending: 1, notNeeded: 0, rate: 1 });
  });

  it("escalation counts tickets, not events, and starts from the first escalation's tier", () => {
    const t = ticket({ id: 't', tier: 'L3' });
    const step = (from: string, to: string, minutes: number) => ({
      ticketId: 't',
      fromTier: from,
      toTier: to,
      createdAt: new Date(t.createdAt.getTime() + minutes * 60_000),
    });
    const report = computeMetrics(
      input({ tickets: [t], escalations: [step('L2', 'L3', 20), step('L1', 'L2', 10)] }),
      query,
      now,
    );
    expect(report.escalation).toEqual({
      L1: { atTier: 1, escalated: 1, rate: 1 },
      L2: { atTier: 1, escalated: 1, rate: 1 },
      L3: { atTier: 1, escalated: 0, rate: 0 },
      L4: { atTier: 0, escalated: 0, rate: null },
    });
  });

  it('percentile interpolates between ranks', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBeCloseTo(91);
  });
});

describe('report query', () => {
  const at = day('2026-05-15');
  it('defaults to the last 30 days and the given window', () => {
    expect(parseReportQuery({}, at, 5)).toEqual({
      ok: true,
      query: { from: day('2026-04-15'), to: at, windowDays: 5 },
    });
    expect(parseReportQuery(PERIOD, at)).toEqual({ ok: true, query });
  });
  it('refuses bad dates and windows, naming the parameter', () => {
    for (const bad of ['2026-02-30', '2026-13-01', 'yesterday', '2026-03-01T10:00', '1', '2026-3-1'])
      expect(parseIsoDate(bad)).toBeNull();
    expect(parseIsoDate('2026-03-01T10:00+02:00')?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(parseReportQuery({ from: 'nope' }, at)).toMatchObject({ ok: false, error: expect.stringMatching(/^from:/) });
    expect(parseReportQuery({ from: '2026-04-01', to: '2026-03-01' }, at)).toMatchObject({
      ok: false,
      error: expect.stringContaining('must be before'),
    });
    expect(parseReportQuery({ window: '-1' }, at)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^window:/),
    });
    expect(parseReportQuery({ window: '1.5' }, at)).toMatchObject({ ok: false });
  });
});
