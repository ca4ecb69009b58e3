export const ticketStatuses = ['new', 'claimed', 'escalated', 'waiting', 'resolved', 'closed', 'reopened'] as const;
export const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
export const tiers = ['L1', 'L2', 'L3', 'L4'] as const;

export type TicketStatus = (typeof ticketStatuses)[number];
export type Priority = (typeof priorities)[number];
export type Tier = (typeof tiers)[number];

/** Who acts on a ticket. The role comes from a trusted source (the channel's roster), never from a button. */
export interface Actor {
  id: string;
  name?: string;
  role: 'employee' | 'engineer' | 'system';
}

/** One line of a conversation transcript. */
export interface TranscriptLine {
  author: 'user' | 'bot' | 'agent';
  text: string;
  at: string;
}

/** A support ticket as the core sees it. */
export interface Ticket {
  id: string;
  key: string;
  subject: string;
  description: string;
  question: string | null;
  transcript: TranscriptLine[];
  collected: Record<string, unknown>;
  priority: Priority;
  tier: Tier;
  category: string;
  status: TicketStatus;
  channel: string;
  conversationKey: string | null;
  requesterId: string;
  requesterName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  /** Bumped by every change; a change based on a stale version is refused. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** SLA due times: set when the ticket is opened, renewed for the new tier on escalation. */
  responseDueAt: Date | null;
  resolveDueAt: Date | null;
  /** The requester's rating after resolve, 1-5. */
  satisfaction: number | null;
  /** When the status (or, on escalation, the tier) last changed; null on tickets from before it was kept. */
  statusChangedAt: Date | null;
  /** The outside vendor working an L4 ticket. */
  vendorName: string | null;
  vendorCaseRef: string | null;
  vendorContact: string | null;
  /**
   * The requester's language when the ticket was opened (the conversation's): what they are told
   * about it is worded in it. Absent or null: the default language (and tickets from before it was kept).
   */
  language?: string | null;
}

/** An audit record: who changed what, when. */
export interface TicketEvent {
  id: number;
  ticketId: string;
  actorId: string;
  actorName: string | null;
  /** 'priority' and 'category': a correction of that field (detail: from, to, reason; for priority the due times). */
  type: 'created' | 'status' | 'assigned' | 'comment' | 'rating' | 'vendor' | 'priority' | 'category';
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}
