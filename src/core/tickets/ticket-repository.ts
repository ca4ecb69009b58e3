import { nextDueOf } from './sla-policy.js';
import type { Priority, Ticket, TicketEvent, TicketStatus, Tier } from './ticket.js';

/** A ticket about to be created (the repository assigns the version and timestamps). */
export type NewTicket = Pick<
  Ticket,
  | 'id'
  | 'key'
  | 'subject'
  | 'description'
  | 'question'
  | 'transcript'
  | 'collected'
  | 'priority'
  | 'tier'
  | 'category'
  | 'status'
  | 'channel'
  | 'conversationKey'
  | 'requesterId'
  | 'requesterName'
  | 'responseDueAt'
  | 'resolveDueAt'
  | 'statusChangedAt'
  | 'language'
> & {
  /** The delivery that opened it, if any: unique, so the same delivery cannot open two tickets. */
  origin?: string | null;
};

/** Fields a change may set. */
export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'status'
    | 'tier'
    | 'priority'
    | 'category'
    | 'assigneeId'
    | 'assigneeName'
    | 'firstResponseAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'satisfaction'
    | 'statusChangedAt'
    | 'responseDueAt'
    | 'resolveDueAt'
    | 'vendorName'
    | 'vendorCaseRef'
    | 'vendorContact'
  >
>;

export type NewTicketEvent = Omit<TicketEvent, 'id' | 'ticketId' | 'createdAt'>;

export interface TicketFilter {
  statuses?: readonly TicketStatus[];
  requesterId?: string;
  assigneeId?: string;
  limit?: number;
}

/**
 * The queue's filter as the store runs it (the web view's queue and exports): every field
 * optional but the statuses; results in (createdAt, key) order. See ticketMatches for the rules.
 */
export interface TicketSearch {
  statuses: readonly TicketStatus[];
  tier?: Tier;
  priority?: Priority;
  category?: string;
  channel?: string;
  /** The assignee's id or name, exactly as stored; null: nobody. */
  assignee?: string | null;
  /** Words that must each appear in the subject or the description, ignoring case (on SQLite, the case of ASCII letters only). */
  words?: readonly string[];
  /** Only unsettled tickets whose next SLA due time (nextDueOf: first response until someone responded, then resolution) is before this. */
  nextDueBefore?: Date;
  /** Only unsettled tickets whose next SLA due time is at or after this. */
  nextDueFrom?: Date;
  /**
   * Only unsettled tickets past due (next due time before `dueBefore`) or named in `keys`: the SLA
   * policy's "breaching" as the store can run it (the core's breachingSearch makes it).
   */
  breaching?: { dueBefore: Date; keys: readonly string[] };
  /** 'nextDue': the next SLA due time first (ties by key; tickets without one last), without `after`. Default: (createdAt, key). */
  orderBy?: 'created' | 'nextDue';
  /** Only tickets opened after this instant (not at it). */
  createdAfter?: Date;
  /** Only tickets opened at or before this instant. */
  createdUntil?: Date;
  /** Keyset paging: only tickets after this one in (createdAt, key) order. */
  after?: { createdAt: Date; key: string };
}

/** Where tickets live. Implementations: PrismaTicketRepository. */
export interface TicketRepository {
  /** The next ticket number, unique even when several processes ask at once. */
  nextNumber(): Promise<number>;
  create(ticket: NewTicket, event: NewTicketEvent): Promise<Ticket>;
  findByKey(key: string): Promise<Ticket | null>;
  findById(id: string): Promise<Ticket | null>;
  /** The ticket a delivery opened, if it opened one. */
  findByOrigin(origin: string): Promise<Ticket | null>;
  /**
   * Applies a change and records its event atomically, only if the ticket is still at
   * `expectedVersion`; returns null when someone else changed it first.
   */
  update(id: string, expectedVersion: number, patch: TicketPatch, event: NewTicketEvent): Promise<Ticket | null>;
  list(filter: TicketFilter): Promise<Ticket[]>;
  /** The first `limit` tickets matching the search, in (createdAt, key) order, filtered by the database. */
  search(search: TicketSearch, limit: number): Promise<Ticket[]>;
  /** How many tickets match the search (its `after` ignored). */
  countMatching(search: TicketSearch): Promise<number>;
  /**
   * Resolved and closed tickets, the most recently changed first, up to `limit`: what triage
   * learns from (their category, priority and tier are the engineers' final word).
   */
  settled(limit: number): Promise<Ticket[]>;
  events(ticketId: string): Promise<TicketEvent[]>;
  /** The ticket's event made for this delivery (its detail.origin), if any: one indexed read, whatever the ticket's history. */
  eventByOrigin(ticketId: string, origin: string): Promise<TicketEvent | null>;
  /**
   * Open tickets on which a timer may be due: a due time before `dueBefore`, or a status
   * unchanged since before `changedBefore` (or never recorded). Oldest first, a page at a time.
   */
  timerCandidates(query: { dueBefore: Date; changedBefore: Date; offset: number; limit: number }): Promise<Ticket[]>;
}

/** TicketSearch's 'nextDue' order: the next SLA due time first (nextDueOf), tickets without one last, ties by key. */
export function byNextDue(a: Ticket, b: Ticket): number {
  const due = (t: Ticket) => nextDueOf(t)?.at.getTime() ?? Infinity;
  return due(a) - due(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Whether a ticket matches a search: the rules every TicketRepository applies (the in-memory one with this). */
export function ticketMatches(ticket: Ticket, search: TicketSearch): boolean {
  if (!search.statuses.includes(ticket.status)) return false;
  if (search.tier && ticket.tier !== search.tier) return false;
  if (search.priority && ticket.priority !== search.priority) return false;
  if (search.category !== undefined && ticket.category !== search.category) return false;
  if (search.channel !== undefined && ticket.channel !== search.channel) return false;
  if (search.assignee === null && ticket.assigneeId !== null) return false;
  if (
    typeof search.assignee === 'string' &&
    ticket.assigneeId !== search.assignee &&
    ticket.assigneeName !== search.assignee
  )
    return false;
  if (search.words?.length) {
    const subject = ticket.subject.toLowerCase();
    const description = ticket.description.toLowerCase();
    if (!search.words.every((w) => subject.includes(w.toLowerCase()) || description.includes(w.toLowerCase())))
      return false;
  }
  if (search.nextDueBefore || search.nextDueFrom || search.breaching) {
    if (ticket.resolvedAt || ticket.closedAt) return false;
    const due = nextDueOf(ticket)?.at;
    if (search.nextDueBefore && !(due && due < search.nextDueBefore)) return false;
    if (search.nextDueFrom && !(due && due >= search.nextDueFrom)) return false;
    const { breaching } = search;
    if (breaching && !(due && due < breaching.dueBefore) && !breaching.keys.includes(ticket.key)) return false;
  }
  if (search.createdAfter && ticket.createdAt <= search.createdAfter) return false;
  if (search.createdUntil && ticket.createdAt > search.createdUntil) return false;
  if (search.after) {
    const { createdAt, key } = search.after;
    if (ticket.createdAt < createdAt || (ticket.createdAt.getTime() === createdAt.getTime() && ticket.key <= key))
      return false;
  }
  return true;
}
