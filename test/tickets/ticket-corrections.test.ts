import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusinessCalendar } from '../../src/core/tickets/business-calendar.js';
import { defaultSlaTargets, SlaPolicy } from '../../src/core/tickets/sla-policy.js';
import { TicketActionHandler } from '../../src/core/tickets/ticket-action-handler.js';
import type { Actor, Priority, Ticket } from '../../src/core/tickets/ticket.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';
import type { RecordingNotifier } from '../support/test-app.js';

const ann: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'U-bob', name: 'Bob', role: 'engineer' };
const cat: Actor = { id: 'U-cat', name: 'Cat', role: 'engineer' };
const timer: Actor = { id: 'sla-timer', name: 'SLA timer', role: 'system' };
const T0 = new Date('2026-11-23T09:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let library: LiveKnowledge;
let app: MemoryApp;
let notifier: RecordingNotifier;
let actionHandler: TicketActionHandler;

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  // The SLA clock is the Date clock: only Date is faked.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  ({ app, notifier } = await startMemoryApp({ library }));
  actionHandler = new TicketActionHandler(app.tickets, app.store.ticketThreads, undefined, () =>
    app.conversations.categories(),
  );
});
afterEach(async () => {
  vi.useRealTimers();
  await app.close();
});

const at = (date: Date) => vi.setSystemTime(date);
const open = (priority: Priority = 'P3', category = 'network') =>
  app.tickets.open({
    requester: ann,
    channel: 'local',
    conversationKey: 'local:U-ann',
    subject: 'VPN drops every ten minutes',
    description: 'It drops',
    priority,
    category,
  });
const eventsOf = async (ticket: Ticket, type: string) =>
  (await app.tickets.history(ticket)).filter((e) => e.type === type);

