import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';
import { PermanentFailure } from '../../core/delivery/work-queue.js';
import type { NotificationDelivery } from '../../core/delivery/outbox-notifier.js';
import type { SlaPolicy } from '../../core/tickets/sla-policy.js';
import { postsNewCards, type TicketNotification, type TicketNotifier } from '../../core/tickets/ticket-notifier.js';
import type { TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { openStatuses } from '../../core/tickets/ticket-state-machine.js';
import { requesterChoices, triageCard, vendorLine } from '../../core/tickets/triage-card.js';
import type { TriageRouter } from '../../core/tickets/triage-router.js';
import { priorityLabels } from '../../core/tickets/ticket-form.js';
import { requesterUpdateMessage, slackDate, triageCardMessage } from './block-kit.js';
import { parseSlackConversationKey } from './conversation-key.js';
import { escapeInline, escapeMrkdwn, mention } from './mrkdwn.js';

export interface SlackNotifierDeps {
  client: WebClient;
  threads: TicketThreadStore;
  router: TriageRouter;
  sla: SlaPolicy;
  logger: Logger;
}

/** Echoed user text must not unfurl into previews of whatever it links to. */
export const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** Slack errors that a later attempt may get past; any other refusal (a missing channel, a revoked token) is for good. */
const TRANSIENT_SLACK_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'ratelimited',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** Slack's reason when it refused a call for good; undefined for failures that may pass later (and for anything not from Slack). */
export function slackRefusal(error: unknown): string | undefined {
  // Bolt wraps a listener's error; the Web API's own error is its `original`.
  const e = (error as { original?: unknown }).original ?? error;
  const code = (e as { code?: string }).code;
  const reason = (e as { data?: { error?: string } }).data?.error;
  return code === 'slack_webapi_platform_error' && reason && !TRANSIENT_SLACK_ERRORS.has(reason) ? reason : undefined;
}

/**
 * Carries ticket changes into Slack: posts and updates triage cards, writes a line in each
 * card's thread, and tells the requester in their own thread. The durable outbox calls it, in
 * order per ticket, and retries it when it throws; a button's acknowledgement never waits for it.
 */
export class SlackNotifier implements TicketNotifier, NotificationDelivery {
  private readonly warnedTiers = new Set<string>();

  constructor(private readonly deps: SlackNotifierDeps) {}

  notify(notification: TicketNotification): Promise<void> {
    return this.deliver(notification);
  }

  async deliver(n: TicketNotification): Promise<void> {
    try {
      await this.toTriage(n);
      await this.toRequester(n);
    } catch (error) {
      const reason = slackRefusal(error);
      if (reason) throw new PermanentFailure(`Slack refused the notification: ${reason}`, { cause: error });
      throw error;
    }
  }

  private async toTriage(n: TicketNotification): Promise<void> {
    const { client, threads, router, sla } = this.deps;
    const ticket = n.ticket;
    const card = triageCardMessage(triageCard(ticket, sla));
    const existing = (await threads.ofTicket(ticket.key)).filter((t) => t.channel === 'slack' && t.role === 'triage');

    if (postsNewCards(n)) {
      const destinations = router.routeIn('slack', ticket);
      // Silent when another chat triages this tier; start-up warns about tiers nobody triages.
      if (destinations.length === 0 && router.route(ticket).length === 0 && !this.warnedTiers.has(ticket.tier)) {
        this.warnedTiers.add(ticket.tier);
        this.deps.logger.warn(
          { tier: ticket.tier, ticket: ticket.key },
          `no Slack triage channel for ${ticket.tier}: set SLACK_TRIAGE_${ticket.tier === 'L4' ? 'VENDOR' : ticket.tier}`,
        );
      }
      for (const destination of destinations) {
        if (existing.some((t) => t.address === destination.address && t.tier === ticket.tier)) continue;
        const posted = await client.chat.postMessage({ channel: destination.address, ...card, ...NO_UNFURL });
        if (!posted.channel || !posted.ts) continue;
        await threads.add({
          ticketKey: ticket.key,
          channel: 'slack',
          role: 'triage',
          address: posted.channel,
          threadId: posted.ts,
          tier: ticket.tier,
        });
      }
    }
    const line = triageLine(n);
    for (const thread of existing) {
      await client.chat.update({ channel: thread.address, ts: thread.threadId, ...card });
    }
    // Requesters' messages and timers go to the newest card (the tier working on it); status lines to every card.
    const newestOnly = n.type === 'comment' || n.type === 'reminder' || n.type === 'unclaimed';
    const lineTargets = newestOnly ? existing.slice(-1) : existing;
    // Timers must be seen, not buried in a thread: their line is also shown in the channel.
    const broadcast = n.type === 'reminder' || n.type === 'unclaimed' ? { reply_broadcast: true } : {};
    if (line) {
      for (const thread of lineTargets) {
        await client.chat.postMessage({
          channel: thread.address,
          thread_ts: thread.threadId,
          text: line,
          ...broadcast,
          ...NO_UNFURL,
        });
      }
    }
  }

  private async toRequester(n: TicketNotification): Promise<void> {
    const ticket = n.ticket;
    const where = ticket.channel === 'slack' ? parseSlackConversationKey(ticket.conversationKey) : null;
    if (!where) return;
    const text = requesterLine(n);
    if (!text) return;
    const message = requesterUpdateMessage(text, n.type === 'resolved' ? requesterChoices(ticket) : []);
    await this.deps.client.chat.postMessage({
      channel: where.channel,
      thread_ts: where.threadTs,
      ...message,
      ...NO_UNFURL,
    });
  }
}

function who(n: TicketNotification): string {
  return n.actor.role === 'system' ? 'the bot' : mention(n.actor.id, n.actor.name);
}

/** The line written in a triage card's thread. */
function triageLine(n: TicketNotification): string | null {
  const note = n.note ? `\n>${escapeMrkdwn(n.note).replace(/\n/g, '\n>')}` : '';
  switch (n.type) {
    case 'opened':
      return null;
    case 'comment':
      return n.from === 'requester' ? `:speech_balloon: ${who(n)} (requester) wrote:${note}` : null;
    case 'claimed':
      return `:raising_hand: ${escapeInline(n.summary)} (${who(n)})`;
    case 'escalated':
      return `:arrow_double_up: ${who(n)} escalated it from ${n.fromTier ?? '?'} to ${n.ticket.tier}.${note}`;
    case 'resolved':
      return `:white_check_mark: ${who(n)} resolved it.${note}`;
    case 'rated':
      return `:star: The requester rated it ${n.ticket.satisfaction ?? '?'}/5.`;
    case 'vendor':
      return `:office: ${who(n)} recorded the vendor: ${escapeMrkdwn(vendorLine({ name: n.ticket.vendorName, caseRef: n.ticket.vendorCaseRef, contact: n.ticket.vendorContact }))}`;
    case 'reminder': {
      const owner = n.ticket.assigneeId
        ? mention(n.ticket.assigneeId, n.ticket.assigneeName)
        : `Unclaimed at ${n.ticket.tier}`;
      const when = n.due
        ? ` ${n.due.kind === 'response' ? 'First response' : 'Resolution'} ${n.due.at.getTime() <= Date.now() ? 'was due' : 'is due'} ${slackDate(n.due.at)}.`
        : '';
      return `:alarm_clock: ${owner}: *${n.ticket.key}* ${escapeInline(n.ticket.subject)}.${when}${note}`;
    }
    case 'unclaimed':
      return `:rotating_light: ${escapeInline(n.summary)}: *${n.ticket.key}* (${n.ticket.priority}) ${escapeInline(n.ticket.subject)}. Press *Claim* on the card above.`;
    case 'nudged':
      return `:wave: The requester was reminded that it waits on their reply.`;
    case 'priority':
      return `:label: ${who(n)} changed the priority from ${n.previous ?? '?'} to *${n.ticket.priority}*; SLA due times follow it.${note}`;
    case 'category':
      return `:card_index_dividers: ${who(n)} moved it from ${escapeInline(n.previous ?? '?')} to *${escapeInline(n.ticket.category)}*.${note}`;
    default:
      return `${escapeInline(n.summary)}.${note}`;
  }
}

/** The line written in the requester's thread, or null when they need not hear of it. */
function requesterLine(n: TicketNotification): string | null {
  const t = n.ticket;
  switch (n.type) {
    case 'claimed':
      return `:raising_hand: ${t.assigneeId ? mention(t.assigneeId, t.assigneeName) : 'An engineer'} is now working on *${t.key}*.`;
    case 'escalated':
      return `:arrow_double_up: *${t.key}* was escalated to ${t.tier === 'L4' ? 'our vendor (L4)' : `the ${t.tier} team`}. They will pick it up from here; everything you told us goes with it.`;
    case 'waiting':
      return `:hourglass_flowing_sand: ${who(n)} needs something from you on *${t.key}*: ${escapeMrkdwn(n.note ?? '')}\nReply in this thread.`;
    case 'comment':
      return n.from === 'engineer'
        ? `:speech_balloon: ${who(n)} (IT) wrote on *${t.key}*:\n>${escapeMrkdwn(n.note ?? '').replace(/\n/g, '\n>')}`
        : null;
    case 'resolved':
      return `:white_check_mark: *${t.key}* is resolved: ${escapeMrkdwn(n.note ?? '')}\nHow did we do? Rate the help below, or reopen it if the problem is back.`;
    case 'closed':
      return `:lock: *${t.key}* is closed.${n.note ? ` ${escapeMrkdwn(n.note)}` : ''}`;
    case 'vendor':
      return `:office: *${t.key}* is with our vendor ${escapeMrkdwn(t.vendorName ?? '')}${t.vendorCaseRef ? ` (their case ${escapeMrkdwn(t.vendorCaseRef)})` : ''}. We will keep you posted here.`;
    case 'nudged':
      return `:wave: *${t.key}* is still waiting for your reply: just answer in this thread.${n.due ? ` Without an answer it will be closed ${slackDate(n.due.at)} (you can reopen it).` : ''}`;
    case 'reopened':
      return n.actor.id === t.requesterId
        ? `:leftwards_arrow_with_hook: *${t.key}* is reopened; the engineers have been told.`
        : `:leftwards_arrow_with_hook: ${who(n)} reopened *${t.key}*.`;
    // The reason is the engineers' own (it may name other people): the requester hears the new priority only.
    case 'priority':
      return openStatuses.includes(t.status)
        ? `:label: IT set the priority of *${t.key}* to ${priorityLabels[t.priority]}.`
        : null;
    default:
      return null;
  }
}
