/**
 * What the store promises under concurrent use. On PostgreSQL with two stores on one schema (two
 * connection pools, as two replicas have); on SQLite with one store, as the app has: two SQLite
 * connections in one Node process cannot stand for two processes, because better-sqlite3 waits
 * for a lock synchronously, holding up the very thread that would release it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import { onPostgres, openTestStore } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

let stores: Store[];
let cleanup: () => void;
beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const first = await openTestStore(tmp.dir);
  stores = [first, onPostgres ? await openTestStore(tmp.dir) : first];
});
afterEach(async () => {
  await Promise.all([...new Set(stores)].map((store) => store.close()));
  cleanup();
});

/** `count` calls spread over both stores, all started before any is awaited. */
function fromBoth<T>(count: number, call: (store: Store, i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => call(stores[i % 2]!, i)));
}

describe(`the store under concurrent use${onPostgres ? ' by two processes' : ''}`, () => {
  it('hands out every ticket number once', async () => {
    const numbers = await fromBoth(40, (store) => store.tickets.nextNumber());
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('lets exactly one of several changes made against the same version through, with one audit event', async () => {
    await stores[0]!.prisma.ticket.create({
      data: {
        id: 't1',
        key: 'HD-1001',
        subject: 's',
        description: 'd',
        transcript: '[]',
        collected: '{}',
        priority: 'P3',
        tier: 'L2',
        category: 'general',
        status: 'new',
        channel: 'slack',
        requesterId: 'U1',
      },
    });
    const results = await fromBoth(8, (store, i) =>
      store.tickets.update(
        't1',
        0,
        { status: 'claimed', assigneeId: `E${i}` },
        { actorId: `E${i}`, actorName: null, type: 'status', fromStatus: 'new', toStatus: 'claimed', detail: {} },
      ),
    );
    const winners = results.filter((ticket) => ticket !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ version: 1, status: 'claimed' });
    const stored = await stores[1]!.tickets.findById('t1');
    expect(stored).toMatchObject({ version: 1, assigneeId: winners[0]!.assigneeId });
    expect(await stores[1]!.tickets.events('t1')).toHaveLength(1);
  });

  it('queues a delivery key exactly once, and gives each item to exactly one claimer, in order per key', async () => {
    const added = await fromBoth(10, (store) =>
      store.queue.enqueue({ key: 'slack:Ev0001', kind: 'slack.inbound', orderKey: 'slack:T:D1', payload: '{}' }),
    );
    expect(added.filter(Boolean)).toHaveLength(1);
    for (let i = 2; i <= 6; i++)
      await stores[0]!.queue.enqueue({
        key: `slack:Ev000${i}`,
        kind: 'slack.inbound',
        orderKey: i % 2 ? 'slack:T:D1' : 'slack:T:D2',
        payload: '{}',
      });
    const now = new Date();
    const lease = new Date(now.getTime() + 60_000);
    const claims = await fromBoth(8, (store, i) => store.queue.claim(`w${i}`, ['slack.inbound'], 10, now, lease));
    const claimed = claims
      .flat()
      .map((item) => item.key)
      .sort();
    // One item per order key at a time (the oldest of each), and none twice.
    expect(claimed).toEqual(['slack:Ev0001', 'slack:Ev0002']);
    expect(await stores[1]!.queue.claim('late', ['slack.inbound'], 10, now, lease)).toEqual([]);
  });
});
