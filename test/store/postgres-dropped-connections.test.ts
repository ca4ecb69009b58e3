/**
 * A PostgreSQL connection that the server drops must not end the process: an idle one in the pool
 * (an outage, a restart, a proxy's idle timeout) or one inside the hot path's transaction. pg
 * emits both as an 'error' event, which ends a Node process that has no listener for it: CI saw it
 * once as an uncaught "Connection terminated unexpectedly" during the Slack outage test.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedPrisma } from '../../src/store/prisma/open-prisma.js';
import { openPostgresPrisma } from '../../src/store/prisma/open-postgres-prisma.js';
import { eventually } from '../support/slack.js';
import { newTestSchema, onPostgres, testPostgresUrl } from '../support/test-database.js';

const pid = { name: 'test_backend_pid', sql: 'SELECT pg_backend_pid() AS pid', args: [] };
const pidOf = async (opened: OpenedPrisma) => (await opened.hot.rows<{ pid: number }>(pid))[0]!.pid;

let opened: OpenedPrisma | undefined;
afterEach(async () => {
  await opened?.prisma.$disconnect();
  opened = undefined;
});

/** Every error the process would have died of while `run` ran. */
async function uncaughtDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onError = (error: unknown) => seen.push(error);
  // Vitest's own handler turns these into a failed run; this one lets the test name what happened.
  process.prependListener('uncaughtException', onError);
  try {
    await run();
  } finally {
    process.off('uncaughtException', onError);
  }
  return seen;
}

describe.skipIf(!onPostgres)('a dropped PostgreSQL connection', () => {
  it('in the pool, before Prisma has connected, is discarded and the next query opens a new one', async () => {
    opened = openPostgresPrisma(testPostgresUrl!, newTestSchema(), 2);
    const first = await pidOf(opened);
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    const seen = await uncaughtDuring(async () => {
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [first]);
      } finally {
        await admin.end();
      }
      // The pool keeps the idle connection until its socket closes; then a query gets another.
      await eventually(async () => (await pidOf(opened!)) !== first, 10_000);
    });
    expect(seen).toEqual([]);
  });

  it('inside the hot path transaction fails that transaction only', async () => {
    opened = openPostgresPrisma(testPostgresUrl!, newTestSchema(), 1);
    const seen = await uncaughtDuring(async () => {
      const dying = { name: 'test_terminate_self', sql: 'SELECT pg_terminate_backend(pg_backend_pid())', args: [] };
      await expect(opened!.hot.transaction([pid, dying, pid])).rejects.toThrow();
      // The one connection of the pool was not given back broken: the next statement works.
      expect(await pidOf(opened!)).toBeGreaterThan(0);
    });
    expect(seen).toEqual([]);
  });
});
