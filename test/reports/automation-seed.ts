/**
 * A small database where every figure of the automation report is known in advance.
 * Period [2026-06-01, 2026-07-01) (30 days, so "per month" is the count), window 7 days, compare
 * span 30 days, report run on 2026-09-01, knowledge base test/fixtures/automation-kb (articles
 * vpn-connect, linking the script vpn-fix, and printer-jam, without a script).
 *
 * The same rows go into a Prisma database (seedAutomation) and into the in-memory twins
 * (seedAutomationMemory), so the two readers can be held to one another.
 */
import path from 'node:path';
import { MemoryQuestionLog } from '../../src/store/memory/memory-question-log.js';
import { MemoryScriptRunLog } from '../../src/store/memory/memory-script-run-log.js';
import { MemoryTicketRepository } from '../../src/store/memory/memory-ticket-repository.js';
import { Outage } from '../../src/store/memory/outage.js';
import type { PrismaClient } from '../../src/store/prisma/open-prisma.js';

export const AUTOMATION_KB = path.resolve(import.meta.dirname, '../fixtures/automation-kb');
export const AUTOMATION_PERIOD = { from: '2026-06-01', to: '2026-07-01', window: '7' };
export const AUTOMATION_NOW = new Date('2026-09-01T00:00:00Z');
export const HOSTILE_SUBJECT = '<script>alert(1)</script> monitor broken \u001b[2J\u001b[31m';

const at = (text: string) => new Date(`2026-${text.replace(' ', 'T')}:00Z`);
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

type Step = [minutes: number, status: 'claimed' | 'resolved' | 'reopened' | 'escalated', resolution?: string];

interface T {
  id: string;
  subject: string;
  at: string;
  user: string;
  conv?: string;
  category: string;
  /** Status changes, minutes after opening. The first response is the first claim or resolution. */
  steps?: Step[];
}

const tickets: T[] = [
  // Outside the period: the oldest ticket, and the before/after spans of the shipped items.
  { id: 'b0', subject: 'Laptop bag request', at: '03-15 09:00', user: 'u90', category: 'hardware' },
  { id: 'b1', subject: 'VPN will not connect', at: '04-05 09:00', user: 'u91', category: 'network' },
  { id: 'b2', subject: 'globalprotect cannot connect', at: '04-12 09:00', user: 'u92', category: 'network' },
  { id: 'b3', subject: 'vpn keeps disconnecting', at: '04-19 09:00', user: 'u93', category: 'network' },
  { id: 'b4', subject: 'globalprotect cannot connect', at: '05-10 09:00', user: 'u94', category: 'network' },
  { id: 'b5', subject: 'paper stuck in the printer', at: '05-20 09:00', user: 'u95', category: 'printing' },
  { id: 'a1', subject: 'Need access to the shared mailbox hr', at: '07-03 09:00', user: 'u96', category: 'email' }, // after the period
  // Shared mailbox: no article covers it.
  {
    id: 'm1',
    subject: 'Need access to the shared mailbox finance',
    at: '06-02 09:00',
    user: 'u1',
    category: 'email',
    steps: [
      [30, 'claimed'],
      [90, 'resolved', 'Added to the finance shared mailbox'],
    ],
  },
  {
    id: 'm2',
    subject: 'shared mailbox access for sales',
    at: '06-09 09:00',
    user: 'u2',
    category: 'general',
    steps: [
      [10, 'claimed'],
      [40, 'resolved', 'Granted the sales shared mailbox'],
      [1440, 'reopened'],
      [1460, 'claimed'],
      [1520, 'resolved', 'Granted the sales shared mailbox again'],
    ],
  },
  {
    id: 'm3',
    subject: 'Access to shared mailbox please',
    at: '06-16 09:00',
    user: 'u3',
    category: 'email',
    steps: [
      [60, 'claimed'],
      [180, 'resolved', 'Added to the shared mailbox'],
    ],
  },
  {
    id: 'm4',
    subject: 'cannot open the shared mailbox',
    at: '06-23 09:00',
    user: 'u4',
    category: 'email',
    steps: [[5, 'claimed']],
  },
  // Paper jams: the article printer-jam covers them, no script.
  {
    id: 'p1',
    subject: 'Printer is jammed on floor 3',
    at: '06-06 10:00',
    user: 'u5',
    category: 'printing',
    steps: [
      [15, 'claimed'],
      [45, 'resolved', 'Cleared the paper jam'],
    ],
  },
  {
    id: 'p2',
    subject: 'paper stuck in the printer',
    at: '06-13 10:00',
    user: 'u6',
    category: 'printing',
    steps: [
      [20, 'claimed'],
      [80, 'resolved', 'Removed the stuck paper'],
    ],
  },
  {
    id: 'p3',
    subject: 'printer says paper jam',
    at: '06-20 10:00',
    user: 'u7',
    category: 'printing',
    steps: [[30, 'resolved', 'Cleared the jam']],
  }, // never claimed
  {
    id: 'p4',
    subject: 'Printer is jammed again',
    at: '06-27 10:00',
    user: 'u8',
    category: 'printing',
    steps: [
      [10, 'claimed'],
      [100, 'resolved', 'Cleared the paper jam'],
    ],
  },
  // VPN: the article vpn-connect and its script vpn-fix cover them.
  {
    id: 'v1',
    subject: 'VPN will not connect from home',
    at: '06-04 08:00',
    user: 'u9',
    category: 'network',
    steps: [
      [30, 'claimed'],
      [60, 'resolved', 'Reinstalled GlobalProtect'],
    ],
  },
  {
    id: 'v2',
    subject: 'globalprotect cannot connect',
    at: '06-11 08:00',
    user: 'u10',
    conv: 'c-v2',
    category: 'network',
    steps: [
      [60, 'claimed'],
      [240, 'resolved', 'Reset the VPN profile'],
    ],
  },
  {
    id: 'v3',
    subject: 'vpn keeps disconnecting every hour',
    at: '06-18 08:00',
    user: 'u22',
    category: 'network',
    steps: [
      [10, 'claimed'],
      [40, 'escalated'],
      [100, 'claimed'],
      [160, 'resolved', 'Moved to the new VPN gateway'],
    ],
  },
  // One-offs.
  { id: 'x1', subject: 'Laptop screen flickers', at: '06-25 12:00', user: 'u11', category: 'hardware' },
  { id: 'h1', subject: HOSTILE_SUBJECT, at: '06-26 12:00', user: 'u12', category: '<b>bold</b>' },
];

