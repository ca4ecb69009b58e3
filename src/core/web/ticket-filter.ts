import type { SlaPolicy } from '../tickets/sla-policy.js';
import type { TicketSearch } from '../tickets/ticket-repository.js';
import { openStatuses } from '../tickets/ticket-state-machine.js';
import {
  priorities,
  ticketStatuses,
  tiers,
  type Priority,
  type Ticket,
  type TicketStatus,
  type Tier,
} from '../tickets/ticket.js';

/** A queue filter, parsed: every field optional; `assignee` '-' means nobody. */
export interface TicketQuery {
  tier?: Tier;
  status?: TicketStatus;
  priority?: Priority;
  category?: string;
  channel?: string;
  assignee?: string;
  breaching?: boolean;
  /** Words that must all appear in the subject or the description (any case). */
  search?: string;
}

export const QUERY_FIELDS = [
  'tier',
  'status',
  'priority',
  'category',
  'channel',
  'assignee',
  'breaching',
  'q',
] as const;

/** Reads a filter from untrusted strings: unknown values are refused with a sentence, never passed on. */
export function parseTicketQuery(
  raw: Partial<Record<(typeof QUERY_FIELDS)[number], string>>,
): { ok: true; query: TicketQuery } | { ok: false; error: string } {
  const query: TicketQuery = {};
  const pick = <T extends string>(
    name: string,
    value: string | undefined,
    allowed: readonly T[],
  ): T | undefined | Error => {
    if (!value) return undefined;
    const found = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    return found ?? new Error(`${name}: one of ${allowed.join(', ')}`);
  };
  const tier = pick('tier', raw.tier, tiers);
  const status = pick('status', raw.status, ticketStatuses);
  const priority = pick('priority', raw.priority, priorities);
  for (const value of [tier, status, priority]) if (value instanceof Error) return { ok: false, error: value.message };
  if (tier) query.tier = tier as Tier;
  if (status) query.status = status as TicketStatus;
  if (priority) query.priority = priority as Priority;
  for (const name of ['category', 'channel', 'assignee'] as const) {
    const value = raw[name]?.trim();
    if (!value) continue;
    if (value.length > 100) return { ok: false, error: `${name}: at most 100 characters` };
    query[name] = value;
  }
  if (raw.breaching) {
    if (!/^(1|true|yes|on)$/i.test(raw.breaching)) return { ok: false, error: 'breaching: 1 or nothing' };
    query.breaching = true;
  }
  const search = raw.q?.trim();
  if (search) {
    if (search.length > 200) return { ok: false, error: 'q: at most 200 characters' };
    query.search = search;
  }
  return { ok: true, query };
}

/**
 * The filter as the store's search (the database filters and pages): status (else every open
 * one), tier, priority, category, channel and assignee (id or name; '-' nobody) as given, every
 * search word in the subject or the description. "Breaching" needs a read first: see
 * queueSearch and breachingSearch.
 */
export function searchOf(query: TicketQuery): TicketSearch {
  const search: TicketSearch = { statuses: query.status ? [query.status] : openStatuses };
  if (query.tier) search.tier = query.tier;
  if (query.priority) search.priority = query.priority;
  if (query.category) search.category = query.category;
  if (query.channel) search.channel = query.channel.toLowerCase();
  if (query.assignee) search.assignee = query.assignee === '-' ? null : query.assignee;
  const words = query.search?.split(/\s+/).filter(Boolean) ?? [];
  if (words.length) search.words = words;
  return search;
}

/** How the store reads tickets (TicketRepository.search). */
export type ReadTickets = (search: TicketSearch, limit: number) => Promise<Ticket[]>;

/** The queue's filter as the store's search, "breaching" included (breachingSearch). */
export async function queueSearch(
  query: TicketQuery,
  sla: SlaPolicy,
  now: Date,
  read: ReadTickets,
): Promise<TicketSearch> {
  const search = searchOf(query);
  return query.breaching ? (await breachingSearch(search, sla, now, read)).search : search;
}

/** Tickets read at a time from the "breaching soon" window. */
const SOON_BATCH = 1000;

/**
 * `search` narrowed to the SLA policy's "breaching" (isBreaching), exactly, for the store to filter,
 * count and page. Past due is a comparison the database makes (next due time before `now`). Due
 * soon depends on each ticket's own target (the window is the last quarter of it when that is
 * shorter than soonMinutes), so the tickets due from now to now + soonMinutes are read (a batch
 * at a time) and the policy keeps those it calls soon: the search names them by key, and `soon`
 * holds them. What is read grows with the tickets falling due within soonMinutes, not with the backlog.
 */
export async function breachingSearch(
  search: TicketSearch,
  sla: SlaPolicy,
  now: Date,
  read: ReadTickets,
): Promise<{ search: TicketSearch; soon: Ticket[] }> {
  // The window is read whole, whatever page `search` asks for.
  const { after: _after, orderBy: _orderBy, ...filters } = search;
  const window: TicketSearch = {
    ...filters,
    nextDueFrom: now,
    nextDueBefore: new Date(now.getTime() + sla.soonMinutes * 60_000 + 1),
  };
  const soon: Ticket[] = [];
  let after: TicketSearch['after'];
  for (;;) {
    const batch = await read({ ...window, ...(after ? { after } : {}) }, SOON_BATCH);
    for (const ticket of batch) if (isBreaching(ticket, sla, now)) soon.push(ticket);
    const last = batch.at(-1);
    if (batch.length < SOON_BATCH || !last) break;
    after = { createdAt: last.createdAt, key: last.key };
  }
  return { search: { ...search, breaching: { dueBefore: now, keys: soon.map((t) => t.key) } }, soon };
}

/** Breached or about to be: what the queue's "breaching" filter keeps. */
export function isBreaching(ticket: Ticket, sla: SlaPolicy, now: Date): boolean {
  const state = sla.state(ticket, now);
  return state === 'soon' || state === 'breached';
}
