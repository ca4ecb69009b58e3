import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Turn } from '../../src/core/conversation/turn.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// Every way a conversation opens a ticket goes through TicketService.open and its triage, on the
// real wiring (createApp) over in-memory ports.
let library: LiveKnowledge;
let app: MemoryApp;
beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  ({ app } = await startMemoryApp({ library }));
});
afterEach(async () => {
  await app.close();
});

const turn = (extra: Partial<Turn>, key = 'local:ann'): Turn => ({
  conversationKey: key,
  channel: 'local',
  user: { id: 'ann', name: 'Ann' },
  ...extra,
});
const form = (fields: Record<string, string>, key?: string) =>
  app.conversations.handle(turn({ form: { fields } }, key));
const ticketOf = async () => (await app.tickets.ticketsOf('ann', 1))[0]!;

const stolen = {
  subject: 'Laptop stolen',
  description: 'My laptop was stolen from my car, it had customer data on it. What do I do?',
};

describe('triage of the tickets a conversation opens', () => {
  it("the form's pre-selected P3 and general are replaced by a sure prediction", async () => {
    await form({ ...stolen, priority: 'P3', category: 'general' });
    expect(await ticketOf()).toMatchObject({ priority: 'P1', category: 'hardware', tier: 'L2' });
  });

  it('a priority and category the requester picked on the form stay, except that exposed data raises the priority', async () => {
    await form({ ...stolen, priority: 'P4', category: 'accounts' });
    const ticket = await ticketOf();
    expect(ticket).toMatchObject({ priority: 'P1', category: 'accounts' });
    const [created] = await app.tickets.history(ticket);
    expect(created!.detail.triage).toMatchObject({ kept: ['category', 'priority'], overrode: { priority: 'P4' } });
  });

  it('"Talk to a human" after a question: the prediction from the question replaces the bot\'s article guess when sure', async () => {
    await app.conversations.handle(turn({ text: 'the whole office lost wifi, nobody can connect' }));
    const replies = await app.conversations.handle(turn({ text: 'talk to a human' }));
    expect(replies.some((r) => r.kind === 'ticket')).toBe(true);
    expect(await ticketOf()).toMatchObject({ priority: 'P1', category: 'network' });
  });
});
