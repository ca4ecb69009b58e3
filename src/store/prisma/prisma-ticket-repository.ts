import {
  byNextDue,
  type NewTicket,
  type NewTicketEvent,
  type TicketFilter,
  type TicketPatch,
  type TicketRepository,
  type TicketSearch,
} from '../../core/tickets/ticket-repository.js';
import { openStatuses } from '../../core/tickets/ticket-state-machine.js';
import type { Priority, Ticket, TicketEvent, TicketStatus, Tier, TranscriptLine } from '../../core/tickets/ticket.js';
import type { PrismaClient } from './open-prisma.js';
import type { Ticket as TicketRow, TicketEvent as TicketEventRow } from './generated/client.js';
import { parseJson } from './json-column.js';

const TICKET_COUNTER = 'ticket';

/** Tickets and their audit events in the database. */
export class PrismaTicketRepository implements TicketRepository {
  /** `dialect`: PostgreSQL compares text with case unless told otherwise; SQLite's LIKE ignores the case of ASCII letters. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly dialect: 'sqlite' | 'postgres' = 'sqlite',
  ) {}

  async nextNumber(): Promise<number> {
    // An upsert with an atomic increment: concurrent callers each get their own number.
    const counter = await this.prisma.counter.upsert({
      where: { name: TICKET_COUNTER },
      create: { name: TICKET_COUNTER, value: 1 },
      update: { value: { increment: 1 } },
    });
    return counter.value;
  }

  async create(ticket: NewTicket, event: NewTicketEvent): Promise<Ticket> {
    try {
      const row = await this.prisma.ticket.create({
        data: {
          ...ticket,
          transcript: JSON.stringify(ticket.transcript),
          collected: JSON.stringify(ticket.collected),
          events: { create: eventData(event) },
        },
      });
      return toTicket(row);
    } catch (error) {
      // Two processes handling the same delivery at once: the first one's ticket is the ticket.
      const existing =
        ticket.origin && (error as { code?: string }).code === 'P2002' ? await this.findByOrigin(ticket.origin) : null;
      if (existing) return existing;
      throw error;
    }
  }

  async findByKey(key: string): Promise<Ticket | null> {
    const row = await this.prisma.ticket.findUnique({ where: { key } });
    return row ? toTicket(row) : null;
  }

  async findByOrigin(origin: string): Promise<Ticket | null> {
    const row = await this.prisma.ticket.findUnique({ where: { origin } });
    return row ? toTicket(row) : null;
  }

  async findById(id: string): Promise<Ticket | null> {
    const row = await this.prisma.ticket.findUnique({ where: { id } });
    return row ? toTicket(row) : null;
  }

  async update(id: string, expectedVersion: number, patch: TicketPatch, event: NewTicketEvent): Promise<Ticket | null> {
    return this.prisma.$transaction(async (tx) => {
      // Compare-and-set on the version: of two engineers clicking at once, exactly one matches.
      const { count } = await tx.ticket.updateMany({
        where: { id, version: expectedVersion },
        data: { ...patch, version: { increment: 1 } },
      });
      if (count === 0) return null;
      await tx.ticketEvent.create({ data: { ticketId: id, ...eventData(event) } });
      const row = await tx.ticket.findUniqueOrThrow({ where: { id } });
      return toTicket(row);
    });
  }

  async list(filter: TicketFilter): Promise<Ticket[]> {
    const rows = await this.prisma.ticket.findMany({
      where: {
        ...(filter.statuses ? { status: { in: [...filter.statuses] } } : {}),
        ...(filter.requesterId ? { requesterId: filter.requesterId } : {}),
        ...(filter.assigneeId ? { assigneeId: filter.assigneeId } : {}),
      },
      // Tickets opened in the same millisecond come back in key order: PostgreSQL, unlike SQLite's
      // rowid order, gives ties in no particular order from one query to the next.
      orderBy: filter.requesterId ? [{ createdAt: 'desc' }, { key: 'desc' }] : [{ createdAt: 'asc' }, { key: 'asc' }],
      take: filter.limit ?? 50,
    });
    return rows.map(toTicket);
  }

  async search(search: TicketSearch, limit: number): Promise<Ticket[]> {
    const slices = keySlices(search);
    if (!slices) return this.searchOne(search, limit, false);
    // The first `limit` of the whole are among the first `limit` past due and the first `limit`
    // named in each slice. The past-due ones are read once: a slice matching them too would read
    // them again for every slice (an export of 20,000 rows, 80 times at 40,000 keys).
    const found = new Map<string, Ticket>();
    const pastDue = { ...search, breaching: { ...search.breaching!, keys: [] } };
    for (const ticket of await this.searchOne(pastDue, limit, false)) found.set(ticket.key, ticket);
    for (const slice of slices)
      for (const ticket of await this.searchOne(slice, limit, true)) found.set(ticket.key, ticket);
    return [...found.values()].sort(search.orderBy === 'nextDue' ? byNextDue : byCreated).slice(0, limit);
  }

  /** One query's search; `namedOnly`: of the breaching ones, only those named in its keys. */
  private async searchOne(search: TicketSearch, limit: number, namedOnly: boolean): Promise<Ticket[]> {
    if (search.orderBy === 'nextDue') return this.byNextDue(search, limit, namedOnly);
    const rows = await this.prisma.ticket.findMany({
      where: this.searchWhere(search, true, namedOnly),
      orderBy: [{ createdAt: 'asc' }, { key: 'asc' }],
      take: limit,
    });
    return rows.map(toTicket);
  }

