/**
 * A small database where every report figure is known in advance. Period [2026-03-01, 2026-04-01),
 * window 7 days. Rows just outside the period (before it, and after it but inside the window)
 * check that they are excluded from the figures while still counting as follow-ups.
 */
import { MemoryQuestionLog } from '../../src/store/memory/memory-question-log.js';
import { MemoryTicketRepository } from '../../src/store/memory/memory-ticket-repository.js';
import { Outage } from '../../src/store/memory/outage.js';
import type { NewTicket, NewTicketEvent, TicketPatch } from '../../src/core/tickets/ticket-repository.js';
import type { PrismaClient } from '../../src/store/prisma/open-prisma.js';

export const PERIOD = { from: '2026-03-01', to: '2026-04-01', window: '7' };

const at = (text: string) => new Date(`2026-${text.replace(' ', 'T')}:00Z`);
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

interface Q {
  id: string;
  user: string;
  conv: string;
  channel?: string;
  outcome: 'answered' | 'suggested' | 'no_answer' | 'chosen';
  article?: string;
  at: string;
  vote?: boolean;
}

const questions: Q[] = [
  { id: 'q0', user: 'u8', conv: 'c8', outcome: 'answered', article: 'vpn', at: '02-27 10:00', vote: false }, // before the period
  { id: 'q1', user: 'u1', conv: 'c1', outcome: 'answered', article: 'vpn', at: '03-02 10:00', vote: true }, // deflected
  { id: 'q2', user: 'u2', conv: 'c2', outcome: 'answered', article: 'vpn', at: '03-03 10:00', vote: false }, // not helpful
  { id: 'q3', user: 'u3', conv: 'c3', outcome: 'answered', article: 'printer', at: '03-04 10:00' }, // ticket t1 a day later
  { id: 'q4', user: 'u4', conv: 'c4', outcome: 'chosen', article: 'printer', at: '03-05 10:00', vote: true }, // re-asked in another conversation
  { id: 'q5', user: 'u4', conv: 'c4b', outcome: 'no_answer', at: '03-08 10:00' },
  { id: 'q6', user: 'u5', conv: 'c5', outcome: 'answered', article: 'wifi', at: '03-10 10:00', vote: true }, // ticket t2 10 days later: deflected
  { id: 'q7', user: 'u6', conv: 'c6', outcome: 'suggested', article: 'wifi', at: '03-11 10:00', vote: false }, // a suggestion list: vote ignored
  { id: 'q8', user: 'u7', conv: 'c7', outcome: 'answered', article: 'vpn', at: '03-30 12:00', vote: true }, // re-asked after the period ends
  { id: 'q9', user: 'u7', conv: 'c7', outcome: 'no_answer', at: '04-03 12:00' }, // after the period
  { id: 'q10', user: 'u9', conv: 'c10', channel: 'teams', outcome: 'answered', article: 'vpn', at: '03-15 10:00' }, // u9's ticket is on Slack: deflected
  { id: 'q11', user: 'u16', conv: 'c18', outcome: 'answered', article: 'printer', at: '03-12 10:00' }, // re-asked exactly 7 days later
  { id: 'q12', user: 'u16', conv: 'c18', outcome: 'suggested', article: 'printer', at: '03-19 10:00' },
];

interface T {
  id: string;
  user: string;
  conv: string;
  channel?: string;
  at: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  tier: string;
  category: string;
  status: string;
  firstResponse?: number;
  resolved?: number;
  closed?: number;
  /** Minutes to the response and resolution due times; none for tickets opened before SLAs existed. */
  due?: [number, number];
  satisfaction?: number;
  /** [minutes after opening, from, to] */
  escalations?: Array<[number, string, string]>;
}

const sla = { P1: [15, 240], P2: [60, 480], P3: [240, 4320], P4: [1440, 14400] } as const;

