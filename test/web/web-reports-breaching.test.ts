/**
 * The lead report's "Breaching now" past 5,000 open tickets (as many as the report once read):
 * the counts are the database's and the SLA policy's over every open ticket, the list is the 200
 * most late of them in the policy's order (ties in due time by key), and the rest is one link to
 * the queue's breaching filter, whose count is the same. Over real HTTP, on SQLite and PostgreSQL.
 * Due soon is the policy's window: the tickets written on its edges (due now, due in exactly
 * soonMinutes and a millisecond more, inside and outside the last quarter of a short target)
 * are the ones the database cannot decide alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BREACHING_LISTED, breachingNow } from '../../src/core/analytics/lead-report.js';
import type { Ticket, TicketStatus } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { Client, eve, lee, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const NOW = new Date('2026-03-18T12:00:00Z');
const MINUTE = 60_000;
const OPEN = 5_300;

let app: App;
let cleanup: () => void;
let web: WebReplica;
let written: Ticket[];

type Row = {
  createdAt: Date;
  responseDueAt: Date | null;
  resolveDueAt: Date | null;
  status?: TicketStatus;
  firstResponseAt?: Date | null;
  resolvedAt?: Date | null;
};

/** Tickets on the "soon" window's edges (soonMinutes is 60; a target's last quarter when shorter). */
function edges(): Row[] {
  const at = (minutes: number, ms = 0) => new Date(NOW.getTime() + minutes * MINUTE + ms);
  const far = at(10 * 24 * 60);
  return [
    { createdAt: at(-240), responseDueAt: at(0), resolveDueAt: far }, // due now: soon
    { createdAt: at(-180), responseDueAt: at(60), resolveDueAt: far }, // due in exactly 60 min: soon
    { createdAt: at(-180), responseDueAt: at(60, 1), resolveDueAt: far }, // a millisecond later: in time
    { createdAt: at(-20), responseDueAt: at(10), resolveDueAt: far }, // 10 of 30 min left, quarter 7.5: in time
    { createdAt: at(-23), responseDueAt: at(7), resolveDueAt: far }, // 7 of 30 min left: soon
    { createdAt: at(-22, -30_000), responseDueAt: at(7, 30_000), resolveDueAt: far }, // 7.5 of 30 min left: soon
    { createdAt: at(-22, -29_999), responseDueAt: at(7, 30_001), resolveDueAt: far }, // 7.5 min + 1 ms of 30: in time
    { createdAt: at(-60), responseDueAt: at(0, -1), resolveDueAt: far }, // a millisecond past due: breached
    // Responded: the resolution's clock counts, not the first response's.
    { createdAt: at(-300), responseDueAt: at(-280), resolveDueAt: at(30), firstResponseAt: at(-290) }, // soon
    { createdAt: at(-300), responseDueAt: at(-280), resolveDueAt: far, firstResponseAt: at(-290) }, // in time
    // No response target: the resolution's.
    { createdAt: at(-400), responseDueAt: null, resolveDueAt: at(-5) }, // breached
    { createdAt: at(-400), responseDueAt: null, resolveDueAt: null }, // no clock
  ];
}

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'BRE' }));
  web = await serveWeb(app, { clock: new TestClock(NOW), pinRouterClock: true });
  const statuses: TicketStatus[] = ['new', 'claimed', 'escalated', 'waiting', 'reopened'];
  const rows: Row[] = [...edges()];
  // The most late 300 share one due time (the 200-row cut falls among them: key order decides).
  for (let i = 0; i < 300; i++)
    rows.push({
      createdAt: new Date(NOW.getTime() - 50 * 24 * 60 * MINUTE),
      responseDueAt: new Date(NOW.getTime() - 49 * 24 * 60 * MINUTE),
      resolveDueAt: null,
    });
  // The rest opened 2 to 40 days ago, past due (a 1-hour or 1-day response target), and some settled.
  while (rows.length < OPEN + 400) {
    const i = rows.length;
    const createdAt = new Date(NOW.getTime() - (2 * 24 * 60 + ((i * 7919) % (38 * 24 * 60))) * MINUTE);
    const settled = i >= OPEN;
    rows.push({
      createdAt,
      responseDueAt: new Date(createdAt.getTime() + (i % 3 === 0 ? 60 : 24 * 60) * MINUTE),
      resolveDueAt: new Date(createdAt.getTime() + 20 * 24 * 60 * MINUTE),
      ...(settled ? { status: i % 2 ? 'resolved' : 'closed', resolvedAt: new Date(createdAt.getTime() + MINUTE) } : {}),
    });
  }
  const data = rows.map((row, i) => ({
    id: `br-${i}`,
    // Keys out of creation order (7919 is prime to the count): ties are broken by key, not by age.
    key: `BRE-${100000 + ((i * 7919) % rows.length)}`,
    subject: `Ticket ${i}`,
    description: 'seeded for the breaching list',
    transcript: '[]',
    collected: '{}',
    priority: 'P2',
    tier: 'L2',
    category: 'network',
    status: row.status ?? (row.firstResponseAt ? 'claimed' : statuses[i % statuses.length]!),
    channel: 'slack',
    requesterId: 'UREQ00001',
    createdAt: row.createdAt,
    firstResponseAt: row.firstResponseAt ?? null,
    resolvedAt: row.resolvedAt ?? null,
    responseDueAt: row.responseDueAt,
    resolveDueAt: row.resolveDueAt,
  }));
  for (let i = 0; i < data.length; i += 1000)
    await app.store.prisma.ticket.createMany({ data: data.slice(i, i + 1000) });
  written = data.map((r) => ({ ...r, closedAt: null }) as unknown as Ticket);
}, 180_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

const sectionOf = (html: string, id: string) =>
  new RegExp(`<section[^>]* id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';

describe('breaching now, past 5,000 open tickets', () => {
  it('counts every breaching ticket, lists the 200 most late in order, and links to the queue for the rest', async () => {
    const expected = breachingNow(written, NOW, app.tickets.sla);
    expect(written.filter((t) => t.resolvedAt === null).length).toBe(OPEN);
    expect(expected.breached).toBeGreaterThan(3_000);
    // The edges' soon ones: due now, in 60 min, 7 and 7.5 of 30 min, the responded one.
    expect(expected.soon).toBe(5);
    const total = expected.breached + expected.soon;

    const client = new Client(web.url);
    expect((await client.signIn((await web.access.linkFor('slack', lee)).url)).status).toBe(303);
    const html = await (await client.get('/web/reports')).text();
    const section = sectionOf(html, 'breaching');
    expect(section).toContain(
      `<b class="breached">${expected.breached.toLocaleString('en')}</b> past due · <b class="soon">${expected.soon}</b> due soon`,
    );
    const listed = [...section.matchAll(/<th scope="row"><a href="\/web\/tickets\/([^"]+)">/g)].map((m) => m[1]);
    expect(listed).toEqual(expected.tickets.slice(0, BREACHING_LISTED).map((t) => t.key));
    expect(section).toContain(
      `${(total - BREACHING_LISTED).toLocaleString('en')} more, less late: <a href="/web?breaching=1">`,
    );
    expect(section).not.toContain('5,000');

    // The queue's breaching filter counts the same tickets.
    const engineer = new Client(web.url);
    expect((await engineer.signIn((await web.access.linkFor('slack', eve)).url)).status).toBe(303);
    const queue = await (await engineer.get('/web?breaching=1')).text();
    expect(/id="count">([^<]*)</.exec(queue)?.[1]).toBe(`${total.toLocaleString('en')} tickets · 100 on this page`);
  }, 60_000);
});
