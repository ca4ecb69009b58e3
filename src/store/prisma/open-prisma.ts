import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PostgresHotSql, SqliteHotSql, type HotSql } from './hot-sql.js';
import { PrismaClient } from './generated/client.js';
import { PrismaClient as PostgresPrismaClient } from './generated-pg/client.js';

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
const TRANSACTIONS = { maxWait: 15_000, timeout: 15_000 };

/**
 * A Prisma client on PostgreSQL through the pg driver adapter (a pg.Pool of `poolSize` connections),
 * its queries qualified with `schema`.
 *
 * The cast: both clients are generated from the same models (scripts/generate-prisma-client.mjs
 * changes only the provider), so every model delegate the repositories call has the same
 * arguments and results. The types differ only where the providers do, such as the isolation
 * levels `$transaction` accepts (SQLite has Serializable alone) and PostgreSQL's extra filter
 * options; the repositories use neither, and run unchanged on both databases in the tests.
 */
export function openPostgresPrisma(url: string, schema: string, poolSize = 10): OpenedPrisma {
  // One pool for Prisma and the hot path's named statements; Prisma ends it at $disconnect.
  const pool = new pg.Pool({ connectionString: withSearchPath(url, schema), max: poolSize });
  // An idle connection that the server drops (an outage, a restart, a proxy's timeout) is emitted
  // as the pool's 'error'; with no listener that ends the process. Prisma's adapter adds one only
  // once it has connected, and the hot path may use the pool first. The pool discards the dead
  // connection itself; the next query opens a new one or fails where it is awaited.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { schema, disposeExternalPool: true });
  return {
    prisma: new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTIONS }) as unknown as PrismaClient,
    hot: new PostgresHotSql(pool),
  };
}

/**
 * The adapter's `schema` qualifies the model queries only; raw SQL ($queryRaw) would still land
 * in `public`. Setting search_path at connection start makes raw SQL see the same tables, as it
 * does on SQLite. Through the URL, because pg lets a URL's own `options` override the config's;
 * appended to them, so the user's options still apply.
 */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.set('options', [own, `-c search_path="${schema}"`].filter(Boolean).join(' '));
  return parsed.toString();
}
