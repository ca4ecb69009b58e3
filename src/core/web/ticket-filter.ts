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
 * search word in the subject or the description. "Breaching" is the SLA policy's word (breached,
 * or due within its "soon" window, which is never longer than soonMinutes): the store narrows to
 * tickets due before now + soonMinutes, and isBreaching decides.
 */
export function searchOf(query: TicketQuery, sla: SlaPolicy, now: Date): TicketSearch {
  const search: TicketSearch = { statuses: query.status ? [query.status] : openStatuses };
  if (query.tier) search.tier = query.tier;
  if (query.priority) search.priority = query.priority;
  if (query.category) search.category = query.category;
  if (query.channel) search.channel = query.channel.toLowerCase();
  if (query.assignee) search.assignee = query.assignee === '-' ? null : query.assignee;
  const words = query.search?.split(/\s+/).filter(Boolean) ?? [];
  if (words.length) search.words = words;
  if (query.breaching) search.nextDueBefore = new Date(now.getTime() + sla.soonMinutes * 60_000 + 1);
  return search;
}

/** Breached or about to be: what the queue's "breaching" filter keeps. */
export function isBreaching(ticket: Ticket, sla: SlaPolicy, now: Date): boolean {
  const state = sla.state(ticket, now);
  return state === 'soon' || state === 'breached';
}
