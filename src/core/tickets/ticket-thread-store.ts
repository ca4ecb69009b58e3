import type { Tier } from './ticket.js';

/** Where a ticket is shown in a chat: a triage card, or the requester's own thread. */
export interface TicketThread {
  ticketKey: string;
  /** The chat, e.g. "slack". */
  channel: string;
  role: 'triage' | 'requester';
  /** The chat's id for the conversation (a Slack channel id, a Teams conversation id). */
  address: string;
  /** The message or thread within it (a Slack ts, a Teams activity id). */
  threadId: string;
  tier: Tier | null;
}

/** Remembers where tickets were posted. Implementations: PrismaTicketThreadStore. */
export interface TicketThreadStore {
  /** Records a thread; recording the same place twice is a no-op. */
  add(thread: TicketThread): Promise<void>;
  /** Every place a ticket was posted, oldest first. */
  ofTicket(ticketKey: string): Promise<TicketThread[]>;
  find(channel: string, address: string, threadId: string): Promise<TicketThread | null>;
}