interface Q {
  id: string;
  user: string;
  conv: string;
  at: string;
  outcome: 'answered' | 'chosen' | 'suggested' | 'no_answer';
  article?: string;
  votes?: Array<[user: string, helpful: boolean]>;
}

const questions: Q[] = [
  { id: 'qv0', user: 'u40', conv: 'c40', at: '05-01 09:00', outcome: 'answered', article: 'vpn-connect' }, // first use of vpn-connect
  {
    id: 'qa1',
    user: 'u20',
    conv: 'c20',
    at: '06-05 09:00',
    outcome: 'answered',
    article: 'vpn-connect',
    votes: [['u20', true]],
  }, // deflected
  {
    id: 'qa2',
    user: 'u21',
    conv: 'c21',
    at: '06-07 09:00',
    outcome: 'answered',
    article: 'vpn-connect',
    votes: [['u21', false]],
  }, // not helpful
  { id: 'qa3', user: 'u22', conv: 'c22', at: '06-12 08:00', outcome: 'chosen', article: 'vpn-connect' }, // u22's ticket v3 six days later
  { id: 'qa4', user: 'u23', conv: 'c23', at: '06-15 09:00', outcome: 'answered', article: 'vpn-connect' }, // deflected
  {
    id: 'qp1',
    user: 'u30',
    conv: 'c30',
    at: '06-03 10:00',
    outcome: 'answered',
    article: 'printer-jam',
    votes: [['u30', true]],
  }, // first use of printer-jam; deflected
  { id: 'qp2', user: 'u31', conv: 'c31', at: '06-14 09:00', outcome: 'answered', article: 'printer-jam' }, // deflected
  {
    id: 'qp3',
    user: 'u32',
    conv: 'c32',
    at: '06-21 09:00',
    outcome: 'answered',
    article: 'printer-jam',
    votes: [
      ['u32', true],
      ['u33', false],
    ],
  }, // a colleague's "not helpful"
  { id: 'qs1', user: 'u34', conv: 'c34', at: '06-22 09:00', outcome: 'suggested', article: 'printer-jam' }, // a suggestion: not a use
  { id: 'qn1', user: 'u35', conv: 'c35', at: '06-22 10:00', outcome: 'no_answer' },
];

interface R {
  id: string;
  conv: string;
  at: string;
  outcome: 'resolved' | 'escalated' | 'human' | 'abandoned';
}

