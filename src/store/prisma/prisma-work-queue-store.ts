import type { NewQueueItem, QueuedItem, WorkQueueStore } from '../../core/delivery/work-queue.js';
import type { PrismaClient } from './open-prisma.js';

/** How many order keys (the oldest heads first) one claim looks at. */
const SCAN = 200;

/** The durable inbox and outbox in the QueueItem table. */
export class PrismaWorkQueueStore implements WorkQueueStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly dialect: 'sqlite' | 'postgres' = 'sqlite',
  ) {}

  async enqueue(item: NewQueueItem): Promise<boolean> {
    if (this.dialect === 'postgres') return this.enqueueOnPostgres(item);
    // SQLite has one writer at a time: seq is taken in commit order.
    try {
      await this.prisma.queueItem.create({ data: { ...item, status: 'pending', runAfter: new Date() } });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return false;
      throw error;
    }
  }

  /**
   * On PostgreSQL seq comes from a sequence when the row is inserted, not when it commits: two
   * items of one conversation enqueued at once on two connections could commit in the other
   * order, and a claim between the commits would run the later one first. A transaction-level
   * advisory lock on the order key, taken in the same statement before the row (and its seq) is
   * made, holds until the statement commits, so items of one key get their seqs in commit order.
   * ON CONFLICT DO NOTHING recognises a repeat without an error (and without a rollback).
   */
  private async enqueueOnPostgres(item: NewQueueItem): Promise<boolean> {
    // Timestamps as Prisma writes them into TIMESTAMP(3) columns: UTC wall time.
    const now = new Date().toISOString();
    const rows = await this.prisma.$queryRaw<Array<{ seq: number }>>`
      WITH "lock" AS (SELECT pg_advisory_xact_lock(hashtextextended(${item.orderKey}, 0)))
      INSERT INTO "QueueItem" ("key", "kind", "orderKey", "payload", "status", "runAfter", "createdAt")
      SELECT ${item.key}, ${item.kind}, ${item.orderKey}, ${item.payload}, 'pending', ${now}::timestamp, ${now}::timestamp FROM "lock"
      ON CONFLICT ("key") DO NOTHING
      RETURNING "seq"`;
    return rows.length === 1;
  }

  async claim(worker: string, kinds: string[], limit: number, now: Date, leaseUntil: Date): Promise<QueuedItem[]> {
    if (kinds.length === 0) return [];
    // Only the oldest unfinished item of each order key may run, whatever its state: a later one
    // waits while an earlier one is leased or backing off, so a conversation keeps its order. The
    // heads are found over every pending item, so a long line in one conversation (a flood in one
    // thread) does not hide the others behind it.
    const heads = await this.prisma.queueItem.groupBy({
      by: ['orderKey'],
      where: { status: 'pending', kind: { in: kinds } },
      _min: { seq: true },
      orderBy: { _min: { seq: 'asc' } },
      take: SCAN,
    });
    const headSeqs = heads.map((head) => head._min.seq).filter((seq): seq is number => seq !== null);
    if (headSeqs.length === 0) return [];
    const rows = await this.prisma.queueItem.findMany({
      where: { seq: { in: headSeqs } },
      orderBy: { seq: 'asc' },
      select: { seq: true, runAfter: true, leaseUntil: true },
    });
    const candidates = rows
      .filter((row) => !(row.leaseUntil !== null && row.leaseUntil > now) && row.runAfter <= now)
      .map((row) => row.seq);
    const claimed: number[] = [];
    for (const seq of candidates) {
      if (claimed.length >= limit) break;
      // Compare-and-set: of several processes reading the same row, one takes it.
      const { count } = await this.prisma.queueItem.updateMany({
        where: { seq, status: 'pending', OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] },
        data: { claimedBy: worker, leaseUntil, attempts: { increment: 1 } },
      });
      if (count === 1) claimed.push(seq);
    }
    if (claimed.length === 0) return [];
    const items = await this.prisma.queueItem.findMany({ where: { seq: { in: claimed } }, orderBy: { seq: 'asc' } });
    return items.map((row) => ({
      seq: row.seq,
      key: row.key,
      kind: row.kind,
      orderKey: row.orderKey,
      payload: row.payload,
      attempts: row.attempts,
      createdAt: row.createdAt,
    }));
  }

  async extend(worker: string, seqs: number[], leaseUntil: Date): Promise<void> {
    await this.prisma.queueItem.updateMany({
      where: { seq: { in: seqs }, claimedBy: worker, status: 'pending' },
      data: { leaseUntil },
    });
  }

  async complete(seq: number, worker: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.queueItem.updateMany({
      where: { seq, claimedBy: worker, status: 'pending' },
      data: { status: 'done', doneAt: now, leaseUntil: null },
    });
    return count === 1;
  }

  async release(seq: number, worker: string, error: string, runAfter: Date): Promise<void> {
    await this.prisma.queueItem.updateMany({
      where: { seq, claimedBy: worker, status: 'pending' },
      data: { leaseUntil: null, runAfter, lastError: error },
    });
  }

  async fail(seq: number, worker: string, error: string, now: Date): Promise<void> {
    await this.prisma.queueItem.updateMany({
      where: { seq, claimedBy: worker, status: 'pending' },
      data: { status: 'failed', doneAt: now, leaseUntil: null, lastError: error },
    });
  }

  async prune(before: Date): Promise<number> {
    // Failed items stay a week longer, for an operator to look into.
    const failedBefore = new Date(before.getTime() - 7 * 24 * 60 * 60_000);
    const done = await this.prisma.queueItem.deleteMany({ where: { status: 'done', doneAt: { lt: before } } });
    const failed = await this.prisma.queueItem.deleteMany({
      where: { status: 'failed', doneAt: { lt: failedBefore } },
    });
    return done.count + failed.count;
  }
}
