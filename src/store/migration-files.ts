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
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    folders.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
