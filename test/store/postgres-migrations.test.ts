import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDMMF } from '@prisma/get-dmmf';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultPostgresMigrationsDir, openStore, StoreNotFoundError } from '../../src/store/open-store.js';
import { migratePostgres } from '../../src/store/postgres-migrator.js';
import { newTestSchema, testPostgresUrl } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';
import { roundTripEveryModel } from '../support/store-round-trip.js';

const schemaFile = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');

/** How Prisma's migrate writes each scalar type on PostgreSQL (format_type's spelling). */
const postgresType: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
};
/** Referential actions: Prisma's names, pg_constraint's codes. */
const action: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };

let client: pg.Client;
const target = (schema: string) => ({ url: testPostgresUrl!, schema });

/** Runs a query against one schema (search_path), so regclass defaults print unqualified. */
async function inSchema<T extends pg.QueryResultRow>(
  schema: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  await client.query(`SET search_path TO "${schema}"`);
  return (await client.query<T>(sql, params)).rows;
}

describe.skipIf(!testPostgresUrl)('PostgreSQL migrations (prisma/postgres/migrations)', () => {
  beforeAll(async () => {
    client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it("create the schema, apply in order, once, and are recorded in Prisma's table with Prisma's column types", async () => {
    const schema = newTestSchema();
    const folders = readdirSync(defaultPostgresMigrationsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders[0]).toMatch(/^\d{14}_init$/);
    expect(readFileSync(path.join(defaultPostgresMigrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    expect(await migratePostgres(target(schema), defaultPostgresMigrationsDir)).toEqual(folders);
    expect(await migratePostgres(target(schema), defaultPostgresMigrationsDir)).toEqual([]);
    const rows = await inSchema<{ migration_name: string; finished_at: Date | null; applied_steps_count: number }>(
      schema,
      'SELECT migration_name, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((row) => row.migration_name)).toEqual(folders);
    expect(rows.every((row) => row.finished_at instanceof Date && row.applied_steps_count === 1)).toBe(true);
    const columns = await inSchema<{ column_name: string; data_type: string; is_nullable: string }>(
      schema,
      "SELECT column_name, format_type(atttypid, atttypmod) AS data_type, CASE WHEN attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable FROM pg_attribute JOIN information_schema.columns ON column_name = attname WHERE attrelid = '_prisma_migrations'::regclass AND table_schema = $1 AND table_name = '_prisma_migrations' ORDER BY attnum",
      [schema],
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`)).toEqual([
      'id character varying(36) not null',
      'checksum character varying(64) not null',
      'finished_at timestamp with time zone',
      'migration_name character varying(255) not null',
      'logs text',
      'rolled_back_at timestamp with time zone',
      'started_at timestamp with time zone not null',
      'applied_steps_count integer not null',
    ]);
  });

  it('refuse to start when an applied migration was edited, and roll back a failing one', async () => {
    const schema = newTestSchema();
    const migrations = path.join(dir, 'migrations');
    cpSync(defaultPostgresMigrationsDir, migrations, { recursive: true });
    const init = readdirSync(migrations).find((name) => name.endsWith('_init'))!;
    await migratePostgres(target(schema), migrations);
    writeFileSync(
      path.join(migrations, init, 'migration.sql'),
      `-- edited\n${readFileSync(path.join(defaultPostgresMigrationsDir, init, 'migration.sql'), 'utf8')}`,
    );
    await expect(migratePostgres(target(schema), migrations)).rejects.toThrow(/was changed after it was applied/);

    cpSync(defaultPostgresMigrationsDir, migrations, { recursive: true });
    const broken = path.join(migrations, '99991231000000_broken');
    cpSync(path.join(migrations, init), broken, { recursive: true });
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "X" ("a" TEXT);\nTHIS IS NOT SQL;');
    await expect(migratePostgres(target(schema), migrations)).rejects.toThrow(/99991231000000_broken failed/);
    expect(
      await inSchema(schema, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'X'", [schema]),
    ).toEqual([]);
    expect(
      await inSchema(schema, "SELECT 1 FROM _prisma_migrations WHERE migration_name = '99991231000000_broken'"),
    ).toEqual([]);
  });

  it('let several instances start at once on one empty database: one migrates, the others wait and find it done', async () => {
    const schema = newTestSchema();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => migratePostgres(target(schema), defaultPostgresMigrationsDir)),
    );
    expect(results.filter((done) => done.length > 0)).toHaveLength(1);
    expect(results.filter((done) => done.length === 0)).toHaveLength(3);
    const rows = await inSchema<{ n: number }>(schema, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(rows[0]!.n).toBe(results.find((done) => done.length > 0)!.length);
    // The stores too: every one opens, and they all see one database.
    const stores = await Promise.all(
      Array.from({ length: 3 }, () => openStore({ kind: 'postgres', url: testPostgresUrl!, schema })),
    );
    await stores[0]!.tickets.nextNumber();
    expect(await stores[2]!.prisma.counter.findUnique({ where: { name: 'ticket' } })).toEqual({
      name: 'ticket',
      value: 1,
    });
    await Promise.all(stores.map((store) => store.close()));
  });

  it('a freshly migrated schema matches schema.prisma: tables, columns, types, nullability, defaults, keys, indexes and foreign keys', async () => {
    const schema = newTestSchema();
    await migratePostgres(target(schema), defaultPostgresMigrationsDir);
    const result = await getDMMF({
      datamodel: readFileSync(schemaFile, 'utf8').replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"'),
    });
    if (!('datamodel' in result)) throw new Error(`schema.prisma does not parse: ${JSON.stringify(result)}`);
    const { models, indexes } = result.datamodel;

    const tables = await inSchema<{ tablename: string }>(
      schema,
      "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'",
      [schema],
    );
    expect(tables.map((t) => t.tablename).sort()).toEqual(models.map((m) => m.name).sort());

    for (const model of models) {
      const columns = await inSchema<{ name: string; type: string; notnull: boolean; default: string | null }>(
        schema,
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS default
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        [`"${schema}"."${model.name}"`],
      );
      const scalars = model.fields.filter((f) => f.kind === 'scalar');
      expect(columns.map((c) => c.name).sort(), model.name).toEqual(scalars.map((f) => f.name).sort());
      for (const field of scalars) {
        const column = columns.find((c) => c.name === field.name)!;
        const where = `${model.name}.${field.name}`;
        expect(column.type, `${where} type`).toBe(postgresType[field.type]);
        expect(column.notnull, `${where} required`).toBe(field.isRequired);
        expect(column.default, `${where} default`).toBe(expectedDefault(model.name, field));
      }

      // Every index and key, by the name Prisma gives it, with its columns in order.
      const found = await inSchema<{ name: string; kind: string; columns: string[] }>(
        schema,
        `SELECT i.relname AS name,
                CASE WHEN x.indisprimary THEN 'id' WHEN x.indisunique THEN 'unique' ELSE 'normal' END AS kind,
                array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
          WHERE x.indrelid = $1::regclass`,
        [`"${schema}"."${model.name}"`],
      );
      const expected = indexes
        .filter((index) => index.model === model.name)
        .map((index) => {
          const fields = index.fields.map((f) => f.name);
          const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
          return {
            name:
              index.dbName ??
              (index.type === 'id' ? `${model.name}_pkey` : `${model.name}_${fields.join('_')}_${suffix}`),
            kind: index.type,
            columns: fields,
          };
        });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(found.sort(byName), `${model.name} indexes`).toEqual(expected.sort(byName));
      const constraints = await inSchema<{ conname: string; contype: string }>(
        schema,
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u')",
        [`"${schema}"."${model.name}"`],
      );
      // Prisma makes the primary key a constraint and unique keys plain unique indexes.
      expect(constraints, `${model.name} key constraints`).toEqual([{ conname: `${model.name}_pkey`, contype: 'p' }]);

      const foreignKeys = await inSchema<{
        name: string;
        columns: string[];
        table: string;
        referenced: string[];
        on_delete: string;
        on_update: string;
      }>(
        schema,
        `SELECT c.conname AS name,
                array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
                t.relname AS table,
                array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS referenced,
                c.confdeltype AS on_delete, c.confupdtype AS on_update
           FROM pg_constraint c JOIN pg_class t ON t.oid = c.confrelid
          WHERE c.conrelid = $1::regclass AND c.contype = 'f'`,
        [`"${schema}"."${model.name}"`],
      );
      const relations = model.fields.filter(
        (f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0,
      );
      expect(foreignKeys.sort(byName), `${model.name} foreign keys`).toEqual(
        relations
          .map((relation) => {
            const from = [...relation.relationFromFields!];
            const required = from.every((name) => model.fields.find((f) => f.name === name)!.isRequired);
            return {
              name: `${model.name}_${from.join('_')}_fkey`,
              columns: from,
              table: relation.type,
              referenced: [...relation.relationToFields!],
              // Prisma's defaults: Restrict (required) or SetNull (optional) on delete, Cascade on update.
              on_delete: action[relation.relationOnDelete ?? (required ? 'Restrict' : 'SetNull')],
              on_update: action[relation.relationOnUpdate ?? 'Cascade'],
            };
          })
          .sort(byName),
      );
    }
  });

  it('every model and field is usable through the Prisma client on the migrated schema', async () => {
    const store = await openStore({ kind: 'postgres', url: testPostgresUrl!, schema: newTestSchema() });
    const p = store.prisma;
    const at = new Date('2026-11-23T10:00:00.123Z');
    const ticket = await roundTripEveryModel(store, at);
    await expect(
      p.ticket.create({ data: { ...ticket, id: 't2', events: undefined, threads: undefined } as never }),
    ).rejects.toMatchObject({ code: 'P2002' });
    // Raw SQL finds the tables too (search_path is the schema), and the health check's write works.
    expect(await p.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM "Ticket"')).toEqual([
      { n: 1 },
    ]);
    await store.pingWrite();
    await p.ticket.delete({ where: { id: 't' } });
    expect(await p.ticketThread.count()).toBe(0);
    await p.conversation.delete({ where: { key: 'k' } });
    expect(await p.message.count()).toBe(0);
    await store.close();
  });

  it('a server that does not answer stops start-up with a message that names DATABASE_URL and hides the password', async () => {
    const url = new URL(testPostgresUrl!);
    url.password = 'top-secret';
    url.port = '1';
    const error = await openStore({ kind: 'postgres', url: url.toString(), schema: undefined }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(
      /^Cannot connect to the PostgreSQL database in DATABASE_URL \(postgres(ql)?:\/\/[^:]*:\*\*\*@.*:1\/.*\): .*ECONNREFUSED/,
    );
    expect(error!.message).not.toContain('top-secret');
  });

  it('tools that must not create a database refuse an empty schema, and leave it uncreated', async () => {
    const schema = newTestSchema();
    await expect(
      openStore({ kind: 'postgres', url: testPostgresUrl!, schema }, { create: false }),
    ).rejects.toBeInstanceOf(StoreNotFoundError);
    expect(await inSchema(schema, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
  });
});

function expectedDefault(model: string, field: { name: string; type: string; default?: unknown }): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && 'name' in value) {
    if (value.name === 'autoincrement') return `nextval('"${model}_${field.name}_seq"'::regclass)`;
    if (value.name === 'now') return 'CURRENT_TIMESTAMP';
    throw new Error(`no expectation for @default(${String(value.name)}()) on ${model}.${field.name}`);
  }
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'::text`;
  return String(value);
}
