/**
 * The lead report's backlog by age past 5,000 open tickets (as many as the report once read):
 * counted by the database, over real HTTP (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set),
 * equal to backlogByAge over every row written, ages exactly on a bucket's edge included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BACKLOG_AGES, backlogByAge } from '../../src/core/analytics/lead-report.js';
import { priorities, type Priority, type TicketStatus } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { Client, lee, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const NOW = new Date('2026-03-18T12:00:00Z');
const DAY = 24 * 60 * 60_000;
const OPEN = 5_400;

let app: App;
let cleanup: () => void;
let web: WebReplica;
let written: Array<{ status: TicketStatus; createdAt: Date; priority: Priority }>;

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'BKL' }));
  web = await serveWeb(app, { clock: new TestClock(NOW), pinRouterClock: true });
  // Ages spread over 40 days, and every bucket edge exactly and a millisecond either side.
  const edges = BACKLOG_AGES.filter((a) => Number.isFinite(a.upToDays)).flatMap((a) => [
    a.upToDays * DAY - 1,
    a.upToDays * DAY,
    a.upToDays * DAY + 1,
  ]);
  const statuses: TicketStatus[] = ['new', 'claimed', 'escalated', 'waiting', 'reopened'];
  const rows = Array.from({ length: OPEN + 300 }, (_, i) => {
    const age = i < edges.length ? edges[i]! : ((i * 7919) % ((40 * DAY) / 60_000)) * 60_000;
    const createdAt = new Date(NOW.getTime() - age);
    // The last 300 are settled: not in the backlog.
    const status: TicketStatus = i >= OPEN ? (i % 2 ? 'resolved' : 'closed') : statuses[i % statuses.length]!;
    return {
      id: `b-${i}`,
      key: `BKL-${10000 + i}`,
      subject: `Ticket ${i}`,
      description: 'seeded for the backlog',
      transcript: '[]',
      collected: '{}',
      priority: priorities[(i * 3) % 4]!,
      tier: 'L1',
      category: 'network',
      status,
      channel: 'slack',
      requesterId: 'UREQ00001',
      createdAt,
      responseDueAt: new Date(createdAt.getTime() + 30 * 60_000),
      resolveDueAt: new Date(createdAt.getTime() + 240 * 60_000),
    };
  });
  for (let i = 0; i < rows.length; i += 1000)
    await app.store.prisma.ticket.createMany({ data: rows.slice(i, i + 1000) });
  written = rows;
}, 180_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

const sectionText = (html: string, id: string) => {
  const match = new RegExp(`<section[^>]* id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html);
  return match ? match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
};

describe('the backlog past 5,000 open tickets', () => {
  it('is counted by the database: every open ticket in its age bucket and priority, the oldest named', async () => {
    const client = new Client(web.url);
    expect((await client.signIn((await web.access.linkFor('slack', lee)).url)).status).toBe(303);
    const response = await client.get('/web/reports');
    expect(response.status).toBe(200);
    const html = await response.text();
    const expected = backlogByAge(written, NOW);
    expect(expected.open).toBe(OPEN);
    // The edges land on both sides of every bucket boundary.
    expect(expected.buckets.every((b) => b.count > 0)).toBe(true);
    const backlog = sectionText(html, 'backlog');
    // Counts are written in the reader's locale (English here: 5,400).
    const n = (value: number) => value.toLocaleString('en');
    expect(backlog).toContain(`${n(OPEN)} open`);
    for (const bucket of expected.buckets)
      expect(backlog).toContain(
        ` ${bucket.label} ${n(bucket.count)} ${priorities.map((p) => n(bucket.byPriority[p] ?? 0)).join(' ')} `,
      );
    expect(backlog).not.toContain('More tickets are open');
    const oldest = new Date(
      Math.min(
        ...written.filter((t) => t.status !== 'resolved' && t.status !== 'closed').map((t) => t.createdAt.getTime()),
      ),
    );
    expect(html).toContain(
      `the oldest opened ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }).format(oldest)} UTC`,
    );
  });
});
