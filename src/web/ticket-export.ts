import type { SlaPolicy } from '../core/tickets/sla-policy.js';
import type { Ticket } from '../core/tickets/ticket.js';

/**
 * The exported fields, in column order. The header row, the values (status "claimed", SLA state
 * "breached") and the ISO instants in UTC stay the same whatever the reader's language: an export
 * is read by spreadsheets and scripts, which would break if a German reader's file said "Betreff"
 * and "übernommen" where an English reader's says "subject" and "claimed".
 */
const COLUMNS = [
  'key',
  'subject',
  'status',
  'priority',
  'tier',
  'category',
  'channel',
  'requesterId',
  'requesterName',
  'assigneeId',
  'assigneeName',
  'createdAt',
  'updatedAt',
  'firstResponseAt',
  'resolvedAt',
  'responseDueAt',
  'resolveDueAt',
  'sla',
  'satisfaction',
] as const;

type ExportRow = Record<(typeof COLUMNS)[number], string | number | null>;

function rowOf(ticket: Ticket, sla: SlaPolicy, now: Date): ExportRow {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    key: ticket.key,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    tier: ticket.tier,
    category: ticket.category,
    channel: ticket.channel,
    requesterId: ticket.requesterId,
    requesterName: ticket.requesterName,
    assigneeId: ticket.assigneeId,
    assigneeName: ticket.assigneeName,
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
    firstResponseAt: iso(ticket.firstResponseAt),
    resolvedAt: iso(ticket.resolvedAt),
    responseDueAt: iso(ticket.responseDueAt),
    resolveDueAt: iso(ticket.resolveDueAt),
    sla: sla.state(ticket, now),
    satisfaction: ticket.satisfaction,
  };
}

/**
 * One CSV cell. A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return, which
 * some strip first) as a formula: such cells get a leading apostrophe, so they are read as text.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Tickets as CSV (RFC 4180: CRLF line ends, a header row). */
export function ticketsCsv(tickets: readonly Ticket[], sla: SlaPolicy, now: Date): string {
  const lines = [COLUMNS.join(',')];
  for (const ticket of tickets) {
    const row = rowOf(ticket, sla, now);
    lines.push(COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Tickets as JSON rows, the same fields as the CSV. */
export function ticketsJson(tickets: readonly Ticket[], sla: SlaPolicy, now: Date): ExportRow[] {
  return tickets.map((ticket) => rowOf(ticket, sla, now));
}