const tickets: T[] = [
  {
    id: 't1',
    user: 'u3',
    conv: 'c3',
    at: '03-05 10:00',
    priority: 'P2',
    tier: 'L2',
    category: 'printing',
    status: 'resolved',
    firstResponse: 30,
    resolved: 300,
    due: [...sla.P2],
    satisfaction: 5,
    escalations: [[20, 'L1', 'L2']],
  },
  {
    id: 't2',
    user: 'u5',
    conv: 'c5',
    at: '03-20 10:00',
    priority: 'P3',
    tier: 'L2',
    category: 'network',
    status: 'closed',
    firstResponse: 120,
    resolved: 1000,
    closed: 2000,
    due: [...sla.P3],
    satisfaction: 4,
  },
  {
    id: 't3',
    user: 'u9',
    conv: 'c11',
    at: '03-16 09:00',
    priority: 'P1',
    tier: 'L3',
    category: 'access',
    status: 'resolved',
    firstResponse: 20,
    resolved: 600,
    due: [...sla.P1],
    satisfaction: 2,
    escalations: [[100, 'L2', 'L3']],
  },
  {
    id: 't4',
    user: 'u10',
    conv: 'c12',
    at: '03-21 08:00',
    priority: 'P4',
    tier: 'L1',
    category: 'general',
    status: 'new',
    due: [...sla.P4],
  },
  {
    id: 't5',
    user: 'u11',
    conv: 'c13',
    at: '03-25 12:00',
    priority: 'P2',
    tier: 'L3',
    category: 'network',
    status: 'escalated',
    firstResponse: 45,
    due: [...sla.P2],
    escalations: [
      [50, 'L1', 'L2'],
      [200, 'L2', 'L3'],
    ],
  },
  {
    id: 't6',
    user: 'u12',
    conv: 'c14',
    at: '03-10 00:00',
    priority: 'P3',
    tier: 'L3',
    category: 'network',
    status: 'resolved',
    firstResponse: 60,
    resolved: 4320,
    due: [...sla.P3],
  },
  {
    id: 't7',
    user: 'u13',
    conv: 'c15',
    at: '02-20 10:00',
    priority: 'P1',
    tier: 'L2',
    category: 'access',
    status: 'resolved',
    firstResponse: 5,
    resolved: 60,
    due: [...sla.P1],
    satisfaction: 1,
    escalations: [[10, 'L1', 'L2']],
  }, // before
  {
    id: 't8',
    user: 'u14',
    conv: 'c16',
    at: '04-02 10:00',
    priority: 'P2',
    tier: 'L1',
    category: 'general',
    status: 'new',
    due: [...sla.P2],
  }, // after
  {
    id: 't9',
    user: 'u15',
    conv: 'c17',
    at: '03-12 10:00',
    priority: 'P3',
    tier: 'L2',
    category: 'general',
    status: 'closed',
    closed: 100,
  },
];

/** Inserts the rows through Prisma, with fixed timestamps. */
export async function seedMetrics(prisma: PrismaClient): Promise<void> {
  for (const q of questions) {
    const channel = q.channel ?? 'slack';
    await prisma.question.create({
      data: {
        id: q.id,
        conversationKey: `${channel}:${q.conv}`,
        channel,
        userId: q.user,
        text: `question ${q.id}`,
        outcome: q.outcome,
        articleId: q.article ?? null,
        confidence: 0.5,
        explanation: '{}',
        createdAt: at(q.at),
      },
    });
    if (q.vote !== undefined)
      await prisma.feedback.create({
        data: { questionId: q.id, userId: q.user, helpful: q.vote, createdAt: plus(at(q.at), 1) },
      });
  }
  let number = 1000;
  for (const t of tickets) {
    const channel = t.channel ?? 'slack';
    const opened = at(t.at);
    const when = (minutes: number | undefined) => (minutes === undefined ? null : plus(opened, minutes));
    await prisma.ticket.create({
      data: {
        id: t.id,
        key: `HD-${++number}`,
        subject: `ticket ${t.id}`,
        description: 'seeded',
        transcript: '[]',
        collected: '{}',
        priority: t.priority,
        tier: t.tier,
        category: t.category,
        status: t.status,
        channel,
        conversationKey: `${channel}:${t.conv}`,
        requesterId: t.user,
        createdAt: opened,
        firstResponseAt: when(t.firstResponse),
        resolvedAt: when(t.resolved),
        closedAt: when(t.closed),
        responseDueAt: when(t.due?.[0]),
        resolveDueAt: when(t.due?.[1]),
        satisfaction: t.satisfaction ?? null,
        events: {
          create: [
            {
              actorId: t.user,
              type: 'created',
              toStatus: 'new',
              detail: JSON.stringify({ priority: t.priority }),
              createdAt: opened,
            },
            // Not escalations: a claim, and a comment whose text mentions escalating.
            {
              actorId: 'eng',
              type: 'status',
              fromStatus: 'new',
              toStatus: 'claimed',
              detail: JSON.stringify({ command: 'claim' }),
              createdAt: plus(opened, 1),
            },
            {
              actorId: 'eng',
              type: 'comment',
              detail: JSON.stringify({ note: '"command":"escalate" please' }),
              createdAt: plus(opened, 2),
            },
            ...(t.escalations ?? []).map(([minutes, fromTier, toTier]) => ({
              actorId: 'eng',
              type: 'status',
              fromStatus: 'claimed',
              toStatus: 'escalated',
              detail: JSON.stringify({ command: 'escalate', fromTier, toTier, reason: null }),
              createdAt: plus(opened, minutes),
            })),
          ],
        },
      },
    });
  }
}