const runs: R[] = [
  { id: 'r1', conv: 'c50', at: '06-02 09:00', outcome: 'resolved' }, // first run of vpn-fix; deflected
  { id: 'r2', conv: 'c-v2', at: '06-10 08:00', outcome: 'resolved' }, // ticket v2 a day later in the same conversation
  { id: 'r3', conv: 'c52', at: '06-12 09:00', outcome: 'escalated' },
  { id: 'r4', conv: 'c53', at: '06-19 09:00', outcome: 'resolved' }, // deflected
  { id: 'r5', conv: 'c54', at: '06-26 09:00', outcome: 'abandoned' },
];

const conversationKey = (t: T) => `slack:${t.conv ?? `c-${t.id}`}`;
const firstResponse = (t: T) => t.steps?.find(([, status]) => status === 'claimed' || status === 'resolved')?.[0];
const statusAfter = (t: T) => t.steps?.at(-1)?.[1] ?? 'new';
const detailOf = ([, status, resolution]: Step) =>
  status === 'resolved'
    ? { command: 'resolve', resolution }
    : status === 'claimed'
      ? { command: 'claim' }
      : status === 'reopened'
        ? { command: 'reopen', reason: 'back again' }
        : { command: 'escalate', fromTier: 'L1', toTier: 'L2' };

/** Inserts the rows through Prisma, with fixed timestamps. */
export async function seedAutomation(prisma: PrismaClient): Promise<void> {
  let number = 5000;
  for (const t of tickets) {
    const opened = at(t.at);
    const fr = firstResponse(t);
    await prisma.ticket.create({
      data: {
        id: t.id,
        key: `HD-${++number}`,
        subject: t.subject,
        description: 'The bot had no article that fits.',
        question: null,
        transcript: '[]',
        collected: '{}',
        priority: 'P3',
        tier: 'L1',
        category: t.category,
        status: statusAfter(t),
        channel: 'slack',
        conversationKey: conversationKey(t),
        requesterId: t.user,
        createdAt: opened,
        firstResponseAt: fr === undefined ? null : plus(opened, fr),
        events: {
          create: [
            { actorId: t.user, type: 'created', toStatus: 'new', detail: '{}', createdAt: opened },
            // Not a status change: ignored whatever its text says.
            {
              actorId: 'eng',
              type: 'comment',
              detail: JSON.stringify({ note: 'resolved? "resolution":"no"' }),
              createdAt: plus(opened, 1),
            },
            ...(t.steps ?? []).map((step) => ({
              actorId: 'eng',
              type: 'status',
              toStatus: step[1],
              detail: JSON.stringify(detailOf(step)),
              createdAt: plus(opened, step[0]),
            })),
          ],
        },
      },
    });
  }
  for (const q of questions) {
    await prisma.question.create({
      data: {
        id: q.id,
        conversationKey: `slack:${q.conv}`,
        channel: 'slack',
        userId: q.user,
        text: `question ${q.id}`,
        outcome: q.outcome,
        articleId: q.article ?? null,
        confidence: 0.5,
        explanation: '{}',
        createdAt: at(q.at),
      },
    });
    for (const [user, helpful] of q.votes ?? [])
      await prisma.feedback.create({ data: { questionId: q.id, userId: user, helpful, createdAt: plus(at(q.at), 1) } });
  }
  for (const r of runs) {
    await prisma.scriptRun.create({
      data: {
        id: r.id,
        conversationKey: `slack:${r.conv}`,
        scriptId: 'vpn-fix',
        outcome: r.outcome,
        path: '[]',
        collected: '{}',
        startedAt: at(r.at),
        endedAt: plus(at(r.at), 5),
      },
    });
  }
}

