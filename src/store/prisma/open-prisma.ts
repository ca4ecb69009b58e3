import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from './generated/client.js';

export type { PrismaClient };

/** A Prisma client on a SQLite file through the better-sqlite3 driver adapter. */
export function openSqlitePrisma(file: string): PrismaClient {
  const adapter = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 5000 });
  return new PrismaClient({ adapter });
}
