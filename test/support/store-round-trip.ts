import { expect } from 'vitest';
import type { Store } from '../../src/store/open-store.js';

/**
 * Writes and reads back every model and relation through the Prisma client of a freshly migrated
 * store, on either database: a migration that compiles but does not fit the client fails here.
 * Returns the ticket row read back, for the caller's database-specific checks.
 */
export async function roundTripEveryModel(store: Store, at: Date) {
  const p = store.prisma;
  await p.conversation.create({
    data: {
      key: 'k',
      channel: 'local',
      userId: 'u',
      state: '{}',
      messages: { create: { author: 'user', authorId: 'u', text: 'hi', createdAt: at } },
    },
  });
  await p.question.create({
    data: {
      id: 'q',
      conversationKey: 'k',
      channel: 'local',
      userId: 'u',
      text: 't',
      outcome: 'answered',
      articleId: 'a',
      confidence: 0.75,
      explanation: '{}',
      createdAt: at,
      feedback: { create: { userId: 'u', helpful: true, createdAt: at } },
    },
  });
  await p.ticket.create({
    data: {
      id: 't',
      key: 'HD-1',
      subject: 's',
      description: 'd',
      question: 'q',
      transcript: '[]',
      collected: '{}',
      priority: 'P1',
      tier: 'L4',
      category: 'c',
      status: 'new',
      channel: 'local',
      conversationKey: 'k',
      requesterId: 'u',
      requesterName: 'U',
      assigneeId: 'e',
      assigneeName: 'E',
      version: 3,
      createdAt: at,
      firstResponseAt: at,
      resolvedAt: at,
      closedAt: at,
      statusChangedAt: at,
      vendorName: 'Acme',
      vendorCaseRef: 'CS-1',
      vendorContact: 'x@acme.example',
      events: {
        create: {
          actorId: 'u',
          actorName: 'U',
          type: 'created',
          fromStatus: null,
          toStatus: 'new',
          detail: '{}',
          createdAt: at,
        },
      },
      threads: { create: { channel: 'slack', role: 'triage', address: 'C1', threadId: '1.2', tier: 'L2' } },
    },
  });
  await p.counter.create({ data: { name: 'n', value: 7 } });
  await p.timerFiring.create({
    data: { key: 't:reminder', ticketId: 't', kind: 'reminder', claimedBy: 'me', claimedAt: at },
  });
  const conversation = await p.conversation.findUniqueOrThrow({ where: { key: 'k' }, include: { messages: true } });
  // Both keep milliseconds (SQLite as text, PostgreSQL as TIMESTAMP(3)).
  expect(conversation.messages[0]).toMatchObject({ author: 'user', text: 'hi', createdAt: at });
  expect(conversation.createdAt).toBeInstanceOf(Date);
  const question = await p.question.findUniqueOrThrow({ where: { id: 'q' }, include: { feedback: true } });
  expect(question).toMatchObject({ confidence: 0.75, feedback: [{ helpful: true }] });
  const ticket = await p.ticket.findUniqueOrThrow({ where: { key: 'HD-1' }, include: { events: true, threads: true } });
  expect(ticket).toMatchObject({
    version: 3,
    closedAt: at,
    assigneeName: 'E',
    statusChangedAt: at,
    vendorName: 'Acme',
    vendorCaseRef: 'CS-1',
    vendorContact: 'x@acme.example',
    events: [{ toStatus: 'new', fromStatus: null }],
    threads: [{ address: 'C1', tier: 'L2' }],
  });
  expect(await p.counter.findUniqueOrThrow({ where: { name: 'n' } })).toEqual({ name: 'n', value: 7 });
  expect(await p.timerFiring.findUniqueOrThrow({ where: { key: 't:reminder' } })).toMatchObject({
    claimedAt: at,
    doneAt: null,
  });
  return ticket;
}
