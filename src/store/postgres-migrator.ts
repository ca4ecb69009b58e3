import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { redactPassword } from '../config/config.js';
import { MigrationError, pendingMigrations, readMigrations } from './migration-files.js';

/** A PostgreSQL database and the schema in it that holds the bot's tables. */
export interface PostgresTarget {
  url: string;
  schema: string;
}

/** The database did not answer, or refused us: start-up cannot go on, and the message says why. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
}

/** Double quotes make the schema name an identifier; config only lets letters, digits and _ through. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Applies pending migrations to a PostgreSQL schema (creating the schema if missing), each once,
 * in order, each in its own transaction, recorded in Prisma's `_prisma_migrations` table with the
 * column types Prisma's migrate uses on PostgreSQL. An applied migration whose file has since
 * changed stops start-up, as on SQLite.
 *
 * Replicas start together: a session-level advisory lock, keyed by the schema, lets one instance
 * migrate while the others wait and then find nothing left to do. A crashed holder's lock goes
 * with its connection.
 */
export async function migratePostgres(target: PostgresTarget, migrationsDir: string): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const client = await connectPostgres(target.url);
  const schema = quoteIdentifier(target.schema);
  const lock = advisoryLockKey(target.schema);
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [lock]);
    try {
      // Checked before creating: CREATE SCHEMA IF NOT EXISTS still wants the CREATE privilege on
      // the database, which an app user with its own existing schema need not have.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE SCHEMA ${schema}`).catch((error: unknown) => {
          throw new MigrationError(
            `Cannot create schema ${target.schema} in the database of DATABASE_URL (${redactPassword(target.url)}): ${reason(error)}`,
            { cause: error },
          );
        });
      }
      await client.query(`SET search_path TO ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
      const done: string[] = [];
      for (const migration of pendingMigrations(
        migrations,
        applied,
        `schema ${target.schema} of ${redactPassword(target.url)}`,
      )) {
        const startedAt = new Date();
        try {
          // PostgreSQL's DDL is transactional: a failing migration leaves nothing behind.
          await client.query('BEGIN');
          await client.query(migration.sql);
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, started_at, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, $3, clock_timestamp(), $4, 1)',
            [randomUUID(), migration.checksum, startedAt, migration.name],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        done.push(migration.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [lock]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the schema holds the bot's tables (for tools that must not create or migrate a database). */
export async function hasPostgresTables(target: PostgresTarget): Promise<boolean> {
  const client = await connectPostgres(target.url);
  try {
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
      `${quoteIdentifier(target.schema)}."_prisma_migrations"`,
    ]);
    return rows[0]?.found != null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A connected client, or an error that names DATABASE_URL and the reason, never the password. */
async function connectPostgres(url: string): Promise<pg.Client> {
  // Without a timeout an unreachable host hangs start-up for the operating system's TCP timeout.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A dropped connection is reported by the query that was running; this only keeps the
  // event from being unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseConnectionError(
      `Cannot connect to the PostgreSQL database in DATABASE_URL (${redactPassword(url)}): ${reason(error)}`,
      { cause: error },
    );
  }
}

function reason(error: unknown): string {
  // Node reports a refused connection to every address of a name (localhost: ::1 and 127.0.0.1)
  // as an AggregateError with an empty message.
  if (error instanceof AggregateError && !error.message) return error.errors.map(reason).join('; ');
  if (error instanceof Error) return error.message || String((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}

/** pg_advisory_lock takes a bigint: the first 8 bytes of a hash of the schema name, as a signed decimal. */
function advisoryLockKey(schema: string): string {
  return createHash('sha256').update(`helpdesk-bot migrations ${schema}`).digest().readBigInt64BE(0).toString();
}