  /**
   * The first `limit` by next due time. The next due time is one of two columns, by the ticket's
   * state (nextDueOf), which Prisma cannot order by: so each state is read in its column's order,
   * `limit` of each, and the three are merged (a ticket is in exactly one).
   */
  private async byNextDue(search: TicketSearch, limit: number, namedOnly: boolean): Promise<Ticket[]> {
    const where = this.searchWhere(search, false, namedOnly);
    const unsettled = { resolvedAt: null, closedAt: null };
    const read = (state: object, orderBy: object[]) =>
      this.prisma.ticket.findMany({ where: { AND: [where, state] }, orderBy, take: limit });
    const parts = await Promise.all([
      read({ ...unsettled, firstResponseAt: null, responseDueAt: { not: null } }, [
        { responseDueAt: 'asc' },
        { key: 'asc' },
      ]),
      read({ ...unsettled, OR: [{ firstResponseAt: { not: null } }, { responseDueAt: null }] }, [
        { resolveDueAt: { sort: 'asc', nulls: 'last' } },
        { key: 'asc' },
      ]),
      read({ OR: [{ resolvedAt: { not: null } }, { closedAt: { not: null } }] }, [{ key: 'asc' }]),
    ]);
    return parts.flat().map(toTicket).sort(byNextDue).slice(0, limit);
  }

  async countMatching(search: TicketSearch): Promise<number> {
    const slices = keySlices(search);
    if (!slices) return this.prisma.ticket.count({ where: this.searchWhere(search, false) });
    // Past due or named: each slice counts the past-due ones again (the slices' keys are distinct).
    const pastDue = await this.countMatching({ ...search, breaching: { ...search.breaching!, keys: [] } });
    let total = pastDue;
    for (const slice of slices) total += (await this.countMatching(slice)) - pastDue;
    return total;
  }

  /**
   * The search as a where clause (ticketMatches' rules); `paged` adds the keyset condition;
   * `namedOnly` keeps, of the breaching ones, only those its keys name (not the past-due ones).
   */
  private searchWhere(search: TicketSearch, paged: boolean, namedOnly = false) {
    const insensitive = this.dialect === 'postgres' ? ({ mode: 'insensitive' } as const) : {};
    const and: object[] = [{ status: { in: [...search.statuses] } }];
    if (search.tier) and.push({ tier: search.tier });
    if (search.priority) and.push({ priority: search.priority });
    if (search.category !== undefined) and.push({ category: search.category });
    if (search.channel !== undefined) and.push({ channel: search.channel });
    if (search.assignee === null) and.push({ assigneeId: null });
    if (typeof search.assignee === 'string')
      and.push({ OR: [{ assigneeId: search.assignee }, { assigneeName: search.assignee }] });
    for (const word of search.words ?? [])
      and.push({
        OR: [{ subject: { contains: word, ...insensitive } }, { description: { contains: word, ...insensitive } }],
      });
    if (search.nextDueBefore || search.nextDueFrom || search.breaching) {
      and.push({ resolvedAt: null, closedAt: null });
      const range = {
        ...(search.nextDueBefore ? { lt: search.nextDueBefore } : {}),
        ...(search.nextDueFrom ? { gte: search.nextDueFrom } : {}),
      };
      if (search.nextDueBefore || search.nextDueFrom) and.push(nextDueIn(range));
      if (search.breaching) {
        const { dueBefore, keys } = search.breaching;
        if (namedOnly) and.push({ key: { in: [...keys] } });
        else and.push({ OR: [nextDueIn({ lt: dueBefore }), ...(keys.length ? [{ key: { in: [...keys] } }] : [])] });
      }
    }
    if (search.createdAfter) and.push({ createdAt: { gt: search.createdAfter } });
    if (search.createdUntil) and.push({ createdAt: { lte: search.createdUntil } });
    if (paged && search.after) {
      const { createdAt, key } = search.after;
      and.push({ OR: [{ createdAt: { gt: createdAt } }, { createdAt, key: { gt: key } }] });
    }
    return { AND: and };
  }

