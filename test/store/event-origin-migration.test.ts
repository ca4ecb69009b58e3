import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, defaultPostgresMigrationsDir } from '../../src/store/open-store.js';
import { migratePostgres } from '../../src/store/postgres-migrator.js';
import { migrateSqlite } from '../../src/store/sqlite-migrator.js';
import { tempDir } from '../support/test-app.js';
import { newTestSchema, testPostgresUrl } from '../support/test-database.js';

// Events written before the origin column existed must still be found when their delivery is
// handled again: the migration copies detail.origin into the column.
const MIGRATION = '20261204010000_ticket_event_origin';
const details = [
  JSON.stringify({ command: 'claim', origin: 'slack:Ev1' }),
  JSON.stringify({ command: 'claim' }),
  JSON.stringify({ origin: 42 }),
  JSON.stringify({ text: 'mentions "origin" in text' }),
];

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The migrations folder as it was before the origin column (and anything after it). */
function migrationsBefore(source: string): string {
  const copy = path.join(dir, `before-${path.basename(path.dirname(source))}`);
  cpSync(source, copy, { recursive: true });
  rmSync(path.join(copy, MIGRATION), { recursive: true });
  return copy;
}

describe('the TicketEvent origin migration', () => {
  it('fills the column from the detail of events already written (SQLite)', async () => {
    const file = path.join(dir, 'old.db');
    await migrateSqlite(file, migrationsBefore(defaultMigrationsDir));
    const db = new Database(file);
    db.prepare(
      `INSERT INTO "Ticket" ("id","key","subject","description","transcript","collected","priority","tier","category","status","channel","requesterId","updatedAt") VALUES ('t1','HD-1','s','d','[]','{}','P3','L2','general','new','local','u',CURRENT_TIMESTAMP)`,
    ).run();
    for (const detail of details)
      db.prepare(`INSERT INTO "TicketEvent" ("ticketId","actorId","type","detail") VALUES ('t1','u','status',?)`).run(
        detail,
      );
    db.close();
    await migrateSqlite(file, defaultMigrationsDir);
    const after = new Database(file, { readonly: true });
    const origins = after.prepare('SELECT "origin" FROM "TicketEvent" ORDER BY "id"').all() as Array<{
      origin: string | null;
    }>;
    after.close();
    expect(origins.map((row) => row.origin)).toEqual(['slack:Ev1', null, null, null]);
  });

  it.skipIf(!testPostgresUrl)('fills the column from the detail of events already written (PostgreSQL)', async () => {
    const schema = newTestSchema();
    const target = { url: testPostgresUrl!, schema };
    await migratePostgres(target, migrationsBefore(defaultPostgresMigrationsDir));
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      await client.query(
        `INSERT INTO "Ticket" ("id","key","subject","description","transcript","collected","priority","tier","category","status","channel","requesterId","updatedAt") VALUES ('t1','HD-1','s','d','[]','{}','P3','L2','general','new','local','u',now())`,
      );
      for (const detail of details)
        await client.query(
          `INSERT INTO "TicketEvent" ("ticketId","actorId","type","detail") VALUES ('t1','u','status',$1)`,
          [detail],
        );
      await migratePostgres(target, defaultPostgresMigrationsDir);
      const { rows } = await client.query<{ origin: string | null }>(
        'SELECT "origin" FROM "TicketEvent" ORDER BY "id"',
      );
      expect(rows.map((row) => row.origin)).toEqual(['slack:Ev1', null, null, null]);
    } finally {
      await client.end();
    }
  });
});
