import type { WebClient } from '@slack/web-api';
import type { LanguageCode } from '../../core/language/languages.js';
import type { Logger } from '../../core/logger.js';
import { PermanentFailure } from '../../core/delivery/work-queue.js';
import type { NotificationDelivery } from '../../core/delivery/outbox-notifier.js';
import type { SlaPolicy } from '../../core/tickets/sla-policy.js';
import { postsNewCards, type TicketNotification, type TicketNotifier } from '../../core/tickets/ticket-notifier.js';
import type { TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { requesterChoices, triageCard } from '../../core/tickets/triage-card.js';
import { requesterNews, triageNews, type NewsIcon, type NewsLine } from '../../core/tickets/ticket-news.js';
import type { TriageRouter } from '../../core/tickets/triage-router.js';
import { requesterUpdateMessage, slackDate, triageCardMessage } from './block-kit.js';
import { parseSlackConversationKey } from './conversation-key.js';
import { escapeInline, escapeMrkdwn, mention } from './mrkdwn.js';

export interface SlackNotifierDeps {
  client: WebClient;
  threads: TicketThreadStore;
  router: TriageRouter;
  sla: SlaPolicy;
  logger: Logger;
  /** The engineers' language, the deployment's (DEFAULT_LANGUAGE): triage cards and the lines under them. */
  language: LanguageCode;
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
    const { client, threads, router, sla, language } = this.deps;
    const ticket = n.ticket;
    const card = triageCardMessage(triageCard(ticket, sla, language));
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
    const news = triageNews(n, language);
    const line = news ? newsMrkdwn(news) : null;
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
    const news = requesterNews(n, { threaded: true });
    if (!news) return;
    const text = newsMrkdwn(news);
    const message = requesterUpdateMessage(text, n.type === 'resolved' ? requesterChoices(ticket) : []);
    await this.deps.client.chat.postMessage({
      channel: where.channel,
      thread_ts: where.threadTs,
      ...message,
      ...NO_UNFURL,
    });
  }
}

const slackIcons: Record<NewsIcon, string> = {
  comment: ':speech_balloon:',
  claimed: ':raising_hand:',
  escalated: ':arrow_double_up:',
  waiting: ':hourglass_flowing_sand:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
  reopened: ':leftwards_arrow_with_hook:',
  rated: ':star:',
  vendor: ':office:',
  priority: ':label:',
  category: ':card_index_dividers:',
  reminder: ':alarm_clock:',
  unclaimed: ':rotating_light:',
  nudged: ':wave:',
  note: ':memo:',
};

/** A ticket's news (words chosen in the core) in mrkdwn: mentions, bold, a block quote, dates in the reader's zone. */
export function newsMrkdwn(line: NewsLine): string {
  const parts = line.parts
    .map((part) => {
      if (typeof part === 'string') return escapeMrkdwn(part);
      if ('key' in part) return `*${part.key}*`;
      if ('strong' in part) return `*${escapeInline(part.strong)}*`;
      if ('person' in part) return mention(part.person.id, part.person.name);
      if ('said' in part) return escapeInline(part.said);
      return slackDate(part.date);
    })
    .join('');
  const quote = line.quote ? `\n>${escapeMrkdwn(line.quote).replace(/\n/g, '\n>')}` : '';
  return `${slackIcons[line.icon]} ${parts}${quote}${line.next ? `\n${escapeMrkdwn(line.next)}` : ''}`;
}
