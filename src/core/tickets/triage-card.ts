import type { Choice } from '../conversation/turn.js';
import { cutText } from '../conversation/user-text.js';
import type { LanguageCode } from '../language/languages.js';
import { messagesFor, type Say } from '../messages/catalogue.js';
import type { SlaPolicy, SlaState } from './sla-policy.js';
import { allowedCommands } from './ticket-state-machine.js';
import type { Ticket } from './ticket.js';

/** Action ids for ticket buttons, in triage cards, requester threads and home views. */
export const ticketActions = {
  claim: 'ticket.claim',
  escalate: 'ticket.escalate',
  resolve: 'ticket.resolve',
  reassign: 'ticket.reassign',
  reopen: 'ticket.reopen',
  comment: 'ticket.comment',
  rate: 'ticket.rate',
  /** Turn a resolved ticket into a draft knowledge-base article. */
  promote: 'ticket.promote',
  /** Record the vendor, case reference and contact of an L4 ticket. */
  vendor: 'ticket.vendor',
  /** Correct the priority (the SLA due times move with it) or the category (routing follows it). */
  priority: 'ticket.priority',
  category: 'ticket.category',
  /** Give an unclaimed ticket to an engineer (claimed on their behalf). */
  assign: 'ticket.assign',
} as const;

/**
 * What a channel must ask for before an action can run: a tier and a reason to escalate, a
 * resolution to resolve, an engineer to reassign to, a text to comment, a reason to reopen,
 * the vendor's name, case reference and contact (escalating to L4 may carry them too), a new
 * priority or category (with an optional reason), an engineer to assign an unclaimed ticket to.
 */
export type ActionInput =
  'escalation' | 'resolution' | 'assignee' | 'comment' | 'reason' | 'vendor' | 'priority' | 'category' | 'assign';

/** The form each ticket action needs before it can run; an action without one runs on the press. */
export const actionInputs: Readonly<Record<string, ActionInput | undefined>> = {
  [ticketActions.escalate]: 'escalation',
  [ticketActions.resolve]: 'resolution',
  [ticketActions.reassign]: 'assignee',
  [ticketActions.reopen]: 'reason',
  [ticketActions.comment]: 'comment',
  [ticketActions.vendor]: 'vendor',
  [ticketActions.assign]: 'assign',
  [ticketActions.priority]: 'priority',
  [ticketActions.category]: 'category',
};

/** A ticket button for `actionId` on `value`, with the form it needs (see actionInputs). */
function ticketButton(label: string, actionId: string, value: string, style?: TicketChoice['style']): TicketChoice {
  const input = actionInputs[actionId];
  return { label, action: { id: actionId, value }, ...(input ? { input } : {}), ...(style ? { style } : {}) };
}

/** A ticket button; `input` says which form the channel shows before acting. */
export interface TicketChoice extends Choice {
  input?: ActionInput;
}

/** Everything a triage card shows, as data: each channel lays it out its own way. */
export interface TriageCard {
  key: string;
  subject: string;
  status: Ticket['status'];
  priority: Ticket['priority'];
  tier: Ticket['tier'];
  category: string;
  requester: { id: string; name: string | null };
  assignee: { id: string; name: string | null } | null;
  /** The ticket's description: the question and what the bot already tried. */
  summary: string;
  /** The next SLA deadline and how it stands. */
  due: { kind: 'response' | 'resolution'; at: Date } | null;
  sla: SlaState;
  satisfaction: number | null;
  /** At the vendor tier: who has the case (fields not yet known are null). */
  vendor: { name: string | null; caseRef: string | null; contact: string | null } | null;
  choices: TicketChoice[];
  /**
   * What triage predicted when the ticket opened (null when it did not), for a line such as
   * "Predicted: hardware 93%, P1 90%, L2 66% (taken: category, priority, tier)" and its reasons.
   */
  prediction: { summary: string; why: string[] } | null;
  /** The language the card is worded in: the engineers' (the deployment's, DEFAULT_LANGUAGE). */
  language: LanguageCode;
}

const CARD_SUMMARY = 1_200;

/**
 * The triage card of a ticket, with only the buttons that can work in its status, worded in
 * `language`: the engineers' (the deployment's, DEFAULT_LANGUAGE), whatever the requester's.
 */
