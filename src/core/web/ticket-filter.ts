import type { SlaPolicy } from '../tickets/sla-policy.js';
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

/** The tickets that pass the filter, in the order given. Breaching: the SLA is breached or about to be. */
export function filterTickets(tickets: readonly Ticket[], query: TicketQuery, sla: SlaPolicy, now: Date): Ticket[] {
  const words = query.search?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  const same = (a: string | null, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  return tickets.filter((t) => {
    if (query.tier && t.tier !== query.tier) return false;
    if (query.status && t.status !== query.status) return false;
    if (query.priority && t.priority !== query.priority) return false;
    if (query.category && !same(t.category, query.category)) return false;
    if (query.channel && !same(t.channel, query.channel)) return false;
    if (
      query.assignee === '-'
        ? t.assigneeId !== null
        : query.assignee && !same(t.assigneeId, query.assignee) && !same(t.assigneeName, query.assignee)
    )
      return false;
    if (query.breaching) {
      const state = sla.state(t, now);
      if (state !== 'soon' && state !== 'breached') return false;
    }
    if (words.length) {
      const text = `${t.subject}\n${t.description}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) return false;
    }
    return true;
  });
}
