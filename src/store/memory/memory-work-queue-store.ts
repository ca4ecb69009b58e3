import type { NewQueueItem, QueuedItem, WorkQueueStore } from '../../core/delivery/work-queue.js';

interface Row extends QueuedItem {
  status: 'pending' | 'done' | 'failed';
  runAfter: Date;
  claimedBy: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  doneAt: Date | null;
}

/** The work queue in memory, with the same claim rules as PrismaWorkQueueStore: for tests of the worker. */
export class MemoryWorkQueueStore implements WorkQueueStore {
  readonly rows: Row[] = [];
  private seq = 0;
  /** Set to make every call fail, as a database that is away. */
  down = false;

  async enqueue(item: NewQueueItem): Promise<boolean> {
    this.check();
    if (this.rows.some((row) => row.key === item.key)) return false;
    const now = new Date();
    this.rows.push({
      ...item,
      seq: ++this.seq,
      attempts: 0,
      createdAt: now,
      status: 'pending',
      runAfter: now,
      claimedBy: null,
      leaseUntil: null,
      lastError: null,
      doneAt: null,
    });
    return true;
  }

  async enqueueClaimed(
    item: NewQueueItem,
    worker: string,
    now: Date,
    leaseUntil: Date,
    completing: readonly number[] = [],
  ): Promise<QueuedItem | 'queued' | 'repeat'> {
    this.check();
    // All in one step, as the database's one transaction: nothing may claim the row in between.
    this.markDone(completing, worker, now);
    if (this.rows.some((row) => row.key === item.key)) return 'repeat';
    const waits = this.rows.some((row) => row.orderKey === item.orderKey && row.status === 'pending');
    const row: Row = {
      ...item,
      seq: ++this.seq,
      attempts: waits ? 0 : 1,
      createdAt: now,
      status: 'pending',
      runAfter: now,
      claimedBy: waits ? null : worker,
      leaseUntil: waits ? null : leaseUntil,
      lastError: null,
      doneAt: null,
    };
    this.rows.push(row);
    if (waits) return 'queued';
    return {
      seq: row.seq,
      key: row.key,
      kind: row.kind,
      orderKey: row.orderKey,
      payload: row.payload,
      attempts: row.attempts,
      createdAt: row.createdAt,
    };
  }

  async claim(worker: string, kinds: string[], limit: number, now: Date, leaseUntil: Date): Promise<QueuedItem[]> {
    this.check();
    const blocked = new Set<string>();
    const claimed: QueuedItem[] = [];
    for (const row of this.rows) {
      if (row.status !== 'pending' || !kinds.includes(row.kind) || blocked.has(row.orderKey)) continue;
      blocked.add(row.orderKey);
      const leased = row.leaseUntil !== null && row.leaseUntil > now;
      if (leased || row.runAfter > now || claimed.length >= limit) continue;
      Object.assign(row, { claimedBy: worker, leaseUntil, attempts: row.attempts + 1 });
      claimed.push({
        seq: row.seq,
        key: row.key,
        kind: row.kind,
        orderKey: row.orderKey,
        payload: row.payload,
        attempts: row.attempts,
        createdAt: row.createdAt,
      });
    }
    return claimed;
  }

  async extend(worker: string, seqs: number[], leaseUntil: Date): Promise<void> {
    this.check();
    for (const row of this.mine(worker)) if (seqs.includes(row.seq)) row.leaseUntil = leaseUntil;
  }

  async complete(seqs: readonly number[], worker: string, now: Date): Promise<number[]> {
    this.check();
    return this.markDone(seqs, worker, now);
  }

  private markDone(seqs: readonly number[], worker: string, now: Date): number[] {
    const rows = this.mine(worker).filter((r) => seqs.includes(r.seq));
    for (const row of rows) Object.assign(row, { status: 'done', doneAt: now, leaseUntil: null });
    return rows.map((row) => row.seq);
  }

  async release(seq: number, worker: string, error: string, runAfter: Date): Promise<void> {
    this.check();
    const row = this.mine(worker).find((r) => r.seq === seq);
    if (row) Object.assign(row, { leaseUntil: null, runAfter, lastError: error });
  }

  async fail(seq: number, worker: string, error: string, now: Date): Promise<void> {
    this.check();
    const row = this.mine(worker).find((r) => r.seq === seq);
    if (row) Object.assign(row, { status: 'failed', doneAt: now, leaseUntil: null, lastError: error });
  }

  async prune(before: Date): Promise<number> {
    this.check();
    const keep = this.rows.filter((row) => row.status === 'pending' || (row.doneAt ?? new Date(0)) >= before);
    const pruned = this.rows.length - keep.length;
    this.rows.splice(0, this.rows.length, ...keep);
    return pruned;
  }

  private mine(worker: string): Row[] {
    return this.rows.filter((row) => row.status === 'pending' && row.claimedBy === worker);
  }

  private check(): void {
    if (this.down) throw new Error('database unavailable');
  }
}
