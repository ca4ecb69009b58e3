import type { AlertGroupStore } from '../core/alerts/alert.js';
import type { PostLog } from '../core/analytics/post-log.js';
import type { QuestionLog } from '../core/analytics/question-log.js';
import type { ConversationStore } from '../core/conversation/conversation-store.js';
import type { WorkQueueStore } from '../core/delivery/work-queue.js';
import type { TimerClaims } from '../core/escalation/sla-timers.js';
import type { LearnedPhrasings } from '../core/knowledge/learned-phrasings.js';
import type { ScriptRunLog } from '../core/scripts/script-run-log.js';
import type { TicketRepository } from '../core/tickets/ticket-repository.js';
import type { AddressBook } from '../core/conversation/address-book.js';
import type { TicketThreadStore } from '../core/tickets/ticket-thread-store.js';
import type { WebSignInStore } from '../core/web/web-access.js';

/**
 * The core's persistence ports, as one set: on a database (Store, open-store.ts) or in memory
 * (MemoryStore, memory/memory-store.ts, for core tests). test/store/port-contracts.test.ts runs the
 * same cases against both.
 */
export interface CorePorts {
  conversations: ConversationStore;
  questions: QuestionLog;
  tickets: TicketRepository;
  ticketThreads: TicketThreadStore;
  addresses: AddressBook;
  scriptRuns: ScriptRunLog;
  /** Questions askers confirmed, as phrasings the engine may learn. */
  learned: LearnedPhrasings;
  /** The durable inbox and outbox. */
  queue: WorkQueueStore;
  /** Who fires each SLA timer, shared by every process on the database. */
  timerClaims: TimerClaims;
  /** Monitoring alert groups and the tickets they opened. */
  alertGroups: AlertGroupStore;
  /** The web view's one-time sign-in links and sessions. */
  webSignIns: WebSignInStore;
  /** When the periodic posts (the weekly content gaps) last went out. */
  postLog: PostLog;
}

/** The ports and what the app's wiring needs besides: a name for logs and a close. */
export interface CoreStore extends CorePorts {
  /** The file, or the PostgreSQL URL without its password, for logs. */
  location: string;
  close(): Promise<void>;
}
