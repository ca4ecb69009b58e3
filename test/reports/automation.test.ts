import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { defaultThresholds } from '../../src/core/answering/answer-engine.js';
import {
  automationRanges,
  automationReport,
  computeAutomation,
  handlingMinutes,
  type AutomationInput,
  type AutomationProgress,
  type AutomationTicket,
  type KnowledgeCatalog,
} from '../../src/core/analytics/automation.js';
import { loadCatalog } from '../../src/reports/knowledge-catalog.js';
import { MemoryAutomationSource } from '../../src/store/memory/memory-automation-source.js';
import { PrismaAutomationSource } from '../../src/store/prisma/prisma-automation-source.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import {
  AUTOMATION_KB,
  AUTOMATION_NOW,
  expectedAutomation,
  seedAutomation,
  seedAutomationMemory,
} from './automation-seed.js';

const day = (d: string) => new Date(`${d}T00:00:00Z`);
const query = { from: day('2026-06-01'), to: day('2026-07-01'), windowDays: 7, compareDays: 30 };

function figures(report: Awaited<ReturnType<typeof automationReport>>) {
  const { generatedAt: _generatedAt, definitions: _definitions, ...rest } = report;
  return rest;
}

/** Loaded rows in a fixed order, to compare two readers. */
function normalised(input: AutomationInput) {
  const by =
    <T>(key: (row: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  return {
    tickets: [...input.tickets].sort(by((t) => t.id)),
    events: [...input.events].sort(by((e) => `${e.ticketId} ${e.createdAt.toISOString()} ${e.toStatus}`)),
    questions: [...input.questions].sort(by((q) => q.id)),
    feedback: [...input.feedback].sort(by((f) => `${f.questionId} ${f.userId}`)),
    scriptRuns: [...input.scriptRuns].sort(by((r) => r.id)),
  };
}

let catalog: KnowledgeCatalog;
beforeAll(async () => {
  const loaded = await loadCatalog(AUTOMATION_KB, defaultThresholds);
  expect(loaded.problems).toBe(0);
  catalog = loaded.catalog;
});

describe('automation report on the seeded database', () => {
  let app: App;
  let cleanup: () => void;
  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    await seedAutomation(app.store.prisma);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('every figure is the one computed by hand', async () => {
    const report = await automationReport(new PrismaAutomationSource(app.store.prisma), catalog, query, AUTOMATION_NOW);
    expect(figures(report)).toEqual(expectedAutomation);
    expect(report.generatedAt).toBe('2026-09-01T00:00:00.000Z');
    expect(Object.keys(report.definitions)).toEqual(
      expect.arrayContaining([
        'groups',
        'handling',
        'reopenRate',
        'coverage',
        'hoursSaved',
        'articleDeflected',
        'scriptDeflected',
        'beforeAfter',
      ]),
    );
  });

  it('the history and the ranges: first uses, the oldest ticket, and the spans they need', async () => {
    const history = await new PrismaAutomationSource(app.store.prisma).history();
    expect(history).toEqual({
      articles: [
        { id: 'printer-jam', firstUsedAt: new Date('2026-06-03T10:00:00Z') },
        { id: 'vpn-connect', firstUsedAt: new Date('2026-05-01T09:00:00Z') },
      ],
      scripts: [{ id: 'vpn-fix', firstUsedAt: new Date('2026-06-02T09:00:00Z') }],
      earliestTicketAt: new Date('2026-03-15T09:00:00Z'),
    });
    // From vpn-connect's first use less 30 days to the period's end plus the 7-day window (after printer-jam's first use plus 30 days).
    expect(automationRanges(query, history)).toEqual({
      tickets: { from: new Date('2026-04-01T09:00:00Z'), to: new Date('2026-07-08T00:00:00Z') },
      questions: { from: query.from, to: query.to },
      scriptRuns: { from: query.from, to: query.to },
    });
  });

  it('reads page by page with progress, the same rows as one big page and as the in-memory twin', async () => {
    const history = await new PrismaAutomationSource(app.store.prisma).history();
    const ranges = automationRanges(query, history);
    const progress: AutomationProgress[] = [];
    const paged = await new PrismaAutomationSource(app.store.prisma, 2).load(ranges, (p) => progress.push(p));
    const whole = await new PrismaAutomationSource(app.store.prisma, 10_000).load(ranges);
    expect(normalised(paged)).toEqual(normalised(whole));
    // b0 (before the span) is not read; a1 (after the period, inside the span) is.
    expect(paged.tickets.map((t) => t.id)).not.toContain('b0');
    expect(paged.tickets).toHaveLength(19);
    expect(paged.events.every((e) => ['claimed', 'resolved', 'reopened'].includes(e.toStatus))).toBe(true);
    expect(progress.filter((p) => p.stage === 'tickets').map((p) => p.loaded)).toEqual([
      2, 4, 6, 8, 10, 12, 14, 16, 18, 19,
    ]);
    expect(progress.filter((p) => p.stage === 'script runs').at(-1)).toEqual({
      stage: 'script runs',
      loaded: 5,
      total: 5,
    });

    const memory = new MemoryAutomationSource(await seedAutomationMemory());
    expect(await memory.history()).toEqual(history);
    expect(normalised(await memory.load(ranges))).toEqual(normalised(whole));
  });

  it('an empty period: no groups, zero uses, no rates, and no errors', async () => {
    const empty = { from: day('2020-01-01'), to: day('2020-02-01'), windowDays: 7, compareDays: 30 };
    const source = new PrismaAutomationSource(app.store.prisma);
    const report = computeAutomation(
      await source.load({ tickets: empty, questions: empty, scriptRuns: empty }),
      await source.history(),
      catalog,
      empty,
      AUTOMATION_NOW,
    );
    expect(report.tickets).toBe(0);
    expect(report.groups).toEqual([]);
    expect(report.assumptions).toMatchObject({
      articleUses: 0,
      articleDeflectionRate: null,
      scriptRuns: 0,
      scriptDeflectionRate: null,
    });
    expect(report.shipped.map((s) => [s.id, s.uses, s.rate.value])).toEqual([
      ['printer-jam', 0, null],
      ['vpn-connect', 0, null],
      ['vpn-fix', 0, null],
    ]);
  });
});

describe('automation report on an empty database', () => {
  it('gives an empty report: no history, no groups, items never used', async () => {
    const source = new MemoryAutomationSource(await seedEmpty());
    const report = await automationReport(source, catalog, query, AUTOMATION_NOW);
    expect(report.groups).toEqual([]);
    expect(
      report.shipped.every((s) => s.firstUsedAt === null && s.before.note === 'never used' && s.change === null),
    ).toBe(true);
  });
});

async function seedEmpty() {
  const { MemoryTicketRepository } = await import('../../src/store/memory/memory-ticket-repository.js');
  const { MemoryQuestionLog } = await import('../../src/store/memory/memory-question-log.js');
  const { MemoryScriptRunLog } = await import('../../src/store/memory/memory-script-run-log.js');
  return {
    tickets: new MemoryTicketRepository(),
    questions: new MemoryQuestionLog(),
    scriptRuns: new MemoryScriptRunLog(),
  };
}

const ticket = (over: Partial<AutomationTicket> = {}): AutomationTicket => ({
  id: 't',
  key: 'HD-1',
  channel: 'slack',
  conversationKey: null,
  requesterId: 'u',
  subject: 'subject',
  question: null,
  category: 'general',
  createdAt: day('2026-06-10'),
  firstResponseAt: null,
  ...over,
});

describe('automation rules', () => {
  const t0 = day('2026-06-10').getTime();
  const ev = (minutes: number, toStatus: 'claimed' | 'resolved' | 'reopened') => ({
    ticketId: 't',
    toStatus,
    resolution: null,
    createdAt: new Date(t0 + minutes * 60_000),
  });

  it('handling time: from the first claim of each cycle to its resolution; a reopening starts a new cycle', () => {
    expect(handlingMinutes(ticket(), [])).toBeNull();
    expect(handlingMinutes(ticket(), [ev(10, 'claimed')])).toBeNull();
    expect(handlingMinutes(ticket(), [ev(5, 'resolved')])).toBeNull();
    expect(handlingMinutes(ticket(), [ev(10, 'claimed'), ev(20, 'claimed'), ev(70, 'resolved')])).toBe(60);
    // Claimed at 10, resolved at 40; reopened at 100, resolved at 130 without a claim: only the first cycle counts.
    expect(
      handlingMinutes(ticket(), [ev(10, 'claimed'), ev(40, 'resolved'), ev(100, 'reopened'), ev(130, 'resolved')]),
    ).toBe(30);
    // A claim before a reopening does not carry over into the next cycle.
    expect(
      handlingMinutes(ticket(), [
        ev(10, 'claimed'),
        ev(40, 'resolved'),
        ev(100, 'reopened'),
        ev(110, 'claimed'),
        ev(200, 'resolved'),
      ]),
    ).toBe(120);
  });

  it('a group is covered only by an article that covers at least half of its tickets', () => {
    const cover = (text: string) => ({ articleId: text.includes('one') ? 'a' : null, scriptId: null });
    const custom: KnowledgeCatalog = { articles: [{ id: 'a', title: 'A' }], scripts: [], cover };
    const tickets = ['printer one', 'printer two', 'printer three'].map((subject, i) =>
      ticket({ id: `t${i}`, key: `HD-${i}`, subject, createdAt: new Date(t0 + i * 60_000) }),
    );
    const input = { tickets, events: [], questions: [], feedback: [], scriptRuns: [] };
    const history = { articles: [], scripts: [], earliestTicketAt: null };
    const [group] = computeAutomation(input, history, custom, query, AUTOMATION_NOW).groups;
    expect(group!.coverage).toMatchObject({ articleId: null, articleTickets: 1 });
    const half = computeAutomation({ ...input, tickets: tickets.slice(0, 2) }, history, custom, query, AUTOMATION_NOW)
      .groups[0]!;
    expect(half.coverage).toMatchObject({ articleId: 'a', articleTickets: 1 });
    expect(half.suggestion).toBe('script');
  });

  it('fewer than 5 uses give no deflection rate and no estimate, whatever the group', () => {
    const tickets = [10, 20, 30].map((m, i) =>
      ticket({ id: `t${i}`, key: `HD-${i}`, subject: 'shared mailbox access', createdAt: new Date(t0 + i * 60_000) }),
    );
    const events = tickets.flatMap((t) => [
      { ticketId: t.id, toStatus: 'claimed' as const, resolution: null, createdAt: t.createdAt },
      {
        ticketId: t.id,
        toStatus: 'resolved' as const,
        resolution: 'done',
        createdAt: new Date(t.createdAt.getTime() + 3600_000),
      },
    ]);
    const questions = [1, 2, 3, 4].map((i) => ({
      id: `q${i}`,
      conversationKey: `c${i}`,
      channel: 'slack',
      userId: `u${i}`,
      outcome: 'answered',
      articleId: 'x',
      createdAt: new Date(t0 + i * 1000),
    }));
    const report = computeAutomation(
      { tickets, events, questions, feedback: [], scriptRuns: [] },
      { articles: [], scripts: [], earliestTicketAt: null },
      catalog,
      query,
      AUTOMATION_NOW,
    );
    expect(report.assumptions).toMatchObject({ articleUses: 4, articleDeflected: 4, articleDeflectionRate: null });
    expect(report.groups[0]!.savings).toEqual({
      hoursPerMonth: null,
      deflectionRate: null,
      note: 'not enough data: fewer than 5 answers with shipped articles for a deflection rate',
    });
  });

  it('an after-span that has not ended, or a before-span older than the data, is not counted', () => {
    const history = {
      articles: [{ id: 'printer-jam', firstUsedAt: day('2026-06-20') }],
      scripts: [],
      earliestTicketAt: day('2026-06-01'),
    };
    const report = computeAutomation(
      { tickets: [], events: [], questions: [], feedback: [], scriptRuns: [] },
      history,
      catalog,
      query,
      day('2026-07-01'),
    );
    const item = report.shipped.find((s) => s.id === 'printer-jam')!;
    expect(item.before).toEqual({ tickets: null, note: 'starts before the oldest ticket' });
    expect(item.after).toEqual({ tickets: null, note: 'not over yet' });
    expect(item.change).toBeNull();
  });
});
