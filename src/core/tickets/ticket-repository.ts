import type { Ticket, TicketEvent, TicketStatus } from './ticket.js';

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
