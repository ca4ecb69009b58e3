import { CardFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { LanguageCode } from '../../core/language/languages.js';
import type { Logger } from '../../core/logger.js';
import type { NotificationDelivery } from '../../core/delivery/outbox-notifier.js';
import type { SlaPolicy } from '../../core/tickets/sla-policy.js';
import { postsNewCards, type TicketNotification, type TicketNotifier } from '../../core/tickets/ticket-notifier.js';
import type { AddressBook } from '../../core/conversation/address-book.js';
import type { TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { requesterChoices, triageCard } from '../../core/tickets/triage-card.js';
import { requesterNews, triageNews, type NewsIcon, type NewsLine } from '../../core/tickets/ticket-news.js';
import type { TriageRouter } from '../../core/tickets/triage-router.js';
import { requesterUpdateCard, triageCardJson, type AdaptiveCard } from './adaptive-cards.js';
import { escapeCardText } from './card-text.js';

export interface TeamsNotifierDeps {
  adapter: CloudAdapter;
  appId: string;
  tenantId: string | undefined;
  threads: TicketThreadStore;
  addresses: AddressBook;
  router: TriageRouter;
  sla: SlaPolicy;
  logger: Logger;
  /** The Bot Connector URL for proactive posts when no conversation has told us one yet. */
  serviceUrl: () => Promise<string>;
  engineers: () => Array<{ id: string; name: string }>;
  /** The categories engineers can move a ticket to (TicketActionHandler.categories). */
  categories: () => readonly string[];
  /** The engineers' language, the deployment's (DEFAULT_LANGUAGE): triage cards and the lines under them. */
  language: LanguageCode;
}

/**
 * Proactive work whose failure reaches the caller. The adapter hands an error thrown in the
 * logic to onTurnError, which logs it and returns: the outbox would count a failed post as
 * delivered and never retry it.
 */
export async function proactively(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  let failed: { error: unknown } | undefined;
  await adapter.continueConversationAsync(appId, reference, async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failed = { error };
    }
  });
  if (failed) throw failed.error;
}

/** The key under which a Teams conversation's reference is stored. */
export function teamsConversationKey(conversationId: string): string {
  return `teams:${conversationId}`;
}

/** A channel thread's conversation id is the channel id plus ";messageid=" and the root message id. */
export function splitThreadId(conversationId: string): { channel: string; messageId: string } | null {
  const match = /^(.+);messageid=(\d+)$/.exec(conversationId);
  return match ? { channel: match[1]!, messageId: match[2]! } : null;
}

/**
 * Carries ticket changes into Teams: a new thread with the triage card in each routed channel,
 * the card updated for everyone on every change, a line in its thread, and the requester told
 * in their own chat. The durable outbox calls it, in order per ticket, and retries it when it throws.
 */
export class TeamsNotifier implements TicketNotifier, NotificationDelivery {
  constructor(private readonly deps: TeamsNotifierDeps) {}

  notify(notification: TicketNotification): Promise<void> {
    return this.deliver(notification);
  }

  /** The card as it should look now, for the invoke response of the person who pressed a button. */
  card(notification: Pick<TicketNotification, 'ticket'>): AdaptiveCard {
    return triageCardJson(
      triageCard(notification.ticket, this.deps.sla, this.deps.language),
      this.deps.engineers(),
      this.categories(notification.ticket),
    );
  }

  /** The categories to offer; while the knowledge base loads, only the ticket's own. */
  private categories(ticket: TicketNotification['ticket']): readonly string[] {
    try {
      return this.deps.categories();
    } catch {
      return [ticket.category];
    }
  }

  async deliver(n: TicketNotification): Promise<void> {
    await this.toTriage(n);
    await this.toRequester(n);
  }

  private async threadReference(conversationId: string): Promise<Partial<ConversationReference>> {
    return {
      channelId: 'msteams',
      serviceUrl: await this.deps.serviceUrl(),
      conversation: {
        id: conversationId,
        isGroup: true,
        conversationType: 'channel',
        name: '',
        ...(this.deps.tenantId ? { tenantId: this.deps.tenantId } : {}),
      },
      bot: { id: this.deps.appId, name: 'IT Help' },
    };
  }

