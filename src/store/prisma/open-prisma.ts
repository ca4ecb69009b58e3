import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';
import { PrismaClient as PostgresPrismaClient } from './generated-pg/client.js';

export type { PrismaClient };

/** A Prisma client on a SQLite file through the better-sqlite3 driver adapter. */
export function openSqlitePrisma(file: string): PrismaClient {
  const adapter = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 5000 });
  return new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
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
export function openPostgresPrisma(url: string, schema: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: withSearchPath(url, schema), max: poolSize }, { schema });
  return new PostgresPrismaClient({ adapter, transactionOptions: TRANSACTIONS }) as unknown as PrismaClient;
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
