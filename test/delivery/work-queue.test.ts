import { describe, expect, it, vi } from 'vitest';
import { PermanentFailure, WorkQueue, type WorkQueueOptions } from '../../src/core/delivery/work-queue.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemoryWorkQueueStore } from '../../src/store/memory/memory-work-queue-store.js';

function queueOn(store: MemoryWorkQueueStore, options: Partial<WorkQueueOptions> = {}): WorkQueue {
  return new WorkQueue({
    store,
    logger: silentLogger,
    workerId: 'w1',
    pollMs: 20,
    backoffMs: 5,
    maxBackoffMs: 20,
    leaseMs: 1_000,
    ...options,
  });
}

const item = (key: string, orderKey = key, payload: unknown = { key }) => ({
  key,
  kind: 'job',
  orderKey,
  payload: JSON.stringify(payload),
});

describe('WorkQueue', () => {
  it('runs items of one order key one at a time, oldest first, and others beside them', async () => {
    const store = new MemoryWorkQueueStore();
    const queue = queueOn(store, { concurrency: 4 });
    const log: string[] = [];
    let running = 0;
    let most = 0;
    queue.handle('job', async (payload) => {
      const { key } = payload as { key: string };
      running++;
      most = Math.max(most, running);
      log.push(`start ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`end ${key}`);
      running--;
    });
    for (const key of ['a1', 'a2', 'a3']) await queue.enqueue(item(key, 'a'));
    for (const key of ['b1', 'b2']) await queue.enqueue(item(key, 'b'));
    queue.start();
    await queue.drain();
    await queue.stop();
    const a = log.filter((line) => line.includes(' a'));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('start b2'));
    expect(most).toBe(2);
    expect(store.rows.every((row) => row.status === 'done')).toBe(true);
  });

  it('starts an item stored while it runs without a claim round, in its slots, and one behind another of its order key after it', async () => {
    let claims = 0;
    class CountingStore extends MemoryWorkQueueStore {
      override async claim(...args: Parameters<MemoryWorkQueueStore['claim']>) {
        claims++;
        return super.claim(...args);
      }
    }
    const store = new CountingStore();
    // No poll during the test: only the start's round and the rounds after finished items claim.
    const queue = queueOn(store, { concurrency: 2, pollMs: 60_000 });
    const log: string[] = [];
    const release = new Map<string, () => void>();
    queue.handle('job', async (payload) => {
      const { key } = payload as { key: string };
      log.push(`start ${key} after ${claims} claim rounds`);
      await new Promise<void>((resolve) => release.set(key, resolve));
    });
    queue.start();
    await queue.drain();
    const before = claims;
    await queue.enqueue(item('a1', 'a'));
    await queue.enqueue(item('b1', 'b'));
    expect(log).toEqual([`start a1 after ${before} claim rounds`, `start b1 after ${before} claim rounds`]);
    // a2 waits behind a1; both slots are taken (a1, b1), so c1 is stored and waits for one.
    await queue.enqueue(item('a2', 'a'));
    await queue.enqueue(item('c1', 'c'));
    expect(log).toHaveLength(2);
    expect(store.rows.find((row) => row.key === 'a1')).toMatchObject({ claimedBy: 'w1', attempts: 1 });
    expect(store.rows.find((row) => row.key === 'a2')).toMatchObject({ claimedBy: null, attempts: 0 });
    release.get('a1')!();
    await vi.waitFor(() => expect(log).toHaveLength(3));
    // a1's slot went to the oldest claimable item: a2, now the head of its key.
    expect(log[2]).toMatch(/^start a2 /);
    release.get('b1')!();
    await vi.waitFor(() => expect(log).toHaveLength(4));
    expect(log[3]).toMatch(/^start c1 /);
    release.get('a2')!();
    release.get('c1')!();
    await queue.drain();
    await queue.stop();
    expect(store.rows.every((row) => row.status === 'done')).toBe(true);
  });

  it("writes a finished item's 'done' with the next delivery's own write: two writes a message under traffic, and the last one's within its delay", async () => {
    const writes: string[] = [];
    class CountingStore extends MemoryWorkQueueStore {
      override async enqueueClaimed(...args: Parameters<MemoryWorkQueueStore['enqueueClaimed']>) {
        writes.push(`enqueue completing ${args[4]?.length ?? 0}`);
        return super.enqueueClaimed(...args);
      }
      override async complete(...args: Parameters<MemoryWorkQueueStore['complete']>) {
        writes.push(`complete ${args[0].length}`);
        return super.complete(...args);
      }
      override async claim(...args: Parameters<MemoryWorkQueueStore['claim']>) {
        writes.push('claim round');
        return super.claim(...args);
      }
    }
    const store = new CountingStore();
    // A delay no test run reaches between two messages, so every 'done' but the last rides along.
    const queue = queueOn(store, { pollMs: 60_000, completeDelayMs: 60_000 });
    const finished: string[] = [];
    queue.handle('job', async (payload) => void finished.push((payload as { key: string }).key));
    queue.start();
    await queue.drain();
    writes.length = 0;
    for (let i = 1; i <= 5; i++) {
      await queue.enqueue(item(`m${i}`));
      await vi.waitFor(() => expect(finished).toHaveLength(i));
    }
    // Nor a claim round at the end of each: nothing stored here waited for a slot (the poll finds the rest).
    expect(writes).toEqual([
      'enqueue completing 0',
      'enqueue completing 1',
      'enqueue completing 1',
      'enqueue completing 1',
      'enqueue completing 1',
    ]);
    // Until written, the finished item stays claimed: nothing runs it again.
    expect(store.rows.map((row) => row.status)).toEqual(['done', 'done', 'done', 'done', 'pending']);
    expect(store.rows[4]).toMatchObject({ claimedBy: 'w1' });
    await queue.stop();
    expect(writes.slice(5)).toEqual(['complete 1']);
    expect(store.rows.every((row) => row.status === 'done')).toBe(true);
    expect(finished).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it("keeps a finished item's slot until its 'done' is written: never more claimed and not done than its concurrency", async () => {
    const store = new MemoryWorkQueueStore();
    const queue = queueOn(store, { concurrency: 1, pollMs: 60_000, completeDelayMs: 60_000 });
    const ran: string[] = [];
    queue.handle('job', async (payload) => void ran.push((payload as { key: string }).key));
    queue.start();
    await queue.enqueue(item('a'));
    await vi.waitFor(() => expect(ran).toEqual(['a']));
    // Stored by another process; a claim round now finds no free slot: a is finished, not yet marked done.
    await store.enqueue(item('x'));
    queue.wake();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual(['a']);
    expect(store.rows.filter((row) => row.claimedBy === 'w1' && row.status === 'pending')).toHaveLength(1);
    // A delivery to this process frees the slot in its own write (a is marked done in it) and runs.
    await queue.enqueue(item('b'));
    await vi.waitFor(() => expect(ran).toEqual(['a', 'b']));
    expect(store.rows.find((row) => row.key === 'a')).toMatchObject({ status: 'done' });
    await queue.drain();
    await queue.stop();
    expect(ran).toEqual(['a', 'b', 'x']);
  });

  it("writes a finished item's 'done' alone after its delay when nothing else comes, and keeps it for later when the store is away", async () => {
    const store = new MemoryWorkQueueStore();
    const queue = queueOn(store, { pollMs: 60_000, completeDelayMs: 10 });
    queue.handle('job', async () => {});
    queue.start();
    await queue.enqueue(item('alone'));
    await vi.waitFor(() => expect(store.rows[0]).toMatchObject({ status: 'done' }));
    // When the next one finishes the store cannot mark it: it stays claimed, and is written once it can.
    let refuse = true;
    const tries: number[] = [];
    class RefusingStore extends MemoryWorkQueueStore {
      override async complete(...args: Parameters<MemoryWorkQueueStore['complete']>) {
        tries.push(args[0].length);
        if (refuse) throw new Error('database unavailable');
        return super.complete(...args);
      }
    }
    const refusing = new RefusingStore();
    const second = queueOn(refusing, { pollMs: 60_000, completeDelayMs: 10 });
    second.handle('job', async () => {});
    second.start();
    await second.enqueue(item('later'));
    await vi.waitFor(() => expect(tries.length).toBeGreaterThan(0));
    expect(refusing.rows[0]).toMatchObject({ status: 'pending', claimedBy: 'w1' });
    refuse = false;
    await vi.waitFor(() => expect(refusing.rows[0]).toMatchObject({ status: 'done' }), { timeout: 5_000 });
    await second.stop();
    await queue.stop();
  });

  it('never runs more than its concurrency when a drain and a poll ask for work at the same moment', async () => {
    // A store whose claims wait until the test lets them answer, so the two claim rounds overlap.
    let open: () => void = () => {};
    let gate: Promise<void> | undefined;
    class HeldStore extends MemoryWorkQueueStore {
      override async claim(...args: Parameters<MemoryWorkQueueStore['claim']>) {
        if (gate) await gate;
        return super.claim(...args);
      }
    }
    const store = new HeldStore();
    const queue = queueOn(store, { concurrency: 2, pollMs: 60_000 });
    let running = 0;
    let most = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    queue.handle('job', async () => {
      running++;
      most = Math.max(most, running);
      await finished;
      running--;
    });
    queue.start();
    await queue.drain();
    gate = new Promise<void>((resolve) => (open = resolve));
    for (let i = 0; i < 10; i++) await store.enqueue(item(`k${i}`));
    const drained = queue.drain();
    queue.wake();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gate = undefined;
    open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(most).toBe(2);
    finish();
    await drained;
    await queue.stop();
    expect(most).toBe(2);
    expect(store.rows.filter((row) => row.status === 'done')).toHaveLength(10);
  });

  it('queues a repeated key once', async () => {
    const store = new MemoryWorkQueueStore();
    const queue = queueOn(store);
    expect(await queue.enqueue(item('x'))).toBe(true);
    expect(await queue.enqueue(item('x'))).toBe(false);
    expect(store.rows).toHaveLength(1);
  });

  it('retries a failing item with backoff, keeping later items of its key waiting, until it succeeds', async () => {
    const store = new MemoryWorkQueueStore();
    const queue = queueOn(store);
    const seen: string[] = [];
    let failures = 3;
    queue.handle('job', async (payload) => {
      const { key } = payload as { key: string };
      if (key === 'first' && failures-- > 0) throw new Error('database unavailable');
      seen.push(key);
    });
    await queue.enqueue(item('first', 'k'));
    await queue.enqueue(item('second', 'k'));
    queue.start();
    for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await queue.stop();
    expect(seen).toEqual(['first', 'second']);
    expect(store.rows[0]).toMatchObject({ status: 'done', attempts: 4, lastError: 'database unavailable' });
  });

  it('gives up at once on a permanent failure, and after its time on others, telling the give-up handler', async () => {
    const store = new MemoryWorkQueueStore();
    const told: string[] = [];
    const queue = queueOn(store, { giveUpAfterMs: 0 });
    queue.handle(
      'job',
      async (payload) => {
        const { key } = payload as { key: string };
        throw key === 'gone' ? new PermanentFailure('channel_not_found') : new Error('still down');
      },
      async (payload, _item, error) => {
        told.push(`${(payload as { key: string }).key}: ${(error as Error).message}`);
      },
    );
    await queue.enqueue(item('gone'));
    await queue.enqueue(item('slow'));
    queue.start();
    await queue.drain();
    await queue.stop();
    expect(told.sort()).toEqual(['gone: channel_not_found', 'slow: still down']);
    expect(store.rows.map((row) => row.status)).toEqual(['failed', 'failed']);
  });

  it('takes over an item whose claim ran out (its process died), and leaves a live claim alone', async () => {
    const store = new MemoryWorkQueueStore();
    await store.enqueue(item('orphan', 'o'));
    await store.enqueue(item('held', 'h'));
    Object.assign(store.rows[0]!, { claimedBy: 'dead', leaseUntil: new Date(Date.now() - 1), attempts: 1 });
    Object.assign(store.rows[1]!, { claimedBy: 'alive', leaseUntil: new Date(Date.now() + 60_000), attempts: 1 });
    const queue = queueOn(store);
    const done: string[] = [];
    queue.handle('job', async (payload) => void done.push((payload as { key: string }).key));
    queue.start();
    await queue.drain();
    await queue.stop();
    expect(done).toEqual(['orphan']);
    expect(store.rows.find((row) => row.key === 'held')).toMatchObject({ status: 'pending', claimedBy: 'alive' });
  });

  it('claims only the kinds it has handlers for', async () => {
    const store = new MemoryWorkQueueStore();
    await store.enqueue({ ...item('s'), kind: 'slack.inbound' });
    await store.enqueue({ ...item('t'), kind: 'teams.inbound' });
    const queue = queueOn(store);
    queue.handle('teams.inbound', async () => {});
    queue.start();
    await queue.drain();
    await queue.stop();
    expect(store.rows.map((row) => `${row.kind}:${row.status}`)).toEqual([
      'slack.inbound:pending',
      'teams.inbound:done',
    ]);
  });

  it('survives the store going away and resumes by itself when it returns', async () => {
    const store = new MemoryWorkQueueStore();
    await store.enqueue(item('x'));
    store.down = true;
    const queue = queueOn(store);
    const done: string[] = [];
    queue.handle('job', async () => void done.push('x'));
    queue.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(done).toEqual([]);
    store.down = false;
    for (let i = 0; i < 100 && done.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await queue.stop();
    expect(done).toEqual(['x']);
  });
});
