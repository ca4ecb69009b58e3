/**
 * How long the lead report holds the event loop at a large size: 10,000 tickets, 50,000 questions,
 * 5,000 votes and their claim and resolve events over the period and the one before, 2,000 open
 * tickets, from a fixed sequence (the same rows every run). Runs leadReportSteps as the web route
 * does (runStepsPaced) while a 1 ms timer measures the longest the loop was held, and times each
 * step alone; then renders the page. Prints min/median/max over the runs.
 *
 *   node --import tsx src/bench/lead-report-bench.ts [--weeks 26] [--runs 5]
 */
import { performance } from 'node:perf_hooks';
import { leadReportLoadQuery, leadReportSteps, type LeadReportQuery } from '../core/analytics/lead-report.js';
import type { MetricsHandling, MetricsInput, MetricsQuestion, MetricsTicket } from '../core/analytics/metrics.js';
import { runStepsPaced } from '../core/answering/time-slicing.js';
import { SlaPolicy } from '../core/tickets/sla-policy.js';
import type { Ticket } from '../core/tickets/ticket.js';
import { reportPage } from '../web/report-page.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const weeks = flag('weeks', 26);
const runs = flag('runs', 5);
const MINUTE = 60_000;

function rows(now: Date, query: LeadReportQuery): { input: MetricsInput; open: Ticket[] } {
  let state = 11;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  const { from, to } = leadReportLoadQuery(query, now);
  const span = to.getTime() - from.getTime();
  const at = () => new Date(from.getTime() + next() * span);
  const engineers = Array.from({ length: 12 }, (_, i) => ({ id: `UENG${i}`, name: `Engineer ${i}` }));
  const channels = ['slack', 'teams', 'local', 'alerts'];
  const questions: MetricsQuestion[] = Array.from({ length: 50_000 }, (_, i) => ({
    id: `q${i}`,
    conversationKey: `c${Math.floor(next() * 20_000)}`,
    channel: pick(channels.slice(0, 3)),
    userId: `u${Math.floor(next() * 3_000)}`,
    outcome: pick(['answered', 'answered', 'chosen', 'suggested', 'no_answer']),
    articleId: `a${Math.floor(next() * 200)}`,
    createdAt: at(),
  }));
  const feedback = Array.from({ length: 5_000 }, (_, i) => ({
    questionId: `q${i * 10}`,
    userId: questions[i * 10]!.userId,
    helpful: next() < 0.8,
  }));
  const handling: MetricsHandling[] = [];
  const tickets: MetricsTicket[] = Array.from({ length: 10_000 }, (_, i) => {
    const createdAt = at();
    const engineer = next() < 0.9 ? pick(engineers) : null;
    const response = engineer ? new Date(createdAt.getTime() + next() * 120 * MINUTE) : null;
    const resolved = engineer && next() < 0.8 ? new Date(createdAt.getTime() + next() * 3000 * MINUTE) : null;
    if (engineer && response)
      handling.push({
        ticketId: `t${i}`,
        kind: 'took',
        engineerId: engineer.id,
        engineerName: engineer.name,
        createdAt: response,
      });
    if (engineer && resolved)
      handling.push({
        ticketId: `t${i}`,
        kind: 'resolved',
        engineerId: engineer.id,
        engineerName: engineer.name,
        createdAt: resolved,
      });
    return {
      id: `t${i}`,
      channel: pick(channels),
      conversationKey: next() < 0.5 ? `c${Math.floor(next() * 20_000)}` : null,
      requesterId: `u${Math.floor(next() * 3_000)}`,
      priority: pick(['P1', 'P2', 'P3', 'P4']),
      tier: pick(['L1', 'L1', 'L2', 'L3']),
      category: pick(['network', 'printing', 'hardware', 'accounts', 'software', 'email']),
      status: resolved ? 'resolved' : engineer ? 'claimed' : 'new',
      createdAt,
      firstResponseAt: response,
      resolvedAt: resolved,
      closedAt: null,
      responseDueAt: new Date(createdAt.getTime() + 60 * MINUTE),
      resolveDueAt: new Date(createdAt.getTime() + 480 * MINUTE),
      satisfaction: resolved && next() < 0.5 ? 1 + Math.floor(next() * 5) : null,
      assigneeId: engineer?.id ?? null,
      assigneeName: engineer?.name ?? null,
    };
  });
  const open: Ticket[] = Array.from({ length: 2_000 }, (_, i) => {
    const createdAt = new Date(now.getTime() - next() * 60 * 24 * 60 * MINUTE);
    return {
      id: `o${i}`,
      key: `HD-${i}`,
      subject: `Open ticket ${i}`,
      description: '',
      question: null,
      transcript: [],
      collected: {},
      priority: pick(['P1', 'P2', 'P3', 'P4'] as const),
      tier: 'L1',
      category: 'network',
      status: 'new',
      channel: 'slack',
      conversationKey: null,
      requesterId: 'u1',
      requesterName: null,
      assigneeId: null,
      assigneeName: null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
      firstResponseAt: null,
      resolvedAt: null,
      closedAt: null,
      responseDueAt: new Date(createdAt.getTime() + 60 * MINUTE),
      resolveDueAt: new Date(createdAt.getTime() + 480 * MINUTE),
      satisfaction: null,
      statusChangedAt: null,
      vendorName: null,
      vendorCaseRef: null,
      vendorContact: null,
    };
  });
  return { input: { questions, feedback, tickets, escalations: [], handling }, open };
}

