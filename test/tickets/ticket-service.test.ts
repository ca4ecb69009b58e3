import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCoreError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';
import type { RecordingNotifier } from '../support/test-app.js';

const requester: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'U-bob', name: 'Bob', role: 'engineer' };
const carol: Actor = { id: 'U-carol', name: 'Carol', role: 'engineer' };

// The service on in-memory ports (test/store/port-contracts.test.ts holds the Prisma repository
// to the same compare-and-set), the knowledge base built once for the file.
let library: LiveKnowledge;
let app: MemoryApp;
let notifier: RecordingNotifier;

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  ({ app, notifier } = await startMemoryApp({ library }));
});
afterEach(async () => {
  await app.close();
});

const open = (subject = 'VPN broken') =>
  app.tickets.open({
    requester,
    channel: 'local',
    conversationKey: 'local:U-ann',
    subject,
    description: 'It fails',
    priority: 'P2',
    category: 'network',
  });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isCoreError(error)) return error.code;
    throw error;
  }
}

describe('TicketService', () => {
  it('opens tickets with sequential human-readable keys and a creation event', async () => {
    const first = await open();
    const second = await open('Printer');
    expect([first.key, second.key]).toEqual(['HD-1001', 'HD-1002']);
    expect(first).toMatchObject({
      status: 'new',
      priority: 'P2',
      tier: 'L2',
      category: 'network',
      requesterName: 'Ann',
    });
    const events = await app.tickets.history(first);
    expect(events).toMatchObject([{ type: 'created', toStatus: 'new', actorId: 'U-ann' }]);
    expect(notifier.sent.map((n) => n.type)).toEqual(['opened', 'opened']);
  });

  it('walks claim, escalate, claim, resolve, reopen and close, recording who did what', async () => {
    const { key } = await open();
    await app.tickets.claim(key, bob);
    const escalated = await app.tickets.escalate(key, bob, { reason: 'needs firewall change' });
    expect(escalated).toMatchObject({ status: 'escalated', tier: 'L3', assigneeId: null });
    await app.tickets.claim(key, carol);
    const resolved = await app.tickets.resolve(key, carol, 'Opened port 443');
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    await app.tickets.reopen(key, requester, 'Broken again');
    const closed = await app.tickets.close(key, requester);
    expect(closed.status).toBe('closed');

    const events = await app.tickets.history(closed);
    expect(events.map((e) => [e.actorName, e.fromStatus, e.toStatus])).toEqual([
      ['Ann', null, 'new'],
      ['Bob', 'new', 'claimed'],
      ['Bob', 'claimed', 'escalated'],
      ['Carol', 'escalated', 'claimed'],
      ['Carol', 'claimed', 'resolved'],
      ['Ann', 'resolved', 'reopened'],
      ['Ann', 'reopened', 'closed'],
    ]);
    expect(events[2]!.detail).toMatchObject({ fromTier: 'L2', toTier: 'L3', reason: 'needs firewall change' });
    expect(notifier.sent.map((n) => n.summary)).toContain('HD-1001 was escalated to L3 by Bob');
  });

  it('refuses illegal transitions with a clear reason and changes nothing', async () => {
    const { key } = await open();
    await app.tickets.claim(key, bob);
    await app.tickets.resolve(key, bob, 'done');
    await app.tickets.close(key, bob);
    await expect(app.tickets.reopen(key, requester, 'again')).rejects.toThrow(
      'Cannot reopen HD-1001: it is closed. Closed tickets are final: open a new ticket and mention this one.',
    );
    expect((await app.tickets.get(key)).status).toBe('closed');
    expect(await app.tickets.history(await app.tickets.get(key))).toHaveLength(4);
  });

  it('lets only engineers claim, escalate and resolve, and only the requester or engineers close', async () => {
    const { key } = await open();
    const stranger: Actor = { id: 'U-eve', name: 'Eve', role: 'employee' };
    expect(await codeOf(app.tickets.claim(key, requester))).toBe('FORBIDDEN');
    expect(await codeOf(app.tickets.escalate(key, requester))).toBe('FORBIDDEN');
    expect(await codeOf(app.tickets.resolve(key, requester, 'x'))).toBe('FORBIDDEN');
    expect(await codeOf(app.tickets.close(key, stranger))).toBe('FORBIDDEN');
    expect(await codeOf(app.tickets.close(key, requester))).toBe('ok');
  });

  it('of two engineers claiming at once, exactly one wins and the other is told who has it', async () => {
    const { key } = await open();
    const results = await Promise.allSettled([app.tickets.claim(key, bob), app.tickets.claim(key, carol)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const ticket = await app.tickets.get(key);
    expect(lost[0]!.reason.message).toContain(ticket.assigneeName!);
    expect((await app.tickets.history(ticket)).filter((e) => e.toStatus === 'claimed')).toHaveLength(1);
  });

  it('escalates one tier at a time up to the vendor (L4) and no further', async () => {
    const { key } = await open();
    await app.tickets.escalate(key, bob);
    await app.tickets.escalate(key, bob, { tier: 'L4' });
    await expect(app.tickets.escalate(key, bob)).rejects.toThrow('already at the vendor tier (L4)');
    const other = await open('other');
    await expect(app.tickets.escalate(other.key, bob, { tier: 'L2' })).rejects.toThrow('already at L2');
  });

  it('a failing notifier never loses the change', async () => {
    const { key } = await open();
    notifier.notify = async () => {
      throw new Error('Slack is down');
    };
    await app.tickets.claim(key, bob);
    expect((await app.tickets.get(key)).status).toBe('claimed');
  });

  it('answers an unknown key with NOT_FOUND, whatever its case', async () => {
    await open();
    expect((await app.tickets.get(' hd-1001 ')).key).toBe('HD-1001');
    expect(await codeOf(app.tickets.get('HD-999999'))).toBe('NOT_FOUND');
  });

  it('sets SLA due times from the priority at open', async () => {
    const ticket = await open();
    expect(ticket.responseDueAt!.getTime() - ticket.createdAt.getTime()).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(ticket.responseDueAt!.getTime() - ticket.createdAt.getTime()).toBeLessThanOrEqual(60 * 60_000 + 1000);
    expect(app.tickets.sla.state(ticket)).toBe('ok');
    expect(app.tickets.sla.state(ticket, new Date(ticket.responseDueAt!.getTime() - 10 * 60_000))).toBe('soon');
    expect(app.tickets.sla.state(ticket, new Date(ticket.responseDueAt!.getTime() + 1))).toBe('breached');
  });

  it("counts an engineer's comment as the first response", async () => {
    const ticket = await open();
    await app.tickets.comment(ticket.key, bob, '(internal) looking');
    expect((await app.tickets.get(ticket.key)).firstResponseAt).toBeNull();
    await app.tickets.comment(ticket.key, bob, 'Which laptop is it?');
    expect((await app.tickets.get(ticket.key)).firstResponseAt).toBeInstanceOf(Date);
  });

  it('carries comments between requester and engineers, keeps internal notes, and resumes a waiting ticket', async () => {
    const ticket = await open();
    await app.tickets.claim(ticket.key, bob);
    await app.tickets.wait(ticket.key, bob, 'Which laptop?');
    const fromRequester = await app.tickets.comment(ticket.key, requester, 'The ThinkPad');
    expect(fromRequester.ticket.status).toBe('claimed');
    expect(notifier.sent.at(-1)).toMatchObject({ type: 'comment', from: 'requester', note: 'The ThinkPad' });
    const sent = notifier.sent.length;
    expect((await app.tickets.comment(ticket.key, bob, '(internal) firmware bug')).relayed).toBe(false);
    expect(notifier.sent).toHaveLength(sent);
    await app.tickets.comment(ticket.key, bob, 'Try the other port');
    expect((await app.tickets.get(ticket.key)).firstResponseAt).not.toBeNull();
    expect(notifier.sent.at(-1)).toMatchObject({ type: 'comment', from: 'engineer' });
    expect(await codeOf(app.tickets.comment(ticket.key, { id: 'U-eve', role: 'employee' }, 'me too'))).toBe(
      'FORBIDDEN',
    );
    const comments = (await app.tickets.history(ticket)).filter((e) => e.type === 'comment');
    expect(comments.map((e) => e.detail.internal)).toEqual([false, true, false]);
  });

  it('takes a 1-5 rating from the requester once the ticket is resolved', async () => {
    const ticket = await open();
    expect(await codeOf(app.tickets.rate(ticket.key, requester, 5))).toBe('ILLEGAL_TRANSITION');
    await app.tickets.resolve(ticket.key, bob, 'Reset the profile');
    expect(await codeOf(app.tickets.rate(ticket.key, bob, 5))).toBe('FORBIDDEN');
    expect(await codeOf(app.tickets.rate(ticket.key, requester, 6))).toBe('INVALID_INPUT');
    expect((await app.tickets.rate(ticket.key, requester, 4)).satisfaction).toBe(4);
    expect(notifier.sent.at(-1)).toMatchObject({ type: 'rated' });
  });
});
