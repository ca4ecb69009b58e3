import {
  byNextDue,
  ticketMatches,
  type NewTicket,
  type NewTicketEvent,
  type TicketFilter,
  type TicketPatch,
  type TicketRepository,
  type TicketSearch,
} from '../../core/tickets/ticket-repository.js';
import { openStatuses } from '../../core/tickets/ticket-state-machine.js';
import type { Ticket, TicketEvent } from '../../core/tickets/ticket.js';
import { Outage, UniqueViolation, systemClock, throughJson, type Clock } from './outage.js';

type TicketRow = Ticket & { origin: string | null };

/**
 * Tickets and their events in memory, with PrismaTicketRepository's guarantees: a counter that
 * never gives a number twice, unique id, key and origin (the same delivery's second ticket is the
 * first one), a compare-and-set on the version, events in order. For core tests.
 */
export class MemoryTicketRepository implements TicketRepository {
  private readonly tickets: TicketRow[] = [];
  private readonly eventRows: TicketEvent[] = [];
  private counter = 0;

  constructor(
    private readonly outage = new Outage(),
    private readonly now: Clock = systemClock,
  ) {}

  async nextNumber(): Promise<number> {
    this.outage.check();
    this.counter += 1;
    return this.counter;
  }

  async create(ticket: NewTicket, event: NewTicketEvent): Promise<Ticket> {
    this.outage.check();
    const origin = ticket.origin ?? null;
    if (origin !== null) {
      // Two handlings of the same delivery: the first one's ticket is the ticket.
      const existing = this.tickets.find((t) => t.origin === origin);
      if (existing) return copy(existing);
    }
    if (this.tickets.some((t) => t.id === ticket.id)) throw new UniqueViolation('Ticket.id');
    if (this.tickets.some((t) => t.key === ticket.key)) throw new UniqueViolation('Ticket.key');
    const at = this.now();
    const row: TicketRow = {
      ...copy({
        id: ticket.id,
        key: ticket.key,
        subject: ticket.subject,
        description: ticket.description,
        question: ticket.question ?? null,
        transcript: ticket.transcript,
        collected: ticket.collected,
        priority: ticket.priority,
        tier: ticket.tier,
        category: ticket.category,
        status: ticket.status,
        channel: ticket.channel,
        conversationKey: ticket.conversationKey ?? null,
        requesterId: ticket.requesterId,
        requesterName: ticket.requesterName ?? null,
        assigneeId: null,
        assigneeName: null,
        version: 0,
        createdAt: at,
        updatedAt: at,
        firstResponseAt: null,
        resolvedAt: null,
        closedAt: null,
        responseDueAt: ticket.responseDueAt ?? null,
        resolveDueAt: ticket.resolveDueAt ?? null,
        satisfaction: null,
        statusChangedAt: ticket.statusChangedAt ?? null,
        vendorName: null,
        vendorCaseRef: null,
        vendorContact: null,
        language: ticket.language ?? null,
      }),
      origin,
    };
    this.tickets.push(row);
    this.addEvent(row.id, event);
    return copy(row);
  }

  async findByKey(key: string): Promise<Ticket | null> {
    return this.findOne((t) => t.key === key);
  }

  async findById(id: string): Promise<Ticket | null> {
    return this.findOne((t) => t.id === id);
  }

  async findByOrigin(origin: string): Promise<Ticket | null> {
    return this.findOne((t) => t.origin === origin);
  }

  async update(id: string, expectedVersion: number, patch: TicketPatch, event: NewTicketEvent): Promise<Ticket | null> {
    this.outage.check();
    // Compare-and-set on the version: of two changes based on the same version, one applies.
    const row = this.tickets.find((t) => t.id === id && t.version === expectedVersion);
    if (!row) return null;
    for (const [field, value] of Object.entries(patch)) {
      // As Prisma: a field set to undefined is left alone.
      if (value !== undefined)
        (row as unknown as Record<string, unknown>)[field] = value instanceof Date ? new Date(value) : value;
    }
    row.version += 1;
    row.updatedAt = this.now();
    this.addEvent(id, event);
    return copy(row);
  }