/** The same rows in the in-memory twins, each stamped by moving their clock. */
export async function seedMetricsMemory(): Promise<{ tickets: MemoryTicketRepository; questions: MemoryQuestionLog }> {
  let clock = new Date(0);
  const now = () => new Date(clock);
  const ports = {
    tickets: new MemoryTicketRepository(new Outage(), now),
    questions: new MemoryQuestionLog(new Outage(), now),
  };
  for (const q of questions) {
    const channel = q.channel ?? 'slack';
    clock = at(q.at);
    await ports.questions.record({
      id: q.id,
      conversationKey: `${channel}:${q.conv}`,
      channel,
      userId: q.user,
      text: `question ${q.id}`,
      outcome: q.outcome,
      articleId: q.article ?? null,
      confidence: 0.5,
      explanation: {},
    });
    clock = plus(at(q.at), 1);
    if (q.vote !== undefined) await ports.questions.feedback(q.id, q.user, q.vote);
  }
  let number = 1000;
  for (const t of tickets) {
    const channel = t.channel ?? 'slack';
    const opened = at(t.at);
    const when = (minutes: number | undefined) => (minutes === undefined ? null : plus(opened, minutes));
    clock = opened;
    let ticket = await ports.tickets.create(
      {
        id: t.id,
        key: `HD-${++number}`,
        subject: `ticket ${t.id}`,
        description: 'seeded',
        question: null,
        transcript: [],
        collected: {},
        priority: t.priority,
        tier: t.tier as NewTicket['tier'],
        category: t.category,
        status: t.status as NewTicket['status'],
        channel,
        conversationKey: `${channel}:${t.conv}`,
        requesterId: t.user,
        requesterName: null,
        responseDueAt: when(t.due?.[0]),
        resolveDueAt: when(t.due?.[1]),
        statusChangedAt: opened,
      },
      {
        actorId: t.user,
        actorName: null,
        type: 'created',
        fromStatus: null,
        toStatus: 'new',
        detail: { priority: t.priority },
      },
    );
    const steps: Array<[number, NewTicketEvent, TicketPatch]> = [
      [
        1,
        {
          actorId: 'eng',
          actorName: null,
          type: 'status',
          fromStatus: 'new',
          toStatus: 'claimed',
          detail: { command: 'claim' },
        },
        {
          firstResponseAt: when(t.firstResponse),
          resolvedAt: when(t.resolved),
          closedAt: when(t.closed),
          satisfaction: t.satisfaction ?? null,
        },
      ],
      [
        2,
        {
          actorId: 'eng',
          actorName: null,
          type: 'comment',
          fromStatus: null,
          toStatus: null,
          detail: { note: '"command":"escalate" please' },
        },
        {},
      ],
      ...(t.escalations ?? []).map(([minutes, fromTier, toTier]): [number, NewTicketEvent, TicketPatch] => [
        minutes,
        {
          actorId: 'eng',
          actorName: null,
          type: 'status',
          fromStatus: 'claimed',
          toStatus: 'escalated',
          detail: { command: 'escalate', fromTier, toTier, reason: null },
        },
        {},
      ]),
    ];
    for (const [minutes, event, patch] of steps) {
      clock = plus(opened, minutes);
      ticket = (await ports.tickets.update(ticket.id, ticket.version, patch, event))!;
    }
  }
  return ports;
}

/** Every figure of the report for PERIOD, computed by hand from the rows above (generatedAt and definitions aside). */
export const expectedFigures = {
  period: { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
  windowDays: 7,
  deflection: {
    questions: 11, // q1-q8, q10-q12
    byOutcome: { answered: 7, chosen: 1, suggested: 2, no_answer: 1, other: 0 },
    answeredByBot: 8,
    notHelpful: 1, // q2
    followedByTicket: 1, // q3
    followedByReask: 3, // q4, q8, q11
    deflected: 3, // q1, q6, q10
    rate: 0.2727, // 3/11
    stillInWindow: 0,
  },
  articles: [
    { articleId: 'vpn', answers: 4, helpful: 2, notHelpful: 1, ratio: 0.6667 },
    { articleId: 'printer', answers: 3, helpful: 1, notHelpful: 0, ratio: 1 },
    { articleId: 'wifi', answers: 1, helpful: 1, notHelpful: 0, ratio: 1 },
  ],
  tickets: {
    opened: 7, // t1-t6, t9
    byTier: { L1: 1, L2: 3, L3: 3, L4: 0 },
    byPriority: { P1: 1, P2: 2, P3: 3, P4: 1 },
    byCategory: { network: 3, general: 2, access: 1, printing: 1 },
  },
  timeToFirstResponse: { count: 5, medianMinutes: 45, p90Minutes: 96 }, // 20 30 45 60 120
  timeToResolution: { count: 4, medianMinutes: 800, p90Minutes: 3324 }, // 300 600 1000 4320
  sla: {
    response: { withDueTime: 6, met: 4, breached: 2, pending: 0, notNeeded: 0, rate: 0.6667 }, // t3 late, t4 never
    resolution: { withDueTime: 6, met: 3, breached: 3, pending: 0, notNeeded: 0, rate: 0.5 }, // t3 late, t4 and t5 open past due
  },
  escalation: {
    L1: { atTier: 3, escalated: 2, rate: 0.6667 }, // t1 t4 t5; t1 t5
    L2: { atTier: 5, escalated: 2, rate: 0.4 }, // t1 t2 t3 t5 t9; t3 t5
    L3: { atTier: 3, escalated: 0, rate: 0 }, // t3 t5 t6
    L4: { atTier: 0, escalated: 0, rate: null },
  },
  satisfaction: {
    eligible: 5,
    rated: 3,
    responseRate: 0.6,
    average: 3.6667,
    distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 },
  },
};