/** The longest the event loop waited past a 1 ms timer while `work` ran. */
async function heldWhile<T>(work: () => Promise<T>): Promise<{ result: T; heldMs: number }> {
  let heldMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const at = performance.now();
    heldMs = Math.max(heldMs, at - last);
    last = at;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const result = await work();
  running = false;
  tick();
  return { result, heldMs };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(v < 10 ? 1 : 0);
  return `${f(sorted[0]!)}/${f(sorted[Math.floor(sorted.length / 2)]!)}/${f(sorted.at(-1)!)}`;
};

const now = new Date('2026-12-02T12:00:00Z');
const query: LeadReportQuery = { weeks, timeZone: 'Europe/Paris', windowDays: 7 };
const sla = new SlaPolicy();
const totals: number[] = [];
const held: number[] = [];
const longestStep: number[] = [];
const longestStepCpu: number[] = [];
const render: number[] = [];
for (let run = 0; run < runs; run += 1) {
  const { input, open } = rows(now, query);
  // Each step alone, timed: what runStepsPaced cannot split.
  const steps = leadReportSteps(input, open, { query, now, sla });
  let longest = 0;
  let longestCpu = 0;
  for (;;) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const step = steps.next();
    const used = process.cpuUsage(cpu);
    longest = Math.max(longest, performance.now() - started);
    // CPU time of the step: a busy machine's descheduling is not in it (a GC thread's work is).
    longestCpu = Math.max(longestCpu, (used.user + used.system) / 1000);
    if (step.done) break;
  }
  longestStep.push(longest);
  longestStepCpu.push(longestCpu);
  const again = rows(now, query);
  const started = performance.now();
  const { result: report, heldMs } = await heldWhile(() =>
    runStepsPaced(leadReportSteps(again.input, again.open, { query, now, sla })),
  );
  totals.push(performance.now() - started);
  held.push(heldMs);
  const renderStarted = performance.now();
  reportPage({
    person: { id: 'ULEAD', name: 'Lead', role: 'employee', channel: 'slack', readsReports: true },
    csrf: 'x',
    zone: { timeZone: query.timeZone, from: 'cookie' },
    lang: { language: 'en', from: 'default' },
    report,
  });
  render.push(performance.now() - renderStarted);
}
// The same timer with nothing to do, for a second: what the machine's load alone costs the loop.
const idle: number[] = [];
for (let run = 0; run < runs; run += 1)
  idle.push((await heldWhile(() => new Promise<void>((resolve) => setTimeout(resolve, 1000)))).heldMs);
console.log(
  `lead report, ${weeks} weeks, 10,000 tickets, 50,000 questions, 5,000 votes, ${runs} runs (min/median/max, ms):`,
);
console.log(`  whole report (paced)          ${stats(totals)}`);
console.log(`  longest hold of the event loop ${stats(held)}`);
console.log(`  longest single step            ${stats(longestStep)}`);
console.log(`  longest single step, CPU       ${stats(longestStepCpu)}`);
console.log(`  page rendering                 ${stats(render)}`);
console.log(`  idle loop's longest wait       ${stats(idle)} (the machine's load alone)`);