  async settled(limit: number): Promise<Ticket[]> {
    const rows = await this.prisma.ticket.findMany({
      where: { status: { in: ['resolved', 'closed'] } },
      orderBy: [{ updatedAt: 'desc' }, { key: 'desc' }],
      take: limit,
    });
    return rows.map(toTicket);
  }

  async timerCandidates(query: {
    dueBefore: Date;
    changedBefore: Date;
    offset: number;
    limit: number;
  }): Promise<Ticket[]> {
    const rows = await this.prisma.ticket.findMany({
      where: {
        status: { in: [...openStatuses] },
        OR: [
          { responseDueAt: { lte: query.dueBefore } },
          { resolveDueAt: { lte: query.dueBefore } },
          { statusChangedAt: { lte: query.changedBefore } },
          { statusChangedAt: null },
        ],
      },
      // A stable order, so paging does not skip or repeat tickets.
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      skip: query.offset,
      take: query.limit,
    });
    return rows.map(toTicket);
  }

  async events(ticketId: string): Promise<TicketEvent[]> {
    const rows = await this.prisma.ticketEvent.findMany({ where: { ticketId }, orderBy: { id: 'asc' } });
    return rows.map(toEvent);
  }

  async eventByOrigin(ticketId: string, origin: string): Promise<TicketEvent | null> {
    const row = await this.prisma.ticketEvent.findFirst({ where: { ticketId, origin }, orderBy: { id: 'asc' } });
    return row ? toEvent(row) : null;
  }
}

/**
 * Breaching keys one query names at most. Prisma refuses a statement binding more than 999 values
 * on SQLite (its own cap: the adapter does not say that SQLite allows 32,766) and 32,766 on
 * PostgreSQL; the rest of a search binds a few dozen. "Due soon" names its tickets by key
 * (breachingSearch): without slices, a thousand tickets falling due within the window would make
 * the queue's breaching filter and the report fail on SQLite.
 */
const KEYS_PER_QUERY = 500;

/** The search once per slice of its breaching keys (distinct), or null when one query holds them. */
function keySlices(search: TicketSearch): TicketSearch[] | null {
  const breaching = search.breaching;
  if (!breaching || breaching.keys.length <= KEYS_PER_QUERY) return null;
  const keys = [...new Set(breaching.keys)];
  const slices: TicketSearch[] = [];
  for (let at = 0; at < keys.length; at += KEYS_PER_QUERY)
    slices.push({ ...search, breaching: { ...breaching, keys: keys.slice(at, at + KEYS_PER_QUERY) } });
  return slices;
}

/** The search's default order: (createdAt, key). */
function byCreated(a: Ticket, b: Ticket): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Unsettled tickets whose next due time (nextDueOf: the response's until someone responded, then the resolution's) is in `range`. */
function nextDueIn(range: { lt?: Date; gte?: Date }) {
  return {
    OR: [
      { firstResponseAt: null, responseDueAt: range },
      { firstResponseAt: null, responseDueAt: null, resolveDueAt: range },
      { firstResponseAt: { not: null }, resolveDueAt: range },
    ],
  };
}

function eventData(event: NewTicketEvent) {
  const origin = event.detail.origin;
  return { ...event, detail: JSON.stringify(event.detail), origin: typeof origin === 'string' ? origin : null };
}

function toTicket(row: TicketRow): Ticket {
  return {
    ...row,
    priority: row.priority as Priority,
    tier: row.tier as Tier,
    status: row.status as TicketStatus,
    transcript: parseJson<TranscriptLine[]>(row.transcript, []),
    collected: parseJson<Record<string, unknown>>(row.collected, {}),
  };
}

function toEvent({ origin: _origin, ...row }: TicketEventRow): TicketEvent {
  return {
    ...row,
    type: row.type as TicketEvent['type'],
    fromStatus: row.fromStatus as TicketStatus | null,
    toStatus: row.toStatus as TicketStatus | null,
    detail: parseJson<Record<string, unknown>>(row.detail, {}),
  };
}