export function triageCard(ticket: Ticket, sla: SlaPolicy, language: LanguageCode, now = new Date()): TriageCard {
  const say = messagesFor(language);
  const allowed = new Set(allowedCommands(ticket.status));
  const value = ticket.key;
  const choices: TicketChoice[] = [];
  if (allowed.has('claim')) choices.push(ticketButton(say('eng.button.claim'), ticketActions.claim, value, 'primary'));
  if (allowed.has('assign')) choices.push(ticketButton(say('eng.button.assign'), ticketActions.assign, value));
  if (allowed.has('escalate') && ticket.tier !== 'L4')
    choices.push(ticketButton(say('eng.button.escalate'), ticketActions.escalate, value));
  if (allowed.has('resolve'))
    choices.push(ticketButton(say('eng.button.resolve'), ticketActions.resolve, value, 'danger'));
  if (ticket.tier === 'L4' && allowed.has('resolve'))
    choices.push(ticketButton(say('eng.button.vendor'), ticketActions.vendor, value));
  if (ticket.status === 'claimed')
    choices.push(ticketButton(say('eng.button.reassign'), ticketActions.reassign, value));
  if (allowed.has('reopen')) choices.push(ticketButton(say('eng.button.reopen'), ticketActions.reopen, value));
  if (ticket.status === 'resolved' || ticket.status === 'closed')
    choices.push(ticketButton(say('eng.button.draft'), ticketActions.promote, value));
  // Corrections work in every status: a closed ticket's final priority and category feed the reports.
  choices.push(ticketButton(say('eng.button.priority'), ticketActions.priority, value));
  choices.push(ticketButton(say('eng.button.category'), ticketActions.category, value));
  const summary =
    ticket.description.length > CARD_SUMMARY ? `${cutText(ticket.description, CARD_SUMMARY)}…` : ticket.description;
  return {
    key: ticket.key,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    tier: ticket.tier,
    category: ticket.category,
    requester: { id: ticket.requesterId, name: ticket.requesterName },
    assignee: ticket.assigneeId ? { id: ticket.assigneeId, name: ticket.assigneeName } : null,
    summary,
    due: sla.nextDue(ticket),
    sla: sla.state(ticket, now),
    satisfaction: ticket.satisfaction,
    vendor:
      ticket.tier === 'L4'
        ? { name: ticket.vendorName, caseRef: ticket.vendorCaseRef, contact: ticket.vendorContact }
        : null,
    choices,
    prediction: predictionOf(ticket.collected.triage, say),
    language,
  };
}

const MAX_WHY = 3;
const MAX_WHY_CHARS = 160;

/** The card's prediction line from `collected.triage` (JSON from the database: checked, never trusted). */
function predictionOf(value: unknown, say: Say): TriageCard['prediction'] {
  if (typeof value !== 'object' || value === null) return null;
  const triage = value as { predicted?: unknown; confidence?: unknown; applied?: unknown; why?: unknown };
  const predicted = triage.predicted as { category?: unknown; priority?: unknown; tier?: unknown } | undefined;
  const confidence = (triage.confidence ?? {}) as Record<string, unknown>;
  if (
    typeof predicted !== 'object' ||
    predicted === null ||
    typeof predicted.category !== 'string' ||
    typeof predicted.priority !== 'string'
  )
    return null;
  const part = (field: 'category' | 'priority' | 'tier', label: unknown) => {
    if (typeof label !== 'string') return null;
    const sure = confidence[field];
    return typeof sure === 'number' ? `${cutText(label, 40)} ${Math.round(sure * 100)}%` : cutText(label, 40);
  };
  const parts = [
    part('category', predicted.category),
    part('priority', predicted.priority),
    part('tier', predicted.tier),
  ].filter(Boolean);
  const applied = Array.isArray(triage.applied) ? triage.applied.filter((f): f is string => typeof f === 'string') : [];
  const why = Array.isArray(triage.why)
    ? triage.why
        .filter((r): r is string => typeof r === 'string')
        .slice(0, MAX_WHY)
        .map((r) => cutText(r, MAX_WHY_CHARS))
    : [];
  // A field triage took is named in the card's words; one this version does not know stays as stored.
  const fieldName = (field: string) =>
    field === 'category' || field === 'priority' || field === 'tier' ? say(`eng.field.${field}`) : field;
  return {
    summary: say('eng.prediction', {
      predicted: parts.join(', '),
      applied:
        applied.length > 0
          ? say('eng.prediction.taken', { fields: applied.map(fieldName).join(', ') })
          : say('eng.prediction.notSure'),
    }),
    why,
  };
}

/** The buttons a requester gets under a status update in their own thread, in the ticket's language (as requesterNews). */
export function requesterChoices(ticket: Ticket): TicketChoice[] {
  if (ticket.status === 'resolved') {
    return [
      ...[1, 2, 3, 4, 5].map((score) => ({
        label: ['😞 1', '🙁 2', '😐 3', '🙂 4', '😀 5'][score - 1]!,
        action: { id: ticketActions.rate, value: `${ticket.key}:${score}` },
      })),
      ticketButton(messagesFor(ticket.language ?? undefined)('ticket.reopenButton'), ticketActions.reopen, ticket.key),
    ];
  }
  return [];
}

/** Splits a rating button's value ("HD-1001:4"); the ticket is re-read and checked by the service. */
export function parseRating(value: string | undefined): { key: string; score: number } | null {
  const match = /^([A-Z][A-Z0-9]{0,9}-\d{1,9}):([1-5])$/.exec(value ?? '');
  return match ? { key: match[1]!, score: Number(match[2]) } : null;
}

/** "Acme Corp · case 4471 · support@acme.example", or what of it is known, in `language`'s words. */
export function vendorLine(vendor: NonNullable<TriageCard['vendor']>, language: LanguageCode): string {
  const say = messagesFor(language);
  const parts = [
    vendor.name ?? say('eng.vendor.notRecorded'),
    vendor.caseRef ? say('eng.vendor.case', { caseRef: vendor.caseRef }) : null,
    vendor.contact,
  ].filter(Boolean);
  return parts.join(' · ');
}
