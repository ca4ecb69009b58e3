import type { NewQueueItem, QueuedItem, WorkQueueStore } from '../../core/delivery/work-queue.js';
import type { PrismaClient } from './open-prisma.js';
import { postgresTime, sqliteTime, type HotSql, type HotStatement } from './hot-sql.js';

/** How many order keys (the oldest heads first) one claim looks at. */
const SCAN = 200;

/**
 * The durable inbox and outbox in the QueueItem table. What every message does (enqueue, and
 * complete) runs as the hot path's prepared statements (hot-sql.ts); the rest through Prisma.
 */
export class PrismaWorkQueueStore implements WorkQueueStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async enqueue(item: NewQueueItem): Promise<boolean> {
    const now = new Date();
    if (this.hot.dialect === 'postgres') {
      const rows = await this.hot.rows<{ seq: number }>({
        name: 'queue-enqueue',
        sql: POSTGRES_ENQUEUE,
        args: [item.key, item.kind, item.orderKey, item.payload, postgresTime(now)],
      });
      return rows.length === 1;
    }
    // SQLite has one writer at a time: seq is taken in commit order.
    const rows = await this.hot.rows<{ seq: number }>(sqliteEnqueue(item, now, undefined));
    return rows.length === 1;
  }

  async enqueueClaimed(
    item: NewQueueItem,
    worker: string,
    now: Date,
    leaseUntil: Date,
    completing: readonly number[] = [],
  ): Promise<QueuedItem | 'queued' | 'repeat'> {
    let rows: Array<{ seq: number; attempts: number }>;
    if (this.hot.dialect === 'postgres') {
      // One round trip: the finished items, the order key's lock, then the insert, in a function
      // (migration 20261205140000), each statement with its own snapshot.
      rows = await this.hot.rows({
        name: 'queue-enqueue-claimed',
        sql: `SELECT "out_seq" AS "seq", "out_attempts" AS "attempts"
              FROM "helpdesk_enqueue_claimed"($1, $2, $3, $4, $5::timestamp, $6, $7::timestamp, $8::int[])`,
        args: [
          item.key,
          item.kind,
          item.orderKey,
          item.payload,
          postgresTime(now),
          worker,
          postgresTime(leaseUntil),
          [...completing],
        ],
      });
    } else if (completing.length > 0) {
      // The finished items first: an item of the same order key is then free to be claimed.
      const done = this.completeStatement(completing, worker, now);
      const results = await this.hot.transaction([done, sqliteEnqueue(item, now, { worker, leaseUntil })]);
      rows = results.at(-1) as typeof rows;
    } else {
      rows = await this.hot.rows(sqliteEnqueue(item, now, { worker, leaseUntil }));
    }
    const row = rows[0];
    if (!row) return 'repeat';
    if (Number(row.attempts) === 0) return 'queued';
    return { ...item, seq: Number(row.seq), attempts: Number(row.attempts), createdAt: now };
  }

  async claim(worker: string, kinds: string[], limit: number, now: Date, leaseUntil: Date): Promise<QueuedItem[]> {
    if (kinds.length === 0) return [];
    // Only the oldest unfinished item of each order key may run, whatever its state: a later one
    // waits while an earlier one is leased or backing off, so a conversation keeps its order. The
    // heads are found over every pending item, so a long line in one conversation (a flood in one
    // thread) does not hide the others behind it; of those, the ones free to take now (no live
    // lease, not backing off) in the same read.
    // A prepared statement (hot-sql.ts): it runs after every finished item, mostly to find nothing
    // (or only the next message's item, claimed as it was stored).
    const postgres = this.hot.dialect === 'postgres';
    const free = await this.hot.rows<{ seq: number }>({
      name: 'queue-free-heads',
      sql: `SELECT q."seq" FROM "QueueItem" AS q
            JOIN (SELECT MIN("seq") AS "seq" FROM "QueueItem"
                  WHERE "status" = 'pending' AND "kind" ${postgres ? '= ANY($1::text[])' : 'IN (SELECT "value" FROM json_each(?))'}
                  GROUP BY "orderKey" ORDER BY MIN("seq") ASC LIMIT ${SCAN}) AS h ON q."seq" = h."seq"
            WHERE (q."leaseUntil" IS NULL OR q."leaseUntil" <= ${postgres ? '$2::timestamp' : '?'})
              AND q."runAfter" <= ${postgres ? '$2::timestamp' : '?'}
            ORDER BY q."seq" ASC`,
      args: postgres ? [kinds, postgresTime(now)] : [JSON.stringify(kinds), sqliteTime(now), sqliteTime(now)],
    });
    const candidates = free.map((row) => Number(row.seq));
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

  async complete(seqs: readonly number[], worker: string, now: Date): Promise<number[]> {
    if (seqs.length === 0) return [];
    const rows = await this.hot.rows<{ seq: number }>(this.completeStatement(seqs, worker, now));
    return rows.map((row) => Number(row.seq));
  }

  /** Marks `worker`'s finished items done, returning the ones it marked (a lost claim's are not). */
  private completeStatement(seqs: readonly number[], worker: string, now: Date): HotStatement {
    const postgres = this.hot.dialect === 'postgres';
    return {
      name: 'queue-complete',
      sql: postgres
        ? `UPDATE "QueueItem" SET "status" = 'done', "doneAt" = $1::timestamp, "leaseUntil" = NULL
           WHERE "seq" = ANY($2::int[]) AND "claimedBy" = $3 AND "status" = 'pending' RETURNING "seq"`
        : `UPDATE "QueueItem" SET "status" = 'done', "doneAt" = ?, "leaseUntil" = NULL
           WHERE "seq" IN (SELECT "value" FROM json_each(?)) AND "claimedBy" = ? AND "status" = 'pending' RETURNING "seq"`,
      args: postgres ? [postgresTime(now), [...seqs], worker] : [sqliteTime(now), JSON.stringify(seqs), worker],
    };
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

/**
 * On PostgreSQL seq comes from a sequence when the row is inserted, not when it commits: two
 * items of one conversation enqueued at once on two connections could commit in the other
 * order, and a claim between the commits would run the later one first. A transaction-level
 * advisory lock on the order key, taken in the same statement before the row (and its seq) is
 * made, holds until the statement commits, so items of one key get their seqs in commit order.
 * ON CONFLICT DO NOTHING recognises a repeat without an error (and without a rollback).
 * Timestamps as Prisma writes them into TIMESTAMP(3) columns: UTC wall time.
 */
const POSTGRES_ENQUEUE = `
  WITH "lock" AS (SELECT pg_advisory_xact_lock(hashtextextended($3::text, 0)))
  INSERT INTO "QueueItem" ("key", "kind", "orderKey", "payload", "status", "runAfter", "createdAt")
  SELECT $1, $2, $3, $4, 'pending', $5::timestamp, $5::timestamp FROM "lock"
  ON CONFLICT ("key") DO NOTHING
  RETURNING "seq"`;

/**
 * SQLite's enqueue, claimed for `claim.worker` in the same statement when nothing earlier of its
 * order key is unfinished (SQLite has one writer at a time, so the check and the insert are
 * atomic). A repeat returns no row (ON CONFLICT DO NOTHING: no error, no rollback).
 */
function sqliteEnqueue(
  item: NewQueueItem,
  now: Date,
  claim: { worker: string; leaseUntil: Date } | undefined,
): HotStatement {
  const at = sqliteTime(now);
  return {
    name: 'queue-enqueue',
    sql: `INSERT INTO "QueueItem" ("key", "kind", "orderKey", "payload", "status", "attempts", "runAfter", "claimedBy", "leaseUntil", "createdAt")
          SELECT ?, ?, ?, ?, 'pending', h."free", ?, CASE WHEN h."free" THEN ? END, CASE WHEN h."free" THEN ? END, ?
          FROM (SELECT ? AND NOT EXISTS (SELECT 1 FROM "QueueItem" WHERE "orderKey" = ? AND "status" = 'pending') AS "free") AS h
          WHERE true
          ON CONFLICT ("key") DO NOTHING
          RETURNING "seq", "attempts"`,
    args: [
      item.key,
      item.kind,
      item.orderKey,
      item.payload,
      at,
      claim?.worker ?? null,
      claim ? sqliteTime(claim.leaseUntil) : null,
      at,
      claim ? 1 : 0,
      item.orderKey,
    ],
  };
}
