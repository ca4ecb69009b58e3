import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDMMF } from '@prisma/get-dmmf';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openSqliteStore } from '../../src/store/open-store.js';
import { migrateSqlite } from '../../src/store/sqlite-migrator.js';
import { tempDir } from '../support/test-app.js';
import { roundTripEveryModel } from '../support/store-round-trip.js';

const schemaFile = path.resolve(import.meta.dirname, '../../prisma/schema.prisma');
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const sqliteType: Record<string, string> = {
  String: 'TEXT',
  Int: 'INTEGER',
  Float: 'REAL',
  Boolean: 'BOOLEAN',
  DateTime: 'DATETIME',
};

describe('migrations', () => {
  it("apply in order, once, and are recorded in Prisma's table", async () => {
    const file = path.join(dir, 'a.db');
    const folders = readdirSync(defaultMigrationsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders[0]).toBe('20261123000000_init');
    expect(await migrateSqlite(file, defaultMigrationsDir)).toEqual(folders);
    expect(await migrateSqlite(file, defaultMigrationsDir)).toEqual([]);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT migration_name, finished_at FROM _prisma_migrations').all() as Array<{
      migration_name: string;
      finished_at: string;
    }>;
    db.close();
    expect(rows).toHaveLength(folders.length);
    expect(rows.every((row) => row.finished_at)).toBe(true);
  });

  it('refuse to start when an applied migration was edited, and roll back a failing one', async () => {
    const migrations = path.join(dir, 'migrations');
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    const file = path.join(dir, 'b.db');
    await migrateSqlite(file, migrations);
    writeFileSync(
      path.join(migrations, '20261123000000_init', 'migration.sql'),
      '-- edited\n' + readFileSync(path.join(defaultMigrationsDir, '20261123000000_init', 'migration.sql'), 'utf8'),
    );
    await expect(migrateSqlite(file, migrations)).rejects.toThrow(/was changed after it was applied/);

    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    const broken = path.join(migrations, '20261124000000_broken');
    cpSync(path.join(migrations, '20261123000000_init'), broken, { recursive: true });
    writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "X" ("a" TEXT);\nTHIS IS NOT SQL;');
    await expect(migrateSqlite(file, migrations)).rejects.toThrow(/20261124000000_broken failed/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'X'").all()).toEqual([]);
    db.close();
  });

  it('a freshly migrated database matches schema.prisma: every model, field, type, nullability and index', async () => {
    const file = path.join(dir, 'c.db');
    await migrateSqlite(file, defaultMigrationsDir);
    const result = await getDMMF({ datamodel: readFileSync(schemaFile, 'utf8') });
    if (!('datamodel' in result)) throw new Error(`schema.prisma does not parse: ${JSON.stringify(result)}`);
    const dmmf = result;
    const db = new Database(file, { readonly: true });
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'",
        )
        .all() as Array<{ name: string }>
    ).map((t) => t.name);
    expect(tables.sort()).toEqual(dmmf.datamodel.models.map((m) => m.name).sort());

    for (const model of dmmf.datamodel.models) {
      const columns = db.prepare(`PRAGMA table_info("${model.name}")`).all() as Array<{
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }>;
      const scalars = model.fields.filter((f) => f.kind === 'scalar');
      expect(columns.map((c) => c.name).sort(), model.name).toEqual(scalars.map((f) => f.name).sort());
      for (const field of scalars) {
        const column = columns.find((c) => c.name === field.name)!;
        expect(column.type, `${model.name}.${field.name}`).toBe(sqliteType[field.type]);
        expect(column.notnull === 1 || column.pk === 1, `${model.name}.${field.name} required`).toBe(field.isRequired);
        expect(column.pk === 1, `${model.name}.${field.name} id`).toBe(field.isId);
      }
      const indexes = db.prepare(`PRAGMA index_list("${model.name}")`).all() as Array<{
        name: string;
        unique: number;
        origin: string;
      }>;
      const uniqueSets = indexes
        .filter((i) => i.unique === 1 && i.origin !== 'pk')
        .map((i) =>
          (db.prepare(`PRAGMA index_info("${i.name}")`).all() as Array<{ name: string }>).map((c) => c.name).join(','),
        );
      const expectedUnique = [
        ...model.fields.filter((f) => f.isUnique).map((f) => f.name),
        ...model.uniqueFields.map((u) => u.join(',')),
      ];
      expect(uniqueSets.sort(), `${model.name} unique`).toEqual(expectedUnique.sort());
      // Every other index, by the name Prisma gives it, with its columns in order (the queries' plans rely on them).
      const plain = indexes
        .filter((i) => i.unique === 0)
        .map((i) => ({
          name: i.name,
          columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as Array<{ name: string }>).map((c) => c.name),
        }));
      const expectedPlain = dmmf.datamodel.indexes
        .filter((index) => index.model === model.name && index.type === 'normal')
        .map((index) => {
          const columns = index.fields.map((f) => f.name);
          return { name: index.dbName ?? `${model.name}_${columns.join('_')}_idx`, columns };
        });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(plain.sort(byName), `${model.name} indexes`).toEqual(expectedPlain.sort(byName));
      const foreignKeys = db.prepare(`PRAGMA foreign_key_list("${model.name}")`).all() as Array<{
        from: string;
        table: string;
        on_delete: string;
      }>;
      const relations = model.fields.filter(
        (f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0,
      );
      expect(
        foreignKeys.map((k) => `${k.from}->${k.table}:${k.on_delete}`).sort(),
        `${model.name} foreign keys`,
      ).toEqual(
        relations
          .map(
            (r) =>
              `${r.relationFromFields![0]}->${r.type}:${(r.relationOnDelete ?? 'Restrict').replace('Cascade', 'CASCADE')}`,
          )
          .sort(),
      );
    }
    db.close();
  });

  it('every model and field is usable through the Prisma client on the migrated file', async () => {
    const store = await openSqliteStore(path.join(dir, 'd.db'));
    const p = store.prisma;
    const at = new Date('2026-11-23T10:00:00.000Z');
    const ticket = await roundTripEveryModel(store, at);
    await expect(
      p.ticket.create({ data: { ...ticket, id: 't2', events: undefined, threads: undefined } as never }),
    ).rejects.toThrow();
    await p.conversation.delete({ where: { key: 'k' } });
    expect(await p.message.count()).toBe(0);
    await store.close();
  });
});
