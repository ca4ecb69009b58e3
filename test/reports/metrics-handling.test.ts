/**
 * Who took and resolved tickets, read from the audit events TicketService writes (claim, assign,
 * reassign, resolve, reopen), on the project's database: the lead report's per-engineer figures
 * come from these, not from who has the ticket now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { leadReport } from '../../src/core/analytics/lead-report.js';
import { SlaPolicy } from '../../src/core/tickets/sla-policy.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const ann: Actor = { id: 'UANN00001', name: 'Ann', role: 'employee' };
const eve: Actor = { id: 'UEVE00001', name: 'Eve', role: 'engineer' };
const max: Actor = { id: 'UMAX00001', name: 'Max', role: 'engineer' };

let app: App;
let cleanup: () => void;
const keys: Record<string, string> = {};
let outsideId = '';

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'HAN' }));
  const open = async (name: string) => {
    const ticket = await app.tickets.open({
      requester: ann,
      channel: 'slack',
      conversationKey: null,
      subject: `Ticket ${name}`,
      description: 'for the handling test',
      question: name,
    });
    keys[name] = ticket.key;
    return ticket;
  };
  // a: Eve claims and resolves. b: Max claims, it is reassigned to Eve, Eve resolves.
  // c: Eve assigns it to Max, who resolves it; Ann reopens it (nobody has it now, not resolved).
  // d: opened, nobody touches it. e: claimed by Max, but opened outside the period asked.
  await open('a');
  await app.tickets.claim(keys.a!, eve);
  await app.tickets.resolve(keys.a!, eve, 'restarted it');
  await open('b');
  await app.tickets.claim(keys.b!, max);
  await app.tickets.reassign(keys.b!, max, eve);
  await app.tickets.resolve(keys.b!, eve, 'replaced the cable');
  await open('c');
  await app.tickets.assign(keys.c!, eve, max);
  await app.tickets.resolve(keys.c!, max, 'reset the password');
  await app.tickets.reopen(keys.c!, ann, 'it happened again');
  await open('d');
  const outside = await open('e');
  outsideId = outside.id;
  await app.tickets.claim(keys.e!, max);
  await app.store.prisma.ticket.update({ where: { id: outsideId }, data: { createdAt: new Date('2020-01-01') } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  cleanup?.();
});

describe('who handled the tickets, from their events', () => {
  it('reads claims, assignments, reassignments and resolves of the tickets opened in the period, nothing else', async () => {
    const source = new PrismaMetricsSource(app.store.prisma, 2); // pages of two: the paging is exercised
    const rows = await source.handling({ from: new Date('2026-01-01'), to: new Date('2100-01-01') });
    const ids = Object.fromEntries(
      await Promise.all(Object.entries(keys).map(async ([name, key]) => [(await app.tickets.get(key)).id, name])),
    );
    expect(rows.map((r) => [ids[r.ticketId], r.kind, r.engineerId, r.engineerName])).toEqual([
      ['a', 'took', eve.id, 'Eve'],
      ['a', 'resolved', eve.id, 'Eve'],
      ['b', 'took', max.id, 'Max'],
      ['b', 'took', eve.id, null], // the reassignment's event names nobody
      ['b', 'resolved', eve.id, 'Eve'],
      ['c', 'took', max.id, 'Max'], // assigned by Eve: Max took it
      ['c', 'resolved', max.id, 'Max'],
    ]);
    expect(rows.some((r) => r.ticketId === outsideId)).toBe(false);
  });

  it('per engineer in the lead report: by those events, whoever has the ticket now', async () => {
    const source = new PrismaMetricsSource(app.store.prisma);
    const now = new Date();
    // A report whose period holds today: 4 weeks back from next Monday, as the router asks.
    const query = { weeks: 4, timeZone: 'UTC', windowDays: 7 };
    const nextWeek = new Date(now.getTime() + 7 * 24 * 3600_000);
    const from = new Date(now.getTime() - 60 * 24 * 3600_000);
    const input = await source.load({ from, to: nextWeek, windowDays: 7 });
    input.handling = await source.handling({ from, to: nextWeek });
    const report = leadReport(input, [], { query, now: nextWeek, sla: new SlaPolicy() });
    const rows = Object.fromEntries(report.engineers.map((e) => [e.label, [e.tickets, e.resolved]]));
    // Eve: took a and b, resolved both. Max: took b (first) and c, resolved c, which was reopened since
    // (not resolved now, and nobody has it): he is credited with the claim, not the resolution.
    expect(rows).toEqual({ Eve: [2, 2], Max: [2, 0] });
    // d was taken by nobody.
    expect(report.unassigned).toBe(1);
    const c = await app.tickets.get(keys.c!);
    expect([c.status, c.assigneeId]).toEqual(['reopened', null]);
  });
});