/** The same rows in the in-memory twins, each stamped by moving their clock. */
export async function seedAutomationMemory(): Promise<{
  tickets: MemoryTicketRepository;
  questions: MemoryQuestionLog;
  scriptRuns: MemoryScriptRunLog;
}> {
  let clock = new Date(0);
  const now = () => new Date(clock);
  const ports = {
    tickets: new MemoryTicketRepository(new Outage(), now),
    questions: new MemoryQuestionLog(new Outage(), now),
    scriptRuns: new MemoryScriptRunLog(),
  };
  let number = 5000;
  for (const t of tickets) {
    const opened = at(t.at);
    clock = opened;
    let ticket = await ports.tickets.create(
      {
        id: t.id,
        key: `HD-${++number}`,
        subject: t.subject,
        description: 'The bot had no article that fits.',
        question: null,
        transcript: [],
        collected: {},
        priority: 'P3',
        tier: 'L1',
        category: t.category,
        status: 'new',
        channel: 'slack',
        conversationKey: conversationKey(t),
        requesterId: t.user,
        requesterName: null,
        responseDueAt: null,
        resolveDueAt: null,
        statusChangedAt: opened,
      },
      { actorId: t.user, actorName: null, type: 'created', fromStatus: null, toStatus: 'new', detail: {} },
    );
    clock = plus(opened, 1);
    ticket = (await ports.tickets.update(
      ticket.id,
      ticket.version,
      {},
      {
        actorId: 'eng',
        actorName: null,
        type: 'comment',
        fromStatus: null,
        toStatus: null,
        detail: { note: 'resolved? "resolution":"no"' },
      },
    ))!;
    for (const step of t.steps ?? []) {
      clock = plus(opened, step[0]);
      const patch =
        ticket.firstResponseAt === null && (step[1] === 'claimed' || step[1] === 'resolved')
          ? { status: step[1], firstResponseAt: clock }
          : { status: step[1] };
      ticket = (await ports.tickets.update(ticket.id, ticket.version, patch, {
        actorId: 'eng',
        actorName: null,
        type: 'status',
        fromStatus: ticket.status,
        toStatus: step[1],
        detail: detailOf(step),
      }))!;
    }
  }
  for (const q of questions) {
    clock = at(q.at);
    await ports.questions.record({
      id: q.id,
      conversationKey: `slack:${q.conv}`,
      channel: 'slack',
      userId: q.user,
      text: `question ${q.id}`,
      outcome: q.outcome,
      articleId: q.article ?? null,
      confidence: 0.5,
      explanation: {},
    });
    clock = plus(at(q.at), 1);
    for (const [user, helpful] of q.votes ?? []) await ports.questions.feedback(q.id, user, helpful);
  }
  for (const r of runs) {
    await ports.scriptRuns.record({
      id: r.id,
      conversationKey: `slack:${r.conv}`,
      scriptId: 'vpn-fix',
      outcome: r.outcome,
      path: [],
      collected: {},
      ticketKey: null,
      startedAt: at(r.at),
    });
  }
  return ports;
}

const noCoverage = {
  articleId: null,
  articleTitle: null,
  scriptId: null,
  scriptTitle: null,
  articleTickets: 0,
  scriptTickets: 0,
};