  private async toTriage(n: TicketNotification): Promise<void> {
    const { adapter, appId, threads, router } = this.deps;
    const ticket = n.ticket;
    const attachment = CardFactory.adaptiveCard(this.card(n));
    const existing = (await threads.ofTicket(ticket.key)).filter((t) => t.channel === 'teams' && t.role === 'triage');
    if (postsNewCards(n)) {
      for (const destination of router.routeIn('teams', ticket)) {
        if (existing.some((t) => t.address === destination.address && t.tier === ticket.tier)) continue;
        const serviceUrl = await this.deps.serviceUrl();
        let created: { conversationId: string; activityId: string } | null = null;
        // A new thread per ticket: a conversation created in the channel with the card as its first message.
        await adapter.createConversationAsync(
          appId,
          'msteams',
          serviceUrl,
          '',
          {
            isGroup: true,
            channelData: {
              channel: { id: destination.address },
              ...(this.deps.tenantId ? { tenant: { id: this.deps.tenantId } } : {}),
            },
            activity: { type: 'message', attachments: [attachment] } as never,
            ...(this.deps.tenantId ? { tenantId: this.deps.tenantId } : {}),
            bot: { id: appId, name: 'IT Help' },
            members: [],
          },
          async (context: TurnContext) => {
            created = { conversationId: context.activity.conversation.id, activityId: context.activity.id ?? '' };
          },
        );
        const made = created as { conversationId: string; activityId: string } | null;
        if (!made) continue;
        const messageId = splitThreadId(made.conversationId)?.messageId ?? made.activityId;
        await threads.add({
          ticketKey: ticket.key,
          channel: 'teams',
          role: 'triage',
          address: destination.address,
          threadId: messageId,
          tier: ticket.tier,
        });
      }
    }
    const news = triageNews(n, this.deps.language);
    const line = news ? newsMarkdown(news) : null;
    const newestOnly = n.type === 'comment' || n.type === 'reminder' || n.type === 'unclaimed';
    const targets = newestOnly ? existing.slice(-1) : existing;
    for (const thread of existing) {
      const conversationId = `${thread.address};messageid=${thread.threadId}`;
      await proactively(adapter, appId, await this.threadReference(conversationId), async (context) => {
        await context.updateActivity({ type: 'message', id: thread.threadId, attachments: [attachment] });
        if (line && targets.includes(thread))
          await context.sendActivity({ type: 'message', text: line, textFormat: 'markdown' });
      });
    }
  }

  private async toRequester(n: TicketNotification): Promise<void> {
    const ticket = n.ticket;
    if (ticket.channel !== 'teams' || !ticket.conversationKey) return;
    const news = requesterNews(n, { threaded: false });
    if (!news) return;
    const text = newsMarkdown(news);
    const reference = await this.deps.addresses.get(ticket.conversationKey);
    if (!reference) {
      this.deps.logger.warn(
        { ticket: ticket.key },
        'no stored Teams conversation for the requester; update not delivered',
      );
      return;
    }
    const card = requesterUpdateCard(
      text,
      n.type === 'resolved' ? requesterChoices(ticket) : [],
      ticket.language ?? undefined,
    );
    await proactively(
      this.deps.adapter,
      this.deps.appId,
      reference as Partial<ConversationReference>,
      async (context) => {
        await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
      },
    );
  }
}

const teamsIcons: Record<NewsIcon, string> = {
  comment: '💬',
  claimed: '🙋',
  escalated: '⏫',
  waiting: '⏳',
  resolved: '✅',
  closed: '🔒',
  reopened: '↩️',
  rated: '⭐',
  vendor: '🏢',
  priority: '🏷️',
  category: '🗂️',
  reminder: '⏰',
  unclaimed: '🚨',
  nudged: '👋',
  note: '📝',
};

function utc(at: Date): string {
  return `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** A ticket's news (words chosen in the core) as Teams markdown: names (no mentions), bold, a quotation. */
export function newsMarkdown(line: NewsLine): string {
  const parts = line.parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('key' in part) return `**${part.key}**`;
      if ('strong' in part) return `**${escapeCardText(part.strong)}**`;
      if ('person' in part) return escapeCardText(part.person.name ?? part.person.id);
      if ('said' in part) return escapeCardText(part.said);
      return utc(part.date);
    })
    .join('');
  const quote = line.quote ? `\n\n> ${escapeCardText(line.quote).replace(/\n/g, '\n> ')}` : '';
  return `${teamsIcons[line.icon]} ${parts}${quote}${line.next ? `\n\n${line.next}` : ''}`;
}
