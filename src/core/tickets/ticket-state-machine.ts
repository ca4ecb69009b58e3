import { messagesFor, sayWording, wording, type Wording } from '../messages/catalogue.js';
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

/** What to do instead, said after the refusal, for the statuses where there is something to say. */
const hints: Partial<Record<TicketStatus, Wording>> = {
  resolved: wording('refused.hint.resolved'),
  closed: wording('refused.hint.closed'),
  waiting: wording('refused.hint.waiting'),
};

/** `reason`: the refusal in English (for logs and tests); ticket-service words it for the person told (refusalOf). */
export type TransitionResult = { ok: true; to: TicketStatus } | { ok: false; reason: string };

/** The ticket lifecycle as a table; anything not in it is refused with a reason a person can act on. */
export function transition(key: string, from: TicketStatus, command: TicketCommand): TransitionResult {
  const to = transitions[from][command];
  if (to) return { ok: true, to };
  return { ok: false, reason: sayWording(messagesFor('en'), refusalOf(key, from, command)) };
}

/** Why a command is refused in a status, and what to do instead: a catalogue text, worded for whoever is told. */
export function refusalOf(key: string, from: TicketStatus, command: TicketCommand): Wording {
  const reason = wording(`refused.cannot.${command}`, { key, status: wording(`ticket.status.${from}`) });
  const hint = hints[from];
  return hint ? wording('refused.withHint', { reason, hint }) : reason;
}

/** Commands allowed from a status (for rendering only the buttons that can work). */
export function allowedCommands(from: TicketStatus): TicketCommand[] {
  return Object.keys(transitions[from]) as TicketCommand[];
}

/** Statuses in which a ticket still needs someone's attention. */
export const openStatuses: readonly TicketStatus[] = ['new', 'claimed', 'escalated', 'waiting', 'reopened'];