  async list(filter: TicketFilter): Promise<Ticket[]> {
    this.outage.check();
    const newestFirst = Boolean(filter.requesterId);
    return this.tickets
      .filter(
        (t) =>
          (!filter.statuses || filter.statuses.includes(t.status)) &&
          (!filter.requesterId || t.requesterId === filter.requesterId) &&
          (!filter.assigneeId || t.assigneeId === filter.assigneeId),
      )
      .sort((a, b) => (newestFirst ? -1 : 1) * (a.createdAt.getTime() - b.createdAt.getTime() || compare(a.key, b.key)))
      .slice(0, filter.limit ?? 50)
      .map(copy);
  }

  async search(search: TicketSearch, limit: number): Promise<Ticket[]> {
    this.outage.check();
    return this.tickets
      .filter((t) => ticketMatches(t, search))
      .sort(
        search.orderBy === 'nextDue'
          ? byNextDue
          : (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.key, b.key),
      )
      .slice(0, limit)
      .map(copy);
  }

  async countMatching(search: TicketSearch): Promise<number> {
    this.outage.check();
    const { after: _after, ...all } = search;
    return this.tickets.filter((t) => ticketMatches(t, all)).length;
  }

  async settled(limit: number): Promise<Ticket[]> {
    this.outage.check();
    return this.tickets
      .filter((t) => t.status === 'resolved' || t.status === 'closed')
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || compare(b.key, a.key))
      .slice(0, limit)
      .map(copy);
  }

  async events(ticketId: string): Promise<TicketEvent[]> {
    this.outage.check();
    return this.eventRows.filter((e) => e.ticketId === ticketId).map(copyEvent);
  }

  async eventByOrigin(ticketId: string, origin: string): Promise<TicketEvent | null> {
    this.outage.check();
    const found = this.eventRows.find((e) => e.ticketId === ticketId && e.detail.origin === origin);
    return found ? copyEvent(found) : null;
  }

  async timerCandidates(query: {
    dueBefore: Date;
    changedBefore: Date;
    offset: number;
    limit: number;
  }): Promise<Ticket[]> {
    this.outage.check();
    const by = (date: Date | null, limit: Date) => date !== null && date.getTime() <= limit.getTime();
    return this.tickets
      .filter((t) => openStatuses.includes(t.status))
      .filter(
        (t) =>
          by(t.responseDueAt, query.dueBefore) ||
          by(t.resolveDueAt, query.dueBefore) ||
          t.statusChangedAt === null ||
          by(t.statusChangedAt, query.changedBefore),
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id))
      .slice(query.offset, query.offset + query.limit)
      .map(copy);
  }

  /** Every ticket and event, oldest first (what a report reads from the tables). */
  all(): { tickets: Ticket[]; events: TicketEvent[] } {
    return { tickets: this.tickets.map(copy), events: this.eventRows.map(copyEvent) };
  }

  /** How many tickets there are (a test's count of the Ticket table). */
  count(): number {
    return this.tickets.length;
  }

  private async findOne(match: (ticket: TicketRow) => boolean): Promise<Ticket | null> {
    this.outage.check();
    const row = this.tickets.find(match);
    return row ? copy(row) : null;
  }

  private addEvent(ticketId: string, event: NewTicketEvent): void {
    this.eventRows.push({
      id: this.eventRows.length + 1,
      ticketId,
      actorId: event.actorId,
      actorName: event.actorName ?? null,
      type: event.type,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      detail: throughJson(event.detail),
      createdAt: this.now(),
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ticketDates = [
  'createdAt',
  'updatedAt',
  'firstResponseAt',
  'resolvedAt',
  'closedAt',
  'responseDueAt',
  'resolveDueAt',
  'statusChangedAt',
] as const;

/** A copy the caller may change: the JSON columns through JSON, the dates as new Date objects. */
function copy<T extends Ticket>(ticket: T): T {
  const result = { ...ticket, transcript: throughJson(ticket.transcript), collected: throughJson(ticket.collected) };
  for (const field of ticketDates) {
    const value = ticket[field];
    (result as unknown as Record<string, unknown>)[field] = value ? new Date(value) : value;
  }
  return result;
}

function copyEvent(event: TicketEvent): TicketEvent {
  return { ...event, detail: throughJson(event.detail), createdAt: new Date(event.createdAt) };
}
