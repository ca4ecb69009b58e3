/**
 * The claim rules of the durable queue, on the database (SQLite, and PostgreSQL in the postgres
 * project) and on the in-memory twin the worker's tests use: both must hand out the same items.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkQueueStore } from '../../src/core/delivery/work-queue.js';
import { MemoryWorkQueueStore } from '../../src/store/memory/memory-work-queue-store.js';
import type { Store } from '../../src/store/open-store.js';
import pg from 'pg';
import { onPostgres, openTestStore, testPostgresUrl } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

const KINDS = ['slack.inbound'];
const LEASE_MS = 60_000;

describe.each(['database', 'memory'] as const)('claiming queued work (%s)', (where) => {
  let store: Store | undefined;
  let queue: WorkQueueStore;
  let cleanup: () => void = () => {};
  beforeEach(async () => {
    if (where === 'memory') {
      queue = new MemoryWorkQueueStore();
      return;
    }
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await openTestStore(tmp.dir);
    queue = store.queue;
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    cleanup();
  });

  const enqueue = (key: string, orderKey: string, kind = 'slack.inbound') =>
    queue.enqueue({ key, kind, orderKey, payload: JSON.stringify({ key }) });
  const claim = (worker: string, limit: number, now = new Date()) =>
    queue.claim(worker, KINDS, limit, now, new Date(now.getTime() + LEASE_MS));
  const keys = (items: { key: string }[]) => items.map((item) => item.key);

  it('looks past a long line of items waiting behind one in flight, however few slots are free', async () => {
    await enqueue('a0', 'a');
    expect(keys(await claim('w1', 1))).toEqual(['a0']);
    // More rows blocked behind a0 than a claim reads at first: it must read on.
    for (let i = 1; i <= 40; i++) await enqueue(`a${i}`, 'a');
    await enqueue('b0', 'b');
    await enqueue('c0', 'c');
    expect(keys(await claim('w2', 1))).toEqual(['b0']);
    expect(keys(await claim('w2', 1))).toEqual(['c0']);
    expect(await claim('w2', 4)).toEqual([]);
  });

  it('finds the other conversations behind a flood in one: more items waiting behind one in flight than a claim looks at', async () => {
    await enqueue('f0', 'flood');
    expect(keys(await claim('w1', 1))).toEqual(['f0']);
    for (let i = 1; i <= 250; i++) await enqueue(`f${i}`, 'flood');
    await enqueue('q0', 'quiet');
    expect(keys(await claim('w2', 4))).toEqual(['q0']);
  });

  it('claims an item as it stores it only when nothing earlier of its order key is unfinished, and knows a repeat', async () => {
    const now = new Date();
    const lease = new Date(now.getTime() + LEASE_MS);
    const item = (key: string, orderKey: string) => ({ key, kind: 'slack.inbound', orderKey, payload: '{}' });
    const first = await queue.enqueueClaimed(item('k1', 'k'), 'w1', now, lease);
    expect(first).toMatchObject({ key: 'k1', orderKey: 'k', attempts: 1 });
    // Claimed: no claim round hands it out again while its lease holds.
    expect(await claim('w2', 4)).toEqual([]);
    // k2 waits behind k1 (stored, not claimed); another key is claimed at once; a repeat is known.
    expect(await queue.enqueueClaimed(item('k2', 'k'), 'w1', now, lease)).toBe('queued');
    expect(await queue.enqueueClaimed(item('m1', 'm'), 'w1', now, lease)).toMatchObject({ key: 'm1', attempts: 1 });
    expect(await queue.enqueueClaimed(item('k1', 'k'), 'w1', now, lease)).toBe('repeat');
    expect(await queue.enqueue(item('m1', 'm'))).toBe(false);
    expect(await claim('w2', 4)).toEqual([]);
    expect(await queue.complete([(first as { seq: number }).seq], 'w1', new Date())).toEqual([
      (first as { seq: number }).seq,
    ]);
    const second = await claim('w2', 4);
    expect(keys(second)).toEqual(['k2']);
    expect(await queue.complete([second[0]!.seq], 'w2', new Date())).toEqual([second[0]!.seq]);
    // Past its lease, a claimed item that was never finished (its process died) is taken over.
    const later = new Date(now.getTime() + LEASE_MS + 1);
    expect(keys(await claim('w3', 4, later))).toEqual(['m1']);
  });

  it("marks a worker's finished items done in the write that stores the next delivery, so one of their order key is claimed in it", async () => {
    const now = new Date();
    const lease = new Date(now.getTime() + LEASE_MS);
    const item = (key: string, orderKey: string) => ({ key, kind: 'slack.inbound', orderKey, payload: '{}' });
    const k1 = (await queue.enqueueClaimed(item('k1', 'k'), 'w1', now, lease)) as { seq: number };
    const m1 = (await queue.enqueueClaimed(item('m1', 'm'), 'w1', now, lease)) as { seq: number };
    // k1 finished, not yet marked: k2 would wait behind it; with k1 completing in the same write it is claimed.
    expect(await queue.enqueueClaimed(item('k2', 'k'), 'w1', now, lease, [k1.seq])).toMatchObject({
      key: 'k2',
      attempts: 1,
    });
    // Only the worker's own claims: w2 cannot finish m1, which stays claimed by w1.
    expect(await queue.enqueueClaimed(item('n1', 'n'), 'w2', now, lease, [m1.seq])).toMatchObject({ key: 'n1' });
    expect(await queue.complete([m1.seq, k1.seq], 'w1', new Date())).toEqual([m1.seq]);
    // k2 and n1 are claimed, k1 and m1 done: nothing is left to hand out.
    expect(await claim('w9', 4)).toEqual([]);
  });

  it('hands out the oldest free head of each order key, oldest first, counting the attempt', async () => {
    for (const [key, orderKey] of [
      ['x1', 'x'],
      ['y1', 'y'],
      ['x2', 'x'],
      ['z1', 'z'],
      ['y2', 'y'],
    ] as const)
      await enqueue(key, orderKey);
    await enqueue('other1', 'o', 'teams.inbound');
    const first = await claim('w1', 2);
    expect(keys(first)).toEqual(['x1', 'y1']);
    expect(first.map((item) => item.attempts)).toEqual([1, 1]);
    expect(first[0]).toMatchObject({ kind: 'slack.inbound', orderKey: 'x', payload: JSON.stringify({ key: 'x1' }) });
    // x2 and y2 wait for x1 and y1; an item of a kind not asked for is neither claimed nor in the way.
    expect(keys(await claim('w2', 4))).toEqual(['z1']);
    expect(await queue.complete([first[0]!.seq], 'w1', new Date())).toEqual([first[0]!.seq]);
    expect(keys(await claim('w2', 4))).toEqual(['x2']);
  });

  it('leaves an item backing off, and the items behind it, until it is due; takes over a lapsed lease', async () => {
    await enqueue('k1', 'k');
    await enqueue('k2', 'k');
    await enqueue('m1', 'm');
    const now = new Date();
    const [k1, m1] = await claim('w1', 2, now);
    expect(keys([k1!, m1!])).toEqual(['k1', 'm1']);
    await queue.release(k1!.seq, 'w1', 'Slack is down', new Date(now.getTime() + 5_000));
    expect(await claim('w2', 4, now)).toEqual([]);
    // Later: k1 is due again, and m1's lease (w1 died) has run out.
    const later = new Date(now.getTime() + LEASE_MS + 1_000);
    const retried = await claim('w2', 4, later);
    expect(keys(retried)).toEqual(['k1', 'm1']);
    expect(retried.map((item) => item.attempts)).toEqual([2, 2]);
    expect(await queue.complete([m1!.seq], 'w1', later)).toEqual([]);
  });
});

describe.skipIf(!onPostgres)('enqueueing on PostgreSQL', () => {
  let store: Store;
  let cleanup: () => void = () => {};
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await openTestStore(tmp.dir);
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it("waits for an enqueue of the same order key that has not committed, so one conversation's items get their seq in commit order", async () => {
    const orderKey = `conv-${Math.random()}`;
    const other = new pg.Client({ connectionString: testPostgresUrl });
    await other.connect();
    try {
      // Another connection in the middle of enqueueing for this conversation: it holds the key's lock until it commits.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [orderKey]);
      let settled = false;
      const waiting = store.queue
        .enqueue({ key: `${orderKey}:b`, kind: 'slack.inbound', orderKey, payload: '{}' })
        .finally(() => (settled = true));
      // Another conversation is not held up.
      expect(
        await store.queue.enqueue({
          key: `${orderKey}:other`,
          kind: 'slack.inbound',
          orderKey: `${orderKey}-other`,
          payload: '{}',
        }),
      ).toBe(true);
      expect(settled).toBe(false);
      await other.query('COMMIT');
      expect(await waiting).toBe(true);
    } finally {
      await other.end();
    }
  });

  it('claims as it stores only after an enqueue of the same order key that held the lock has committed, and then sees it', async () => {
    const orderKey = `conv-${Math.random()}`;
    // Another process storing the conversation's previous message: its lock held, its row not committed.
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const other = store.prisma.$transaction(
      async (tx) => {
        await tx.$queryRawUnsafe(
          'SELECT 1 AS "held" FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l',
          orderKey,
        );
        await tx.$executeRawUnsafe(
          `INSERT INTO "QueueItem" ("key", "kind", "orderKey", "payload", "status", "runAfter", "createdAt")
           VALUES ($1, 'slack.inbound', $2, '{}', 'pending', now(), now())`,
          `${orderKey}:a`,
          orderKey,
        );
        locked();
        await committing;
      },
      { timeout: 20_000 },
    );
    await holding;
    const now = new Date();
    const claiming = store.queue.enqueueClaimed(
      { key: `${orderKey}:b`, kind: 'slack.inbound', orderKey, payload: '{}' },
      'w1',
      now,
      new Date(now.getTime() + LEASE_MS),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    commit();
    await other;
    // Its snapshot is taken after the lock: it sees :a pending and waits behind it instead of running first.
    expect(await claiming).toBe('queued');
  });

  it('recognises a repeated key without an error, and keeps the time of enqueueing as Prisma reads it', async () => {
    const key = `k-${Math.random()}`;
    const before = Date.now();
    expect(await store.queue.enqueue({ key, kind: 'slack.inbound', orderKey: key, payload: '{"a":1}' })).toBe(true);
    expect(await store.queue.enqueue({ key, kind: 'slack.inbound', orderKey: key, payload: '{"a":2}' })).toBe(false);
    const [item] = await store.queue.claim('w', ['slack.inbound'], 10, new Date(), new Date(Date.now() + LEASE_MS));
    expect(item).toMatchObject({ key, payload: '{"a":1}', attempts: 1 });
    // The give-up clock runs from createdAt: it must be now, not hours off in another time zone.
    expect(Math.abs(item!.createdAt.getTime() - before)).toBeLessThan(60_000);
  });
});
