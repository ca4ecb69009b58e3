import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TicketActionHandler } from '../../src/core/tickets/ticket-action-handler.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir, type RecordingNotifier } from '../support/test-app.js';

const ann: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'U-bob', name: 'Bob', role: 'engineer' };

let app: App;
let notifier: RecordingNotifier;
let cleanup: () => void;

beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app, notifier } = await startTestApp(tmp.dir));
});
afterEach(async () => {
  await app.close();
  cleanup();
});

const open = () =>
  app.tickets.open({
    requester: ann,
    channel: 'slack',
    conversationKey: 'slack:T:D1:1.0',
    subject: 'VPN broken',
    description: 'It fails',
  });

// A delivery kept in the inbox is handled again when the process died before marking it done:
// perhaps after the ticket changed and before its notification reached the outbox. The second
// handling must neither change the ticket again nor stay silent.
describe('a ticket change handled again for the same delivery', () => {
  it('claims once, and tells the claim again instead of "already claimed by you"', async () => {
    const ticket = await open();
    const delivery = app.tickets.withOrigin('slack:action:press-1');
    await delivery.claim(ticket.key, bob);
    notifier.sent.length = 0; // as if the process died before the notification went out
    const again = await delivery.claim(ticket.key, bob);
    expect(again).toMatchObject({ status: 'claimed', assigneeId: 'U-bob', version: ticket.version + 1 });
    expect(notifier.sent).toMatchObject([
      { type: 'claimed', summary: `${ticket.key} was claimed by Bob`, ticket: { version: ticket.version + 1 } },
    ]);
    expect((await app.tickets.history(ticket)).filter((e) => e.type === 'status')).toHaveLength(1);
    // Without the delivery, a second claim is still refused.
    await expect(app.tickets.claim(ticket.key, bob)).rejects.toThrow(/already claimed by you/);
  });

  it('adds a comment once, through the action handler as channels call it', async () => {
    const ticket = await open();
    await app.tickets.claim(ticket.key, bob);
    const actionHandler = new TicketActionHandler(app.tickets, app.store.ticketThreads);
    const press = {
      actionId: 'ticket.comment',
      value: ticket.key,
      actor: bob,
      input: { text: 'Try the new client' },
      origin: 'slack:message:C1:2.0',
    };
    await actionHandler.perform(press);
    notifier.sent.length = 0;
    await actionHandler.perform(press);
    const comments = (await app.tickets.history(ticket)).filter((e) => e.type === 'comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.detail).toMatchObject({ text: 'Try the new client', origin: 'slack:message:C1:2.0' });
    expect(notifier.sent).toMatchObject([{ type: 'comment', from: 'engineer', note: 'Try the new client' }]);
    // Another message with the same words is another comment.
    await actionHandler.perform({ ...press, origin: 'slack:message:C1:3.0' });
    expect((await app.tickets.history(ticket)).filter((e) => e.type === 'comment')).toHaveLength(2);
  });

  it('escalates once and tells the tier it left', async () => {
    const ticket = await open();
    const delivery = app.tickets.withOrigin('teams:conv:act-9');
    await delivery.escalate(ticket.key, bob, { reason: 'needs network team' });
    notifier.sent.length = 0;
    const again = await delivery.escalate(ticket.key, bob, { reason: 'needs network team' });
    expect(again.tier).toBe('L3');
    expect(notifier.sent).toMatchObject([{ type: 'escalated', fromTier: 'L2', note: 'needs network team' }]);
    expect((await app.tickets.history(ticket)).filter((e) => e.type === 'status')).toHaveLength(1);
  });
});
