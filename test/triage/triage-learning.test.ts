import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// Engineers' final word on settled tickets teaches triage: here a category no article has.
const ann: Actor = { id: 'ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'bob', name: 'Bob', role: 'engineer' };
let app: MemoryApp;
beforeAll(async () => {
  ({ app } = await startMemoryApp());
});
afterAll(async () => {
  await app.close();
});

const chair = (n: number) => ({
  requester: ann,
  channel: 'local',
  conversationKey: null,
  subject: `office chair broken (${n})`,
  description: 'my desk chair sinks, the height lever does not hold',
  category: 'facilities',
  priority: 'P4' as const,
});

describe('triage learns from settled tickets', () => {
  it('after 25 tickets settled in "facilities" it retrains by itself, and a new chair ticket goes to facilities', async () => {
    const before = await app.tickets.open({ ...chair(0), category: undefined, priority: undefined });
    expect(before.category).not.toBe('facilities');
    for (let n = 1; n <= 25; n++) {
      const ticket = await app.tickets.open(chair(n));
      await app.tickets.resolve(ticket.key, bob, 'adjusted the chair');
    }
    await vi.waitFor(() => expect(app.knowledge.snapshot.triage.ticketsLearnt).toBe(25), {
      timeout: 30_000,
      interval: 50,
    });
    const after = await app.tickets.open({ ...chair(26), category: undefined, priority: undefined });
    expect(after).toMatchObject({ category: 'facilities', priority: 'P4' });
    const [created] = await app.tickets.history(after);
    expect(JSON.stringify(created!.detail.triage)).toContain('similar past tickets were P4');
  });
});
