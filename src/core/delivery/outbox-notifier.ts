import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { TicketNotification, TicketNotifier } from '../tickets/ticket-notifier.js';
import type { Ticket } from '../tickets/ticket.js';
import { PermanentFailure, type WorkQueue } from './work-queue.js';

/** A channel's side of the outbox: carries one notification into its chat, throwing when it could not. */
export interface NotificationDelivery {
  deliver(notification: TicketNotification): Promise<void>;
}

const TICKET_DATES = [
  'createdAt',
  'updatedAt',
  'firstResponseAt',
  'resolvedAt',
  'closedAt',
  'responseDueAt',
  'resolveDueAt',
  'statusChangedAt',
] as const;
/** Writes that failed because the database was away, retried while the process lives. */
const RETRY_WRITE_MS = 2_000;

/**
 * The one notifier the core talks to in the service: each notification is written to the
 * durable outbox once per chat, then delivered by the work queue in order per ticket and chat,
 * retried with backoff until the chat takes it. A chat that fails does not hold up the others.
 */
export class OutboxNotifier implements TicketNotifier {
  private readonly channels = new Map<string, NotificationDelivery>();
  private readonly unwritten: Array<{ channel: string; notification: TicketNotification }> = [];
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: WorkQueue,
    private readonly logger: Logger,
  ) {}

  /** Adds a chat; its notifications are work of kind notify.<channel>. */
  add(channel: string, delivery: NotificationDelivery): void {
    this.channels.set(channel, delivery);
    this.queue.handle(`notify.${channel}`, async (payload) => {
      let notification: TicketNotification;
      try {
        notification = decodeNotification(payload);
      } catch (error) {
        throw new PermanentFailure('a stored notification does not decode', { cause: error });
      }
      await delivery.deliver(notification);
    });
  }

  async notify(notification: TicketNotification): Promise<void> {
    for (const channel of this.channels.keys()) await this.write(channel, notification);
  }

  /** Gives up retrying writes (shutdown). */
  stop(): void {
    clearTimeout(this.retryTimer);
  }

  private async write(channel: string, notification: TicketNotification): Promise<void> {
    const ticket = notification.ticket;
    try {
      await this.queue.enqueue({
        key: `notify:${channel}:${notificationKey(notification)}`,
        kind: `notify.${channel}`,
        orderKey: `notify:${channel}:${ticket.key}`,
        payload: JSON.stringify(notification),
      });
    } catch (error) {
      // The change is already made; hold its notification until the database takes it.
      this.logger.error(
        { err: error, ticket: ticket.key, type: notification.type },
        'cannot write a notification to the outbox; retrying while the bot runs',
      );
      this.unwritten.push({ channel, notification });
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const batch = this.unwritten.splice(0);
      void (async () => {
        for (const { channel, notification } of batch) await this.write(channel, notification);
      })();
    }, RETRY_WRITE_MS);
    this.retryTimer.unref();
  }
}

/**
 * Names a notification so that telling the same thing twice (a delivery handled again after a
 * crash) writes it once: every change bumps the ticket's version, and timer notices, which change
 * nothing, differ in their deadline or their words ("has waited 2 hours").
 */
function notificationKey(n: TicketNotification): string {
  const words = createHash('sha256')
    .update(`${n.summary}\n${n.note ?? ''}\n${n.due?.kind ?? ''}${n.due?.at.toISOString() ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return [n.ticket.key, `v${n.ticket.version}`, n.type, words].join(':');
}

/** A notification back from its JSON: the ticket's dates and the due time become Dates again. */
export function decodeNotification(payload: unknown): TicketNotification {
  const raw = payload as TicketNotification & { ticket: Record<string, unknown>; due?: { kind: string; at: string } };
  if (typeof raw !== 'object' || raw === null || typeof raw.type !== 'string' || typeof raw.ticket?.key !== 'string')
    throw new Error('not a ticket notification');
  const ticket = { ...raw.ticket } as Record<string, unknown>;
  for (const field of TICKET_DATES) {
    const value = ticket[field];
    ticket[field] = typeof value === 'string' ? new Date(value) : (value ?? null);
  }
  return {
    ...raw,
    ticket: ticket as unknown as Ticket,
    ...(raw.due
      ? { due: { kind: raw.due.kind as 'response' | 'resolution' | 'close', at: new Date(raw.due.at) } }
      : {}),
  };
}
