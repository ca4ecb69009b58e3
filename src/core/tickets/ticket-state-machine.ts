import type { TicketStatus } from './ticket.js';

/** What can be done to a ticket's status. */
/** `assign` is a claim made on someone else's behalf: the ticket is claimed, by them. */
export type TicketCommand = 'claim' | 'assign' | 'escalate' | 'wait' | 'resume' | 'resolve' | 'close' | 'reopen';

const transitions: Record<TicketStatus, Partial<Record<TicketCommand, TicketStatus>>> = {
  new: { claim: 'claimed', assign: 'claimed', escalate: 'escalated', resolve: 'resolved', close: 'closed' },
  claimed: { escalate: 'escalated', wait: 'waiting', resolve: 'resolved', close: 'closed' },
  escalated: { claim: 'claimed', assign: 'claimed', escalate: 'escalated', resolve: 'resolved', close: 'closed' },
  waiting: { resume: 'claimed', escalate: 'escalated', resolve: 'resolved', close: 'closed' },
  resolved: { reopen: 'reopened', close: 'closed' },
  closed: {},
  reopened: { claim: 'claimed', assign: 'claimed', escalate: 'escalated', resolve: 'resolved', close: 'closed' },
};

const hints: Partial<Record<TicketStatus, string>> = {
  resolved: 'Reopen it first if the problem is back.',
  closed: 'Closed tickets are final: open a new ticket and mention this one.',
  waiting: 'It is waiting for the requester.',
};

const verbs: Record<TicketCommand, string> = {
  claim: 'claim',
  assign: 'assign',
  escalate: 'escalate',
  wait: 'set to waiting',
  resume: 'resume',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
};

export type TransitionResult = { ok: true; to: TicketStatus } | { ok: false; reason: string };

/** The ticket lifecycle as a table; anything not in it is refused with a reason a person can act on. */
export function transition(key: string, from: TicketStatus, command: TicketCommand): TransitionResult {
  const to = transitions[from][command];
  if (to) return { ok: true, to };
  const hint = hints[from] ?? '';
  return { ok: false, reason: `Cannot ${verbs[command]} ${key}: it is ${from}.${hint ? ` ${hint}` : ''}` };
}

/** Commands allowed from a status (for rendering only the buttons that can work). */
export function allowedCommands(from: TicketStatus): TicketCommand[] {
  return Object.keys(transitions[from]) as TicketCommand[];
}

/** Statuses in which a ticket still needs someone's attention. */
export const openStatuses: readonly TicketStatus[] = ['new', 'claimed', 'escalated', 'waiting', 'reopened'];
