import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** A migration folder from prisma/migrations or prisma/postgres/migrations. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of the file, hex: what Prisma's migrate records, so its CLI sees the same checksums. */
  checksum: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Reads <dir>/<timestamp>_<name>/migration.sql in name order. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    folders.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * The migrations still to apply, in order, given the checksums of those already applied. An
 * applied migration whose file has since changed stops start-up: that is a mistake to fix, not
 * to paper over. `where` names the database in that message.
 */
export function pendingMigrations(
  migrations: MigrationFile[],
  applied: ReadonlyMap<string, string>,
  where: string,
): MigrationFile[] {
  return migrations.filter((migration) => {
    const checksum = applied.get(migration.name);
    if (checksum === undefined) return true;
    if (checksum !== migration.checksum) {
      throw new MigrationError(
        `Migration ${migration.name} was changed after it was applied to ${where}. Restore the original file and add a new migration instead.`,
      );
    }
    return false;
  });
}
