/**
 * Global setup of the postgres project: fails the run at once when TEST_POSTGRES_URL does not
 * answer (it was asked for), names this run's schemas, and drops them when the run ends.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { redactPassword } from '../../src/config/config.js';
import { dropSchemas, TEST_SCHEMA_PREFIX } from './test-database.js';

/** A run that has not cleaned up after this long has crashed; a later run drops its schemas. */
const STALE_MS = 24 * 60 * 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_POSTGRES_URL?.trim();
  if (!url) throw new Error('the postgres project runs only with TEST_POSTGRES_URL set');
  const started = Date.now();
  const runId = `${started.toString(36)}_${randomBytes(2).toString('hex')}`;
  const stale = await runSchemas(url, (run) => started - run > STALE_MS);
  await dropSchemas(url, stale);
  project.provide('postgresRunId', runId);
  return async () => {
    await dropSchemas(url, await runSchemas(url, (_run, id) => id === runId));
  };
}

/** The tests' schemas whose run (time and id, from the name) passes the filter. */
async function runSchemas(url: string, pick: (runStartedAt: number, runId: string) => boolean): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `TEST_POSTGRES_URL (${redactPassword(url)}) does not answer: ${(error as Error).message || String((error as { code?: string }).code)}. Start PostgreSQL there, or unset TEST_POSTGRES_URL to run on SQLite only.`,
      { cause: error },
    );
  }
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'",
      [TEST_SCHEMA_PREFIX],
    );
    return rows
      .map((row) => row.nspname)
      .filter((name) => {
        const match = /^[a-z]+_([0-9a-z]+)_([0-9a-f]+)_/.exec(name);
        return match !== null && pick(parseInt(match[1]!, 36), `${match[1]}_${match[2]}`);
      });
  } finally {
    await client.end();
  }
}
