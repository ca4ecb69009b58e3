import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PostgresHotSql } from './hot-sql.js';
import { PrismaClient as PostgresPrismaClient } from './generated-pg/client.js';
import { TRANSACTIONS, type OpenedPrisma, type PrismaClient } from './open-prisma.js';

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
