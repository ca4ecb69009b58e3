import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { MigrationError, pendingMigrations, readMigrations } from './migration-files.js';

/**
 * Applies pending migrations to a SQLite file, each once, in order, each in its own
 * transaction, and records them in Prisma's own `_prisma_migrations` table, so a database
 * created by the app can later be managed with `prisma migrate` by users who have its engine.
 * An applied migration whose file has since changed stops start-up: that is a mistake to fix,
 * not to paper over.
 */
export async function migrateSqlite(file: string, migrationsDir: string): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied = new Map(
      (
        db
          .prepare(
            'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
          )
          .all() as Array<{ migration_name: string; checksum: string }>
      ).map((row) => [row.migration_name, row.checksum]),
    );
    const done: string[] = [];
    for (const migration of pendingMigrations(migrations, applied, file)) {
      const apply = db.transaction(() => {
        db.exec(migration.sql);
        db.prepare(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, ?, ?, 1)',
        ).run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name);
      });
      try {
        apply();
      } catch (error) {
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    db.close();
  }
}
