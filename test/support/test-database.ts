/**
 * Which database the test apps use. The `sqlite` project (always) gives each app a SQLite file in
 * its data folder; the `postgres` project (when TEST_POSTGRES_URL is set, see vitest.config.ts)
 * runs the same files again with each data folder mapped to its own fresh schema in the
 * TEST_POSTGRES_URL database, so test files run in parallel without seeing each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openStore, type Store } from '../../src/store/open-store.js';

/** Set by the postgres project in vitest.config.ts. */
export const onPostgres = process.env.HELPDESK_TEST_DATABASE === 'postgres';

/** The server for PostgreSQL runs, or undefined when they are off. */
export const testPostgresUrl: string | undefined = process.env.TEST_POSTGRES_URL?.trim() || undefined;

/** Prefix of every schema the tests create; the global setup drops what a crashed run left. */
export const TEST_SCHEMA_PREFIX = 'hdt_';

const schemasByFolder = new Map<string, string>();
const created = new Set<string>();

/**
 * A fresh schema name for this run: hdt_<run>_<random>. The run id (from the global setup) starts
 * with the run's start time, so a later run can tell a crashed run's schemas from a live one's.
 */
export function newTestSchema(): string {
  const schema = `${TEST_SCHEMA_PREFIX}${inject('postgresRunId')}_${randomBytes(5).toString('hex')}`;
  created.add(schema);
  return schema;
}

/** TEST_POSTGRES_URL pointing at one schema (the app creates and migrates it). */
export function postgresUrlFor(schema: string): string {
  if (!testPostgresUrl) throw new Error('TEST_POSTGRES_URL is not set');
  const url = new URL(testPostgresUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/**
 * The variables that put a test app's data where this project keeps it: nothing on SQLite
 * (DATA_DIR decides), DATABASE_URL with the folder's own schema on PostgreSQL. The same folder
 * gets the same schema, so a test that restarts the app on its folder finds its data again.
 */
export function databaseEnvFor(dataDir: string): Record<string, string> {
  if (!onPostgres) return {};
  let schema = schemasByFolder.get(dataDir);
  if (!schema) {
    schema = newTestSchema();
    schemasByFolder.set(dataDir, schema);
  }
  return { DATABASE_URL: postgresUrlFor(schema) };
}

/**
 * A store on this project's database for the data folder (a SQLite file in it, or its schema).
 * Several calls with one folder are several processes on one database.
 */
export function openTestStore(dataDir: string): Promise<Store> {
  return openStore(loadConfig({ DATA_DIR: dataDir, ...databaseEnvFor(dataDir) }).database);
}

/** Drops the schemas this test file created (the postgres project's setup file calls it after the file). */
export async function dropCreatedSchemas(): Promise<void> {
  if (created.size === 0 || !testPostgresUrl) return;
  const schemas = [...created];
  created.clear();
  schemasByFolder.clear();
  await dropSchemas(testPostgresUrl, schemas);
}

export async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Names this run's PostgreSQL schemas (see postgres-global-setup.ts). */
    postgresRunId: string;
  }
}

/**
 * The variables that put any app, in this process or a child, on the same database as the data
 * folder: the folder (whose SQLite file it is) and, on PostgreSQL, the folder's schema.
 */
export function sharedDatabaseEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, ...databaseEnvFor(dataDir) };
}
