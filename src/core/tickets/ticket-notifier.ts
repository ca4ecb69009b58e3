import { openStatuses } from './ticket-state-machine.js';
import type { Actor, Ticket } from './ticket.js';

/** A change worth telling people about. */
export interface TicketNotification {
  type:
    | 'opened'
    | 'claimed'
    | 'escalated'
    | 'waiting'
    | 'resumed'
    | 'resolved'
    | 'closed'
    | 'reopened'
    | 'comment'
    | 'rated'
    | 'vendor'
    /** An engineer changed the priority (the due times with it) or the category; `previous` is the old value. */
    | 'priority'
    | 'category'
    /** An SLA deadline is near (to the assignee, or the triage channel when nobody has it). */
    | 'reminder'
    /** Nobody has claimed it for a while: shown again in the triage channel. */
    | 'unclaimed'
    /** It has waited on the requester for a while: they are reminded. */
    | 'nudged';
  ticket: Ticket;
  actor: Actor;
  /** A human sentence describing the change, e.g. "Claimed by Alice". */
  summary: string;
  note?: string;
  /** For comments: who wrote it, so the channel carries it to the other side. */
  from?: 'requester' | 'engineer';
  /** For priority and category changes: the value before. */
  previous?: string;
  /** For escalations: the tier the ticket left. */
  fromTier?: Ticket['tier'];
  /** For 'unclaimed': how long it has waited for someone to claim it, in minutes. */
  waitedMinutes?: number;
  /** For reminders: the deadline that is near. For nudges: when the ticket will be closed. */
  due?: { kind: 'response' | 'resolution' | 'close'; at: Date };
}

/**
 * The one port through which the core posts to other places: triage channels and the
 * requester's own conversation. Channels implement it; failures are logged, never fatal.
 */
export interface TicketNotifier {
  notify(notification: TicketNotification): Promise<void>;
}

/** Tells every channel's notifier, each on its own: one failing does not stop the others. */
export class FanOutNotifier implements TicketNotifier {
  private readonly notifiers: TicketNotifier[] = [];

  constructor(private readonly onError: (error: unknown, notification: TicketNotification) => void) {}

  add(notifier: TicketNotifier): void {
    this.notifiers.push(notifier);
  }

  async notify(notification: TicketNotification): Promise<void> {
    await Promise.all(
      this.notifiers.map(async (notifier) => {
        try {
          await notifier.notify(notification);
        } catch (error) {
          this.onError(error, notification);
        }
      }),
    );
  }
}

/**
 * Whether the ticket's card goes to each place routing picks that has none for its tier yet: when
 * it opens, is escalated or reopened, and when a new category or priority routes it somewhere
 * new while it is still open (the places that had it keep their card, updated).
 */
export function postsNewCards(n: TicketNotification): boolean {
  if (n.type === 'opened' || n.type === 'escalated' || n.type === 'reopened') return true;
  return (n.type === 'category' || n.type === 'priority') && openStatuses.includes(n.ticket.status);
}
