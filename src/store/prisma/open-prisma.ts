import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteHotSql, type HotSql } from './hot-sql.js';
import { PrismaClient } from './generated/client.js';

// PostgreSQL's client, adapter and driver are in open-postgres-prisma.ts, imported only for a
// PostgreSQL database (each generated client is 5 MB of code to compile at start-up).

export type { PrismaClient };

/** A Prisma client and the hot path's prepared statements (hot-sql.ts), on one connection or pool. */
export interface OpenedPrisma {
  prisma: PrismaClient;
  hot: HotSql;
}

/**
 * The better-sqlite3 adapter, keeping the connection it opens for the hot path's statements. The
 * adapter does not hand its connection out; it keeps it as `client`. An upgrade that renames it
 * fails every SQLite store at open, with the message below (every store test on SQLite opens one).
 */
class SqliteAdapterSharingItsConnection extends PrismaBetterSqlite3 {
  private shared: BetterSqlite3.Database | undefined;

  override async connect(): ReturnType<PrismaBetterSqlite3['connect']> {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: Partial<BetterSqlite3.Database> }).client;
    if (typeof client?.prepare !== 'function' || typeof client.inTransaction !== 'boolean')
      throw new Error('@prisma/adapter-better-sqlite3 no longer keeps its connection as `client`: see hot-sql.ts');
    this.shared = client as BetterSqlite3.Database;
    return adapter;
  }

  connection(): BetterSqlite3.Database {
    if (!this.shared) throw new Error('the SQLite connection is not open yet (call $connect first)');
    return this.shared;
  }
}

/** A Prisma client on a SQLite file through the better-sqlite3 driver adapter. */
export function openSqlitePrisma(file: string): OpenedPrisma {
  const adapter = new SqliteAdapterSharingItsConnection({ url: `file:${file}`, timeout: 5000 });
  return {
    prisma: new PrismaClient({ adapter, transactionOptions: TRANSACTIONS }),
    hot: new SqliteHotSql(() => adapter.connection()),
  };
}

/**
 * A transaction waits for a connection up to maxWait (Prisma's default, 2 s, turned a burst into
 * "Unable to start a transaction in the given time"); the work queue bounds how many run at once,
 * so waiting longer is safe, and a transaction that fails is retried by the queue anyway.
 */
export const TRANSACTIONS = { maxWait: 15_000, timeout: 15_000 };