/** Every figure of the report for AUTOMATION_PERIOD on AUTOMATION_NOW, worked out by hand from the rows above (generatedAt and definitions aside). */
export const expectedAutomation = {
  period: { from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
  windowDays: 7,
  compareDays: 30,
  tickets: 13, // m1-m4, p1-p4, v1-v3, x1, h1
  assumptions: {
    daysPerMonth: 30,
    minGroupTickets: 3,
    minRateUses: 5,
    articleUses: 7, // qa1-qa4, qp1-qp3 (qs1 is a suggestion, qv0 before the period)
    articleDeflected: 4, // qa1, qa4, qp1, qp2
    articleDeflectionRate: 0.5714, // 4/7
    scriptRuns: 5,
    scriptDeflected: 2, // r1, r4 (r2 is followed by v2)
    scriptDeflectionRate: 0.4,
    clusterThreshold: 0.2,
  },
  groups: [
    {
      rank: 1,
      label: 'Need access to the shared mailbox finance', // four different subjects: the earliest
      terms: ['mailbox', 'shared', 'access', 'added'],
      tickets: 4,
      perMonth: 4,
      category: 'email',
      categories: { email: 3, general: 1 },
      firstResponse: { count: 4, medianMinutes: 20 }, // 5 10 30 60
      handling: { count: 3, medianMinutes: 90, totalHours: 4.5, hoursPerMonth: 4.5 }, // m1 60, m2 30+60, m3 120; m4 unresolved
      resolved: 3,
      reopened: 1,
      reopenRate: 0.3333,
      coverage: noCoverage,
      suggestion: 'article',
      savings: { hoursPerMonth: 3.43, deflectionRate: 0.5714, note: null }, // 4 x 1.5 h x 4/7
      ticketKeys: ['HD-5008', 'HD-5009', 'HD-5010', 'HD-5011'],
    },
    {
      rank: 2,
      label: 'Printer is jammed on floor 3',
      terms: ['paper', 'printer', 'cleared', 'jam', 'removed'],
      tickets: 4,
      perMonth: 4,
      category: 'printing',
      categories: { printing: 4 },
      firstResponse: { count: 4, medianMinutes: 17.5 }, // 10 15 20 30 (p3's resolution is its first response)
      handling: { count: 3, medianMinutes: 60, totalHours: 3, hoursPerMonth: 3 }, // 30 60 90; p3 resolved without a claim
      resolved: 4,
      reopened: 0,
      reopenRate: 0,
      coverage: {
        articleId: 'printer-jam',
        articleTitle: 'Paper jam in the printer',
        scriptId: null,
        scriptTitle: null,
        articleTickets: 4,
        scriptTickets: 0,
      },
      suggestion: 'script',
      savings: { hoursPerMonth: 1.6, deflectionRate: 0.4, note: null }, // 4 x 1 h x 0.4
      ticketKeys: ['HD-5012', 'HD-5013', 'HD-5014', 'HD-5015'],
    },
    {
      rank: 3,
      label: 'VPN will not connect from home',
      terms: ['vpn', 'connect', 'globalprotect', 'disconnecting', 'every'],
      tickets: 3,
      perMonth: 3,
      category: 'network',
      categories: { network: 3 },
      firstResponse: { count: 3, medianMinutes: 30 }, // 10 30 60
      handling: { count: 3, medianMinutes: 150, totalHours: 6, hoursPerMonth: 6 }, // 30 180, v3 from its first claim: 150
      resolved: 3,
      reopened: 0,
      reopenRate: 0,
      coverage: {
        articleId: 'vpn-connect',
        articleTitle: 'The VPN does not connect',
        scriptId: 'vpn-fix',
        scriptTitle: 'Fix a VPN that does not connect',
        articleTickets: 3,
        scriptTickets: 3,
      },
      suggestion: 'covered',
      savings: { hoursPerMonth: null, deflectionRate: null, note: 'already covered by the script vpn-fix' },
      ticketKeys: ['HD-5016', 'HD-5017', 'HD-5018'],
    },
    {
      rank: 4,
      label: HOSTILE_SUBJECT.trim(),
      terms: ['2j', '31m', 'alert', 'broken', 'monitor'],
      tickets: 1,
      perMonth: 1,
      category: '<b>bold</b>',
      categories: { '<b>bold</b>': 1 },
      firstResponse: { count: 0, medianMinutes: null },
      handling: { count: 0, medianMinutes: null, totalHours: 0, hoursPerMonth: 0 },
      resolved: 0,
      reopened: 0,
      reopenRate: null,
      coverage: noCoverage,
      suggestion: 'article',
      savings: {
        hoursPerMonth: null,
        deflectionRate: 0.5714,
        note: 'not enough data: 1 ticket(s), an estimate needs 3',
      },
      ticketKeys: ['HD-5020'],
    },
    {
      rank: 5,
      label: 'Laptop screen flickers',
      terms: ['flickers', 'laptop', 'screen'],
      tickets: 1,
      perMonth: 1,
      category: 'hardware',
      categories: { hardware: 1 },
      firstResponse: { count: 0, medianMinutes: null },
      handling: { count: 0, medianMinutes: null, totalHours: 0, hoursPerMonth: 0 },
      resolved: 0,
      reopened: 0,
      reopenRate: null,
      coverage: noCoverage,
      suggestion: 'article',
      savings: {
        hoursPerMonth: null,
        deflectionRate: 0.5714,
        note: 'not enough data: 1 ticket(s), an estimate needs 3',
      },
      ticketKeys: ['HD-5019'],
    },
  ],
  shipped: [
    {
      kind: 'script',
      id: 'vpn-fix',
      title: 'Fix a VPN that does not connect',
      firstUsedAt: '2026-06-02T09:00:00.000Z', // r1
      uses: 5,
      rate: { count: 3, of: 5, value: 0.6 }, // r1 r2 r4 resolved
      deflected: 2,
      before: { tickets: 1, note: null }, // [05-03, 06-02): b4
      after: { tickets: 3, note: null }, // [06-02, 07-02): v1 v2 v3
      change: 2,
    },
    {
      kind: 'article',
      id: 'vpn-connect',
      title: 'The VPN does not connect',
      firstUsedAt: '2026-05-01T09:00:00.000Z', // qv0
      uses: 4,
      rate: { count: 1, of: 2, value: 0.5 }, // qa1 helpful, qa2 not
      deflected: 2, // qa1, qa4
      before: { tickets: 3, note: null }, // [04-01, 05-01): b1 b2 b3
      after: { tickets: 1, note: null }, // [05-01, 05-31): b4
      change: -0.6667,
    },
    {
      kind: 'article',
      id: 'printer-jam',
      title: 'Paper jam in the printer',
      firstUsedAt: '2026-06-03T10:00:00.000Z', // qp1
      uses: 3,
      rate: { count: 2, of: 3, value: 0.6667 }, // qp1 u30, qp3 u32 helpful; qp3 u33 not
      deflected: 2, // qp1, qp2
      before: { tickets: 1, note: null }, // [05-04, 06-03): b5
      after: { tickets: 4, note: null }, // [06-03, 07-03): p1-p4
      change: 3,
    },
  ],
};