describe('changing the priority', () => {
  it('moves the running due times to the new targets from the opening, with an audit event and a notification', async () => {
    const ticket = await open('P3');
    at(minutes(5));
    const changed = await app.tickets.setPriority(ticket.key, bob, 'P1', 'CEO cannot present');
    // Default wall-clock P1 targets: 15 minutes to respond, 4 hours to resolve, counted from the opening.
    expect(changed).toMatchObject({
      priority: 'P1',
      version: ticket.version + 1,
      responseDueAt: minutes(15),
      resolveDueAt: minutes(240),
    });
    const [event] = await eventsOf(ticket, 'priority');
    expect(event).toMatchObject({
      actorId: 'U-bob',
      fromStatus: 'new',
      toStatus: 'new',
      detail: {
        from: 'P3',
        to: 'P1',
        reason: 'CEO cannot present',
        responseDueAt: { from: minutes(240).toISOString(), to: minutes(15).toISOString() },
        resolveDueAt: { from: minutes(3 * 24 * 60).toISOString(), to: minutes(240).toISOString() },
      },
    });
    expect(notifier.sent.at(-1)).toMatchObject({
      type: 'priority',
      previous: 'P3',
      note: 'CEO cannot present',
      ticket: { priority: 'P1' },
      actor: { id: 'U-bob' },
    });
  });

  it('restarts a deadline the new target has already passed from the change, instead of breaching it by itself', async () => {
    const ticket = await open('P3');
    at(minutes(120));
    const changed = await app.tickets.setPriority(ticket.key, bob, 'P1');
    // Response: P1's 15 minutes from the opening are gone, so 15 minutes from now. Resolution: 4 h from the opening still ahead.
    expect(changed.responseDueAt).toEqual(minutes(135));
    expect(changed.resolveDueAt).toEqual(minutes(240));
    expect(app.tickets.sla.state(changed)).toBe('soon');
  });

  it('leaves a deadline already passed (a breach is not undone) and a first response already given alone', async () => {
    const ticket = await open('P3');
    at(minutes(300)); // the P3 response (4 h) has passed, unclaimed
    const lowered = await app.tickets.setPriority(ticket.key, bob, 'P4');
    expect(lowered.responseDueAt).toEqual(ticket.responseDueAt);
    expect(lowered.resolveDueAt).toEqual(minutes(10 * 24 * 60));

    const other = await open('P3');
    at(minutes(310));
    await app.tickets.claim(other.key, cat);
    const raised = await app.tickets.setPriority(other.key, cat, 'P2');
    expect(raised.responseDueAt).toEqual(other.responseDueAt);
    expect(raised.resolveDueAt).toEqual(minutes(300 + 8 * 60));
  });

  it('counts from the escalation that started the current clock, and keeps the time spent waiting on the requester', async () => {
    const ticket = await open('P3');
    at(minutes(60));
    await app.tickets.escalate(ticket.key, bob, { reason: 'network team' });
    at(minutes(70));
    const raised = await app.tickets.setPriority(ticket.key, bob, 'P2');
    // P2 at L3: 60 / 480 minutes from the escalation at minute 60.
    expect(raised).toMatchObject({ tier: 'L3', responseDueAt: minutes(120), resolveDueAt: minutes(540) });

    await app.tickets.claim(ticket.key, cat);
    await app.tickets.wait(ticket.key, cat, 'Which office are you in?');
    at(minutes(70 + 24 * 60));
    await app.tickets.resume(ticket.key, ann, 'London');
    const resumed = await app.tickets.get(ticket.key);
    expect(resumed.resolveDueAt).toEqual(minutes(540 + 24 * 60));
    at(minutes(80 + 24 * 60));
    const lowered = await app.tickets.setPriority(ticket.key, cat, 'P3');
    // P3 resolution (3 days) from the escalation, still plus the day it waited.
    expect(lowered.resolveDueAt).toEqual(minutes(60 + 3 * 24 * 60 + 24 * 60));
  });

  it('changes nothing on a resolved ticket but the priority, and the requester-facing SLA stays met', async () => {
    const ticket = await open('P3');
    await app.tickets.claim(ticket.key, bob);
    at(minutes(30));
    const resolved = await app.tickets.resolve(ticket.key, bob, 'Reinstalled the client');
    const changed = await app.tickets.setPriority(ticket.key, bob, 'P1', 'it was urgent after all');
    expect(changed).toMatchObject({
      priority: 'P1',
      status: 'resolved',
      responseDueAt: resolved.responseDueAt,
      resolveDueAt: resolved.resolveDueAt,
    });
  });

  it('is refused to employees, for an unknown or unchanged priority; the SLA timer (system) may change it', async () => {
    const ticket = await open('P3');
    await expect(app.tickets.setPriority(ticket.key, ann, 'P1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.tickets.setPriority(ticket.key, bob, 'P0' as Priority)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Choose a priority: P1, P2, P3, P4.',
    });
    await expect(app.tickets.setPriority(ticket.key, bob, 'P3')).rejects.toThrow(`${ticket.key} is already P3.`);
    await expect(app.tickets.setPriority(ticket.key, timer, 'P2')).resolves.toMatchObject({ priority: 'P2' });
    expect(await eventsOf(ticket, 'priority')).toHaveLength(1);
  });

  it('of two changes made on the same version, one wins and the other is told', async () => {
    const ticket = await open('P3');
    const results = await Promise.allSettled([
      app.tickets.setPriority(ticket.key, bob, 'P1'),
      app.tickets.setPriority(ticket.key, cat, 'P4'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
    expect(await eventsOf(ticket, 'priority')).toHaveLength(1);
  });
});

describe('the SLA timers after a priority change', () => {
  it('remind at the new due time: a moved deadline is a new timer', async () => {
    const ticket = await open('P2'); // response due at minute 60; the reminder lead is a quarter of the target (15 min)
    await app.timers.sweep();
    at(minutes(50));
    expect((await app.timers.sweep()).fired).toContainEqual({ ticket: ticket.key, kind: 'reminder' });
    const lowered = await app.tickets.setPriority(ticket.key, bob, 'P3'); // response now due at minute 240
    expect(lowered.responseDueAt).toEqual(minutes(240));
    at(minutes(61));
    // The old deadline passing neither breaches nor escalates it any more.
    expect((await app.timers.sweep()).fired.filter((f) => f.kind !== 'reannounce')).toEqual([]);
    at(minutes(200)); // 40 minutes before the new deadline: inside the 60-minute "breaching soon" window
    expect((await app.timers.sweep()).fired).toContainEqual({ ticket: ticket.key, kind: 'reminder' });
    expect(notifier.sent.filter((n) => n.type === 'reminder').map((n) => n.due?.at)).toEqual([
      minutes(60),
      minutes(240),
    ]);
    expect((await app.tickets.get(ticket.key)).status).toBe('new');
  });

  it('escalate on the new, earlier deadline', async () => {
    const ticket = await open('P3');
    at(minutes(10));
    await app.tickets.setPriority(ticket.key, bob, 'P1'); // response due at minute 15
    at(minutes(16));
    expect((await app.timers.sweep()).fired).toContainEqual({ ticket: ticket.key, kind: 'response-breach' });
    expect(await app.tickets.get(ticket.key)).toMatchObject({ tier: 'L3', status: 'escalated' });
  });
});

describe('changing the category', () => {
  it('records the change and tells the notifiers with the old category', async () => {
    const ticket = await open('P3', 'network');
    const changed = await app.tickets.setCategory(ticket.key, bob, 'security', 'phishing, not VPN');
    expect(changed).toMatchObject({
      category: 'security',
      version: ticket.version + 1,
      priority: 'P3',
      responseDueAt: ticket.responseDueAt,
    });
    expect((await eventsOf(ticket, 'category'))[0]).toMatchObject({
      actorId: 'U-bob',
      detail: { from: 'network', to: 'security', reason: 'phishing, not VPN' },
    });
    expect(notifier.sent.at(-1)).toMatchObject({
      type: 'category',
      previous: 'network',
      note: 'phishing, not VPN',
      ticket: { category: 'security' },
    });
  });

  it('is refused to employees, for an empty, overlong or unchanged category', async () => {
    const ticket = await open('P3', 'network');
    await expect(app.tickets.setCategory(ticket.key, ann, 'security')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.tickets.setCategory(ticket.key, bob, '   ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(app.tickets.setCategory(ticket.key, bob, 'x'.repeat(10_000))).rejects.toThrow(/short name/);
    await expect(app.tickets.setCategory(ticket.key, bob, 'network')).rejects.toThrow(/already in network/);
    expect(await eventsOf(ticket, 'category')).toHaveLength(0);
  });
});

describe('assigning an unclaimed ticket', () => {
  it("claims it on the engineer's behalf, recording who assigned it", async () => {
    const ticket = await open();
    at(minutes(3));
    const assigned = await app.tickets.assign(ticket.key, bob, cat);
    expect(assigned).toMatchObject({
      status: 'claimed',
      assigneeId: 'U-cat',
      assigneeName: 'Cat',
      firstResponseAt: minutes(3),
    });
    const [event] = (await eventsOf(ticket, 'status')).filter((e) => e.detail.command === 'assign');
    expect(event).toMatchObject({
      actorId: 'U-bob',
      fromStatus: 'new',
      toStatus: 'claimed',
      detail: { assignee: 'U-cat', assigneeName: 'Cat' },
    });
    expect(notifier.sent.at(-1)).toMatchObject({
      type: 'claimed',
      summary: `${ticket.key} was assigned to Cat`,
      actor: { id: 'U-bob' },
    });
  });

  it('works on escalated and reopened tickets; refuses claimed, waiting, non-engineers', async () => {
    const ticket = await open();
    await app.tickets.escalate(ticket.key, bob, { reason: 'network team' });
    await app.tickets.assign(ticket.key, bob, cat);
    await expect(app.tickets.assign(ticket.key, bob, bob)).rejects.toThrow(
      `${ticket.key} is already claimed by Cat; reassign it instead.`,
    );
    await app.tickets.wait(ticket.key, cat, 'Which office?');
    await expect(app.tickets.assign(ticket.key, bob, bob)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await app.tickets.resolve(ticket.key, cat, 'Fixed the tunnel');
    await app.tickets.reopen(ticket.key, ann, 'It is back');
    await expect(app.tickets.assign(ticket.key, bob, ann)).rejects.toThrow('Ann is not an engineer.');
    await expect(app.tickets.assign(ticket.key, ann, bob)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.tickets.assign(ticket.key, bob, bob)).resolves.toMatchObject({
      status: 'claimed',
      assigneeId: 'U-bob',
    });
  });
});

describe('a correction handled again for the same delivery', () => {
  it('changes once and tells again', async () => {
    const ticket = await open('P3');
    const delivery = app.tickets.withOrigin('slack:view:V1');
    await delivery.setPriority(ticket.key, bob, 'P1', 'urgent');
    notifier.sent.length = 0;
    const again = await delivery.setPriority(ticket.key, bob, 'P1', 'urgent');
    expect(again).toMatchObject({ priority: 'P1', version: ticket.version + 1 });
    expect(notifier.sent).toMatchObject([
      { type: 'priority', previous: 'P3', note: 'urgent', ticket: { version: ticket.version + 1 } },
    ]);
    expect(await eventsOf(ticket, 'priority')).toHaveLength(1);

    const category = app.tickets.withOrigin('teams:conv:act-2');
    await category.setCategory(ticket.key, bob, 'security');
    notifier.sent.length = 0;
    await category.setCategory(ticket.key, bob, 'security');
    expect(notifier.sent).toMatchObject([{ type: 'category', previous: 'network' }]);
    expect(await eventsOf(ticket, 'category')).toHaveLength(1);

    const assign = app.tickets.withOrigin('slack:view:V2');
    await assign.assign(ticket.key, bob, cat);
    notifier.sent.length = 0;
    // Not "already claimed by Cat": the same delivery did it.
    await expect(assign.assign(ticket.key, bob, cat)).resolves.toMatchObject({ assigneeId: 'U-cat' });
    expect(notifier.sent).toMatchObject([{ type: 'claimed', summary: `${ticket.key} was assigned to Cat` }]);
  });
});

describe('the ticket action handler: what chats send', () => {
  it('maps the three actions and says what happened', async () => {
    const ticket = await open('P3', 'network');
    await expect(
      actionHandler.perform({
        actionId: 'ticket.priority',
        value: ticket.key,
        actor: bob,
        input: { priority: ' p2 ', reason: 'team blocked' },
      }),
    ).resolves.toMatchObject({
      message: `${ticket.key} is now P2; its SLA due times moved with it.`,
    });
    await expect(
      actionHandler.perform({
        actionId: 'ticket.category',
        value: ticket.key,
        actor: bob,
        input: { category: 'Security' },
      }),
    ).resolves.toMatchObject({ message: `${ticket.key} is now in security.` });
    await expect(
      actionHandler.perform({ actionId: 'ticket.assign', value: ticket.key, actor: bob, input: { assignee: cat } }),
    ).resolves.toMatchObject({ message: `${ticket.key} is now assigned to Cat.` });
    expect(await app.tickets.get(ticket.key)).toMatchObject({
      priority: 'P2',
      category: 'security',
      assigneeId: 'U-cat',
      status: 'claimed',
    });
  });

  it('refuses forged values politely, without echoing them', async () => {
    const ticket = await open('P3', 'network');
    const huge = 'x'.repeat(10 * 1024);
    const refused = async (input: Record<string, unknown>, actionId = 'ticket.priority', actor = bob) => {
      const error = await actionHandler.perform({ actionId, value: ticket.key, actor, input }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/INVALID_INPUT|FORBIDDEN/) });
      expect(String((error as Error).message).length).toBeLessThan(200);
      return (error as Error).message;
    };
    expect(await refused({ priority: 'P0' })).toBe('Choose a priority: P1, P2, P3, P4.');
    expect(await refused({})).toBe('Choose a priority: P1, P2, P3, P4.');
    expect(await refused({ priority: huge })).toBe('Choose a priority: P1, P2, P3, P4.');
    expect(await refused({ category: huge }, 'ticket.category')).toBe('Choose one of the listed categories.');
    expect(await refused({ category: 'made-up' }, 'ticket.category')).toBe('Choose one of the listed categories.');
    expect(await refused({}, 'ticket.assign')).toBe('Choose the engineer to give it to.');
    expect(await refused({ priority: 'P1' }, 'ticket.priority', ann)).toBe(
      'Only engineers can change the priority of tickets.',
    );
    await expect(
      actionHandler.perform({ actionId: 'ticket.priority', value: `${huge}-1`, actor: bob, input: { priority: 'P1' } }),
    ).rejects.toThrow('That button does not name a ticket.');
    expect(await app.tickets.get(ticket.key)).toMatchObject({
      priority: 'P3',
      category: 'network',
      version: ticket.version,
    });
  });

  it("offers the knowledge base's categories and general, and the routed ones", async () => {
    expect(actionHandler.categories()).toEqual(expect.arrayContaining(['general', 'network', 'printing', 'security']));
    const routed = new TicketActionHandler(app.tickets, app.store.ticketThreads, undefined, () => [
      ...app.conversations.categories(),
      'facilities',
      'Network',
    ]);
    expect(routed.categories()).toContain('facilities');
    expect(routed.categories().filter((c) => c.toLowerCase() === 'network')).toHaveLength(1);
  });

  it("lets only engineers press the card buttons, and only on that ticket's own card", async () => {
    const ticket = await open();
    const other = await open();
    await app.store.ticketThreads.add({
      ticketKey: ticket.key,
      channel: 'slack',
      role: 'triage',
      address: 'C1',
      threadId: '1.0',
      tier: 'L2',
    });
    const place = { chat: 'slack', address: 'C1', messageId: '1.0' };
    expect(await actionHandler.refuseButton('ticket.priority', ticket.key, bob, place)).toBeNull();
    expect(await actionHandler.refuseButton('ticket.category', other.key, bob, place)).toBe(
      'That button does not belong to this ticket card.',
    );
    expect(await actionHandler.refuseButton('ticket.assign', ticket.key, ann, place)).toMatch(
      /^Only engineers can assign tickets\./,
    );
    expect(await actionHandler.refuseButton('ticket.category', ticket.key, ann, 'home')).toMatch(
      /^Only engineers can change tickets' category\./,
    );
  });
});

describe('SlaPolicy.rescheduled on a business calendar', () => {
  // London, weekdays 09:00-17:00; June is BST (UTC+1). Friday 2026-06-05, Monday 2026-06-08.
  const hours = [{ start: 9 * 60, end: 17 * 60 }];
  const calendar = new BusinessCalendar({
    timeZone: 'Europe/London',
    hours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
  });
  const policy = new SlaPolicy(defaultSlaTargets, 60, { calendar });
  const openedAt = new Date('2026-06-05T14:00:00Z'); // Fri 15:00
  const ticket = {
    priority: 'P3',
    tier: 'L2',
    createdAt: openedAt,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    ...policy.dueTimes('P3', openedAt, 'L2'),
  } as unknown as Ticket;

  it('counts the new target in business minutes from the opening', () => {
    expect(ticket.responseDueAt).toEqual(new Date('2026-06-08T10:00:00Z')); // 2 h Friday, 2 h Monday: Mon 11:00
    const due = policy.rescheduled(ticket, 'P2', openedAt, new Date('2026-06-05T14:30:00Z'));
    expect(due.responseDueAt).toEqual(new Date('2026-06-05T15:00:00Z')); // Fri 16:00
  });

  it('restarts in business minutes from the change when the new target has gone by', () => {
    const due = policy.rescheduled(ticket, 'P2', openedAt, new Date('2026-06-05T15:30:00Z')); // Fri 16:30
    expect(due.responseDueAt).toEqual(new Date('2026-06-08T08:30:00Z')); // 30 min Friday, 30 Monday: Mon 09:30
  });
});
