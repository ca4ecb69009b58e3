import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeDatabase, type DatabaseConfig } from '../config/config.js';
import type { CoreStore } from './core-ports.js';
import { migrateSqlite } from './sqlite-migrator.js';
import { openSqlitePrisma, type OpenedPrisma, type PrismaClient } from './prisma/open-prisma.js';
import { PrismaAlertGroups } from './prisma/prisma-alert-groups.js';
import { PrismaWebSignIns } from './prisma/prisma-web-sign-ins.js';
import { PrismaConversationStore } from './prisma/prisma-conversation-store.js';
import { PrismaLearnedPhrasings } from './prisma/prisma-learned-phrasings.js';
import { PrismaPostLog } from './prisma/prisma-post-log.js';
import { PrismaQuestionLog } from './prisma/prisma-question-log.js';
import { PrismaScriptRunLog } from './prisma/prisma-script-run-log.js';
import { PrismaTicketRepository } from './prisma/prisma-ticket-repository.js';
import { PrismaWorkQueueStore } from './prisma/prisma-work-queue-store.js';
import { PrismaAddressBook, PrismaTicketThreadStore } from './prisma/prisma-ticket-thread-store.js';
import { PrismaTimerClaims } from './prisma/prisma-timer-claims.js';

/** Everything the core needs from persistence (CorePorts), on a database. */
export interface Store extends CoreStore {
  /** What was migrated at open (for the start-up log). */
  migrated: string[];
  prisma: PrismaClient;
  /** Throws when the database cannot take a write (down, read-only, disk full). */
  pingWrite(): Promise<void>;
}

/** Where the migrations live, relative to this file (works from src/ and from a checkout). */
export const defaultMigrationsDir = path.resolve(import.meta.dirname, '../../prisma/migrations');
/** PostgreSQL's own migrations: the same schema in its dialect, from prisma/postgres. */
export const defaultPostgresMigrationsDir = path.resolve(import.meta.dirname, '../../prisma/postgres/migrations');

/** There is no database where the configuration points, and the caller asked not to create one. */
export class StoreNotFoundError extends Error {
  override readonly name = 'StoreNotFoundError';
}

export interface OpenStoreOptions {
  /** Create the database (SQLite file, PostgreSQL schema) when there is none. Default true. */
  create?: boolean;
  /** Apply pending migrations. Default true; tools that only read leave the schema alone. */
  migrate?: boolean;
  /** PostgreSQL connections in the pool (DATABASE_POOL_SIZE). Default 10. */
  poolSize?: number;
}

/** Opens the configured database, SQLite or PostgreSQL, creating and migrating it as needed. */
export async function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const { create = true, migrate = true, poolSize } = options;
  if (database.kind === 'sqlite') {
    // A tool run on a typo must not leave an empty database behind.
    if (!create && !existsSync(database.file))
      throw new StoreNotFoundError(
        `there is no database at ${database.file} (set DATA_DIR or DATABASE_URL as for the bot)`,
      );
    return openSqliteStore(database.file, defaultMigrationsDir, { migrate });
  }
  const target = { url: database.url, schema: database.schema ?? 'public' };
  const { hasPostgresTables } = await import('./postgres-migrator.js');
  if (!create && !(await hasPostgresTables(target))) {
    throw new StoreNotFoundError(
      `there is no database at ${describeDatabase(database)}: schema ${target.schema} has no helpdesk tables (start the bot on it once, or set DATABASE_URL as for the bot)`,
    );
  }
  return openPostgresStore(target, defaultPostgresMigrationsDir, {
    migrate,
    location: describeDatabase(database),
    ...(poolSize ? { poolSize } : {}),
  });
}

/** Opens (creating and migrating as needed) the SQLite database file. */
export async function openSqliteStore(
  file: string,
  migrationsDir = defaultMigrationsDir,
  options: { migrate?: boolean } = {},
): Promise<Store> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const migrated = options.migrate === false ? [] : await migrateSqlite(file, migrationsDir);
  return storeOn(openSqlitePrisma(file), migrated, file);
}

/** Opens (creating the schema and migrating as needed) a PostgreSQL schema. */
export async function openPostgresStore(
  target: { url: string; schema: string },
  migrationsDir = defaultPostgresMigrationsDir,
  options: { migrate?: boolean; location?: string; poolSize?: number } = {},
): Promise<Store> {
  // Imported here: a SQLite deployment never compiles PostgreSQL's client, adapter and driver.
  const [{ migratePostgres }, { openPostgresPrisma }] = await Promise.all([
    import('./postgres-migrator.js'),
    import('./prisma/open-postgres-prisma.js'),
  ]);
  const migrated = options.migrate === false ? [] : await migratePostgres(target, migrationsDir);
  return storeOn(
    openPostgresPrisma(target.url, target.schema, options.poolSize),
    migrated,
    options.location ?? target.schema,
  );
}

async function storeOn({ prisma, hot }: OpenedPrisma, migrated: string[], location: string): Promise<Store> {
  await prisma.$connect();
  return {
    conversations: new PrismaConversationStore(prisma, hot),
    questions: new PrismaQuestionLog(prisma, hot),
    tickets: new PrismaTicketRepository(prisma, hot.dialect),
    ticketThreads: new PrismaTicketThreadStore(prisma),
    addresses: new PrismaAddressBook(prisma),
    scriptRuns: new PrismaScriptRunLog(prisma),
    learned: new PrismaLearnedPhrasings(prisma),
    queue: new PrismaWorkQueueStore(prisma, hot),
    timerClaims: new PrismaTimerClaims(prisma),
    alertGroups: new PrismaAlertGroups(prisma),
    webSignIns: new PrismaWebSignIns(prisma),
    postLog: new PrismaPostLog(prisma),
    migrated,
    location,
    prisma,
    pingWrite: async () => {
      // A real insert, rolled back by deleting it: an update in place would pass on a full disk.
      const key = `health:${process.pid}:${Date.now()}:${Math.random()}`;
      await prisma.queueItem.create({
        data: {
          key,
          kind: 'health',
          orderKey: key,
          payload: '"probe"'.padEnd(4096, ' '),
          status: 'done',
          runAfter: new Date(),
          doneAt: new Date(0),
        },
      });
      await prisma.queueItem.delete({ where: { key } });
    },
    close: () => prisma.$disconnect(),
  };
}
