import type { CoreStore } from '../core-ports.js';
import { MemoryAlertGroups } from './memory-alert-groups.js';
import { MemoryConversationStore } from './memory-conversation-store.js';
import { MemoryLearnedPhrasings } from './memory-learned-phrasings.js';
import { MemoryPostLog } from './memory-post-log.js';
import { MemoryQuestionLog } from './memory-question-log.js';
import { MemoryScriptRunLog } from './memory-script-run-log.js';
import { MemoryTicketRepository } from './memory-ticket-repository.js';
import { MemoryAddressBook, MemoryTicketThreadStore } from './memory-ticket-threads.js';
import { MemoryTimerClaims } from './memory-timer-claims.js';
import { MemoryWebSignIns } from './memory-web-sign-ins.js';
import { MemoryWorkQueueStore } from './memory-work-queue-store.js';
import { Outage, systemClock, type Clock } from './outage.js';

/**
 * Every core port in memory: what openStore gives the app, without a database, for core tests.
 * The twins hold the guarantees the core relies on (test/store/port-contracts.test.ts runs the same
 * cases on them and on the Prisma stores). One MemoryStore kept across two apps is a restart.
 */
export class MemoryStore implements CoreStore {
  readonly location = 'memory';
  private readonly outage = new Outage();
  readonly conversations: MemoryConversationStore;
  readonly questions: MemoryQuestionLog;
  readonly tickets: MemoryTicketRepository;
  readonly ticketThreads: MemoryTicketThreadStore;
  readonly addresses: MemoryAddressBook;
  readonly scriptRuns: MemoryScriptRunLog;
  readonly learned = new MemoryLearnedPhrasings();
  readonly queue = new MemoryWorkQueueStore();
  readonly timerClaims: MemoryTimerClaims;
  readonly alertGroups: MemoryAlertGroups;
  readonly webSignIns: MemoryWebSignIns;
  readonly postLog: MemoryPostLog;

  /** `now` stamps what the database would stamp with now() (a question's, a ticket's creation). */
  constructor(options: { now?: Clock } = {}) {
    const now = options.now ?? systemClock;
    this.questions = new MemoryQuestionLog(this.outage, now);
    this.conversations = new MemoryConversationStore(this.outage, this.questions);
    this.tickets = new MemoryTicketRepository(this.outage, now);
    this.ticketThreads = new MemoryTicketThreadStore(this.outage);
    this.addresses = new MemoryAddressBook(this.outage);
    this.scriptRuns = new MemoryScriptRunLog(this.outage);
    this.timerClaims = new MemoryTimerClaims(this.outage);
    this.alertGroups = new MemoryAlertGroups(this.outage);
    this.webSignIns = new MemoryWebSignIns(this.outage);
    this.postLog = new MemoryPostLog(this.outage);
  }

  /** While down, every port fails as on a database that is away (the queue has its own switch). */
  get down(): boolean {
    return this.outage.down;
  }
  set down(down: boolean) {
    this.outage.down = down;
    this.queue.down = down;
  }

  async close(): Promise<void> {}
}
