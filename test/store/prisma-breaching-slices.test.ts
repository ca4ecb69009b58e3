/**
 * The breaching filter past 500 named keys (PrismaTicketRepository's slices) on this project's
 * database: the same tickets, in the same order, page by page, as one query naming only the keys
 * that exist; and each matching row read once, however many slices (the past-due ones are not
 * read again for every slice).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import type { TicketSearch } from '../../src/core/tickets/ticket-repository.js';
import type { Store } from '../../src/store/open-store.js';
import { PrismaTicketRepository } from '../../src/store/prisma/prisma-ticket-repository.js';
import { onPostgres, openTestStore } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

let store: Store;
let cleanup: () => void;
let repository: PrismaTicketRepository;
/** Rows the repository's ticket reads returned since the last reset. */
let rowsRead = 0;

const word = 'slicedbreach';
const opened = new Date('2026-12-01T10:00:00.000Z');
const dueBefore = new Date('2026-12-01T12:00:00Z');
const pastDue: string[] = [];
const dueSoon: string[] = [];
const fakes = Array.from({ length: 1_700 }, (_, i) => `HD-NONE${i}`);

beforeAll(async () => {
  const tmp = tempDir('breaching-slices-');
  cleanup = tmp.cleanup;
  store = await openTestStore(tmp.dir);
  for (let i = 0; i < 40; i++) {
    // A third past due, a third due soon (named by key), a third neither.
    const kind = i % 3;
    const due = new Date(kind === 0 ? '2026-12-01T10:30:00Z' : '2026-12-01T15:00:00Z');
    const key = `HD-${String(i).padStart(2, '0')}`;
    await store.tickets.create(
      {
        id: `slice-${i}`,
        key,
        subject: `${word} ${i}`,
        description: 'd',
        question: 'q',
        transcript: [],
        collected: {},
        priority: 'P2',
        tier: 'L1',
        category: 'network',
        status: 'new',
        channel: 'local',
        conversationKey: null,
        requesterId: 'ann',
        requesterName: 'Ann',
        responseDueAt: due,
        resolveDueAt: new Date(due.getTime() + 86_400_000 + i * 1_000),
        statusChangedAt: opened,
      },
      { actorId: 'ann', actorName: 'Ann', type: 'created', fromStatus: null, toStatus: 'new', detail: {} },
    );
    if (kind === 0) pastDue.push(key);
    if (kind === 1) dueSoon.push(key);
  }
  // Ties: every ticket opened in one of two milliseconds, so (createdAt, key) decides the order.
  await store.prisma.ticket.updateMany({ where: { id: { startsWith: 'slice-' } }, data: { createdAt: opened } });
  await store.prisma.ticket.updateMany({
    where: { key: { in: pastDue.concat(dueSoon).filter((_, i) => i % 2 === 1) } },
    data: { createdAt: new Date(opened.getTime() + 1) },
  });
  // The store's own repository, on a client that counts the ticket rows it hands back.
  const prisma = store.prisma;
  const ticketReads = new Proxy(prisma.ticket, {
    get(target, name, receiver) {
      if (name !== 'findMany') return Reflect.get(target, name, receiver);
      return async (args: Parameters<typeof prisma.ticket.findMany>[0]) => {
        const rows = await target.findMany(args);
        rowsRead += rows.length;
        return rows;
      };
    },
  });
  const counting = new Proxy(prisma, {
    get: (target, name, receiver) => (name === 'ticket' ? ticketReads : Reflect.get(target, name, receiver)),
  });
  repository = new PrismaTicketRepository(counting, onPostgres ? 'postgres' : 'sqlite');
}, 60_000);

afterAll(async () => {
  await store?.close();
  cleanup?.();
});

const base = { statuses: ['new' as const], words: [word] };
/** One query: only the keys that exist. */
const plain = (): TicketSearch => ({ ...base, breaching: { dueBefore, keys: dueSoon } });
/** Four slices: the same keys among 1,700 that name nothing, some given three times, past-due ones named too. */
const sliced = (): TicketSearch => ({
  ...base,
  breaching: {
    dueBefore,
    keys: [...fakes.slice(0, 600), ...dueSoon, ...dueSoon, ...fakes.slice(600), ...dueSoon, ...pastDue.slice(0, 5)],
  },
});

async function walk(search: TicketSearch, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: { createdAt: Date; key: string } | undefined;
  for (;;) {
    const page: Ticket[] = await repository.search({ ...search, ...(after ? { after } : {}) }, limit);
    seen.push(...page.map((t) => t.key));
    if (page.length < limit) return seen;
    after = { createdAt: page.at(-1)!.createdAt, key: page.at(-1)!.key };
  }
}

describe('the breaching filter in slices of keys', () => {
  it('counts, orders and pages as one query would, ties and repeated keys included', async () => {
    const all = [...pastDue, ...dueSoon];
    expect(sliced().breaching!.keys.length).toBeGreaterThan(1_500);
    expect(await repository.countMatching(plain())).toBe(all.length);
    expect(await repository.countMatching(sliced())).toBe(all.length);
    for (const limit of [1, 3, 7, 100]) {
      const byDue = (await repository.search({ ...sliced(), orderBy: 'nextDue' }, limit)).map((t) => t.key);
      expect(byDue, `nextDue, ${limit}`).toEqual(
        (await repository.search({ ...plain(), orderBy: 'nextDue' }, limit)).map((t) => t.key),
      );
      const pages = await walk(sliced(), limit);
      expect(pages, `paged by ${limit}`).toEqual(await walk(plain(), limit));
      expect([...pages].sort()).toEqual([...all].sort());
    }
  });

  it('reads each matching row once, not the past-due ones again for every slice', async () => {
    const keys = [...fakes, ...dueSoon];
    for (const orderBy of ['created', 'nextDue'] as const) {
      rowsRead = 0;
      const found = await repository.search({ ...base, orderBy, breaching: { dueBefore, keys } }, 1_000);
      expect(found).toHaveLength(pastDue.length + dueSoon.length);
      expect(rowsRead, orderBy).toBe(found.length);
    }
  });
});
