import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isApology } from '../core/apology.js';
import type { ConversationService } from '../core/conversation/conversation-service.js';
import type { Reply, Turn } from '../core/conversation/turn.js';
import type { TicketNotification, TicketNotifier } from '../core/tickets/ticket-notifier.js';
import { currentRequestId } from '../http/request-context.js';

/** What a turn came to, from its replies: a small fixed set, so the label stays cheap. */
export type TurnOutcome =
  'answered' | 'suggested' | 'ticket' | 'relayed' | 'form_errors' | 'apology' | 'error' | 'other';

/** Pending queue items by kind (slack.inbound, notify.teams...), read when Prometheus scrapes. */
export type QueueDepthReader = () => Promise<Array<{ kind: string; pending: number }>>;

/** How long a scrape waits for the queue's depth before it reports the failure instead. */
const DEPTH_TIMEOUT_MS = 1000;

/**
 * The operators' signals for GET /metrics (Prometheus text format): turns by channel and outcome
 * and their latency, ticket changes, knowledge-base reload problems, the inbox and outbox depth,
 * and prom-client's process figures (CPU, memory, event loop). One registry per bot, so two bots
 * in one process (tests) do not share counters.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly turns = new Counter({
    name: 'helpdesk_turns_total',
    help: 'Turns (messages, button presses, forms) handled, by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly turnSeconds = new Histogram({
    name: 'helpdesk_turn_duration_seconds',
    help: 'Time from a turn reaching the core to its replies (the answer latency), by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly tickets = new Counter({
    name: 'helpdesk_ticket_events_total',
    help: 'Ticket changes written by this process: opened, escalated, breached (an SLA target passed), resolved...',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  private readonly reloads = new Counter({
    name: 'helpdesk_knowledge_reloads_total',
    help: 'Knowledge-base reloads after an edit, by result (failed: the edit had problems, the last good version kept serving)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly depthFailures = new Counter({
    name: 'helpdesk_queue_depth_read_failures_total',
    help: 'Scrapes that could not read the queue depth within 1 s (database slow or down)',
    registers: [this.registry],
  });

  constructor(queueDepth?: QueueDepthReader) {
    collectDefaultMetrics({ register: this.registry });
    const failures = this.depthFailures;
    new Gauge({
      name: 'helpdesk_queue_pending',
      help: 'Pending items in the durable inbox and outbox (QueueItem), by kind; absent when the read failed',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        if (!queueDepth) return;
        let timer: NodeJS.Timeout | undefined;
        try {
          const rows = await Promise.race([
            queueDepth(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), DEPTH_TIMEOUT_MS);
            }),
          ]);
          for (const { kind, pending } of rows) this.set({ kind }, pending);
        } catch {
          failures.inc();
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  /** The Prometheus text exposition and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  countReload(failed: boolean): void {
    this.reloads.inc({ result: failed ? 'failed' : 'ok' });
  }

  /**
   * Counts and times every turn the channels hand to the core, without the core knowing, and gives
   * the turn the id of the request (or queued item) it is handled for, as data.
   */
  instrument(conversations: ConversationService): ConversationService {
    const timed = Object.create(conversations) as ConversationService;
    timed.handle = async (turn: Turn, options?: { retryable?: boolean }) => {
      const stop = this.turnSeconds.startTimer();
      let outcome: TurnOutcome = 'error';
      const requestId = turn.requestId ?? currentRequestId();
      try {
        const replies = await conversations.handle(requestId ? { ...turn, requestId } : turn, options);
        outcome = outcomeOf(replies);
        return replies;
      } finally {
        const labels = { channel: turn.channel || 'unknown', outcome };
        stop(labels);
        this.turns.inc(labels);
      }
    };
    return timed;
  }

  /** Counts ticket changes as they go to the notifier (the outbox), then passes them on. */
  countTickets(notifier: TicketNotifier): TicketNotifier {
    return {
      notify: async (notification: TicketNotification) => {
        for (const event of ticketEvents(notification)) this.tickets.inc({ event });
        await notifier.notify(notification);
      },
    };
  }
}

/** The turn's outcome from its replies: the most telling reply wins. */
export function outcomeOf(replies: Reply[]): TurnOutcome {
  const kinds = new Set(replies.map((reply) => reply.kind));
  if (kinds.has('form_errors')) return 'form_errors';
  if (kinds.has('ticket')) return 'ticket';
  if (kinds.has('relayed')) return 'relayed';
  if (kinds.has('answer')) return 'answered';
  if (kinds.has('suggestions')) return 'suggested';
  if (replies.some((reply) => isApology(reply.markdown))) return 'apology';
  return 'other';
}

/**
 * A notification as counters' events. An SLA breach is an escalation by the SLA timer (counted as
 * both), or, where the ticket cannot go further, the timer's "breached" reminder (see
 * SlaTimers.act); reminders before a deadline, comments and the like are not counted.
 */
export function ticketEvents(notification: TicketNotification): string[] {
  const bySlaTimer = notification.actor.id === 'sla-timer';
  switch (notification.type) {
    case 'escalated':
      return bySlaTimer ? ['escalated', 'breached'] : ['escalated'];
    case 'reminder':
      return bySlaTimer && / breached its /.test(notification.summary) ? ['breached'] : [];
    case 'opened':
    case 'claimed':
    case 'resolved':
    case 'closed':
    case 'reopened':
      return [notification.type];
    default:
      return [];
  }
}
