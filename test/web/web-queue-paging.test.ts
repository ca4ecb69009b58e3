/**
 * The queue filtered and paged by the database, past the 5,000 tickets the queue once read into
 * memory: following "Next page" from the first page gives every match exactly once, oldest first,
 * as the rows written say it should; the count is the database's; breaching is the SLA policy's,
 * counted by the database too; an export holds every match. On the project's database (SQLite,
 * and PostgreSQL in its project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { isBreaching } from '../../src/core/web/ticket-filter.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { Client, eve, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const TOTAL = 5_800;
const NOW = new Date('2026-12-04T12:00:00Z');
const MINUTE = 60_000;

let app: App;
let cleanup: () => void;
let web: WebReplica;
let client: Client;
/** What was written, as the queue should read it (open tickets, oldest first). */
let written: Ticket[];

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'PGQ' }));
  const clock = new TestClock(NOW);
  web = await serveWeb(app, { clock, pinRouterClock: true });
  const rows = Array.from({ length: TOTAL }, (_, i) => {
    // Oldest first, a minute apart; every 7th at the same instant as the one before (ties: key order).
    const createdAt = new Date(NOW.getTime() - (TOTAL - i - (i % 7 === 6 ? 1 : 0)) * MINUTE);
    return {
      id: `q-${i}`,
      key: `PGQ-${10000 + i}`,
      subject: i % 3 === 0 ? `Toner low on printer ${i}` : `Ticket ${i}`,
      description: i % 5 === 0 ? 'The TONER warning again' : 'something else',
      transcript: '[]',
      collected: '{}',
      priority: i % 4 === 0 ? 'P1' : 'P3',
      tier: 'L1',
      category: i % 2 === 0 ? 'printing' : 'network',
      status: i % 11 === 0 ? 'resolved' : i % 13 === 0 ? 'claimed' : 'new',
      channel: 'slack',
      requesterId: 'UREQ00001',
      createdAt,
      firstResponseAt: i % 13 === 0 ? new Date(createdAt.getTime() + 5 * MINUTE) : null,
      resolvedAt: i % 11 === 0 ? new Date(createdAt.getTime() + 60 * MINUTE) : null,
      // Due in the past, soon, or later: the recent ones are still in time.
      responseDueAt: new Date(createdAt.getTime() + (i % 4 === 0 ? 15 : 240) * MINUTE),
      resolveDueAt: new Date(createdAt.getTime() + (i % 4 === 0 ? 240 : 2880) * MINUTE),
    };
  });
  for (let i = 0; i < rows.length; i += 1000)
    await app.store.prisma.ticket.createMany({ data: rows.slice(i, i + 1000) });
  // The fields the queue and the SLA policy read, as written.
  written = rows.map((r) => ({ ...r, closedAt: null }) as unknown as Ticket);
  client = new Client(web.url);
  expect((await client.signIn((await web.access.linkFor('slack', eve)).url)).status).toBe(303);
}, 180_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

const open = (t: Ticket) => t.status !== 'resolved' && t.status !== 'closed';
const oldestFirst = (a: Ticket, b: Ticket) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Every key the queue shows from the first page on, following "Next page"; and the first page's count line. */
async function allPages(query: string): Promise<{ keys: string[]; count: string; pages: number }> {
  const keys: string[] = [];
  let path: string | null = `/web?${query}`;
  let count = '';
  let pages = 0;
  while (path) {
    const response = await client.get(path);
    expect(response.status, path).toBe(200);
    const html = await response.text();
    if (pages === 0) count = /id="count">([^<]*)</.exec(html)?.[1] ?? '';
    pages += 1;
    for (const match of html.matchAll(/<a href="\/web\/tickets\/([^"]+)">/g)) keys.push(match[1]!);
    path = /id="next-page" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;
    if (pages > 200) throw new Error('no end to the pages');
  }
  return { keys, count, pages };
}

describe('the queue past 5,000 tickets, filtered and paged by the database', () => {
  it('every open ticket once, oldest first (ties in key order), 100 a page, counted by the database', async () => {
    const expected = written.filter(open).sort(oldestFirst);
    expect(expected.length).toBeGreaterThan(5_000);
    const { keys, count, pages } = await allPages('');
    expect(keys).toEqual(expected.map((t) => t.key));
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(count).toBe(`${expected.length.toLocaleString('en')} tickets · 100 on this page`);
  }, 120_000);

  it('filters and searches in the database: category, priority and a word in the subject or description, any case', async () => {
    const expected = written
      .filter(
        (t) =>
          open(t) &&
          t.category === 'printing' &&
          t.priority === 'P1' &&
          `${t.subject}\n${t.description}`.toLowerCase().includes('toner'),
      )
      .sort(oldestFirst);
    expect(expected.length).toBeGreaterThan(100);
    const { keys } = await allPages('category=printing&priority=P1&q=ToNeR');
    expect(keys).toEqual(expected.map((t) => t.key));
  }, 60_000);

  it('breaching: the SLA policy decides, over every page, and the database counts them', async () => {
    const expected = written.filter((t) => open(t) && isBreaching(t, app.tickets.sla, NOW)).sort(oldestFirst);
    expect(expected.length).toBeGreaterThan(1_000);
    expect(expected.length).toBeLessThan(written.filter(open).length);
    // Some are due soon (the policy's window, not yet past due): named to the database by key.
    expect(expected.some((t) => app.tickets.sla.state(t, NOW) === 'soon')).toBe(true);
    const { keys, count } = await allPages('breaching=1');
    expect(keys).toEqual(expected.map((t) => t.key));
    expect(count).toBe(`${expected.length.toLocaleString('en')} tickets · 100 on this page`);
    const narrowed = await allPages('breaching=1&category=printing&priority=P1&q=toner');
    const printing = expected.filter(
      (t) =>
        t.category === 'printing' &&
        t.priority === 'P1' &&
        `${t.subject}\n${t.description}`.toLowerCase().includes('toner'),
    );
    expect(printing.length).toBeGreaterThan(0);
    expect(narrowed.keys).toEqual(printing.map((t) => t.key));
    expect(narrowed.count.split(' · ')[0]).toBe(`${printing.length.toLocaleString('en')} tickets`);
  }, 120_000);

  it('exports every match, more than the 5,000 the queue used to read', async () => {
    const expected = written.filter(open);
    const response = await client.get('/web/export.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-export-truncated')).toBeNull();
    const rows = (await response.json()) as Array<{ key: string }>;
    expect(rows.map((r) => r.key).sort()).toEqual(expected.map((t) => t.key).sort());
    expect(rows.length).toBeGreaterThan(5_000);
  }, 60_000);

  it('refuses a page cursor it did not make', async () => {
    for (const after of ['yesterday~PGQ-1', '2026-12-04T12:00:00.000Z', '2026-12-04T12:00:00.000Z~<script>']) {
      const response = await client.get(`/web?after=${encodeURIComponent(after)}`);
      expect(response.status, after).toBe(400);
      expect(await response.text()).toContain('after: a page link from this queue');
    }
  });
});
