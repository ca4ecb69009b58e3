import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { QuestionLog } from '../core/analytics/question-log.js';
import type { ConversationStore } from '../core/conversation/conversation-store.js';
import type { ScriptRunLog } from '../core/scripts/script-run-log.js';
import type { TicketRepository } from '../core/tickets/ticket-repository.js';
import type { AddressBook, DeliveryLog, TicketThreadStore } from '../core/tickets/ticket-threads.js';
import { migrateSqlite } from './sqlite-migrator.js';
import { openSqlitePrisma, type PrismaClient } from './prisma/open-prisma.js';
import { PrismaConversationStore } from './prisma/prisma-conversation-store.js';
import { PrismaQuestionLog } from './prisma/prisma-question-log.js';
import { PrismaScriptRunLog } from './prisma/prisma-script-run-log.js';
import { PrismaTicketRepository } from './prisma/prisma-ticket-repository.js';
import { PrismaAddressBook, PrismaDeliveryLog, PrismaTicketThreadStore } from './prisma/prisma-ticket-thread-store.js';

/** Everything the core needs from persistence. */
export interface Store {
  conversations: ConversationStore;
  questions: QuestionLog;
  tickets: TicketRepository;
  ticketThreads: TicketThreadStore;
  deliveries: DeliveryLog;
  addresses: AddressBook;
  scriptRuns: ScriptRunLog;
  /** What was migrated at open (for the start-up log). */
  migrated: string[];
  location: string;
  prisma: PrismaClient;
  /** Throws when the database does not answer (for health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where the migrations live, relative to this file (works from src/ and from a checkout). */
export const defaultMigrationsDir = path.resolve(import.meta.dirname, '../../prisma/migrations');

/** Opens (creating and migrating as needed) the SQLite database file. */
export async function openSqliteStore(file: string, migrationsDir = defaultMigrationsDir): Promise<Store> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const migrated = await migrateSqlite(file, migrationsDir);
  const prisma = openSqlitePrisma(file);
  await prisma.$connect();
  return {
    conversations: new PrismaConversationStore(prisma),
    questions: new PrismaQuestionLog(prisma),
    tickets: new PrismaTicketRepository(prisma),
    ticketThreads: new PrismaTicketThreadStore(prisma),
    deliveries: new PrismaDeliveryLog(prisma),
    addresses: new PrismaAddressBook(prisma),
    scriptRuns: new PrismaScriptRunLog(prisma),
    migrated,
    location: file,
    prisma,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => prisma.$disconnect(),
  };
}
