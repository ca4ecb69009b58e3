import { CardFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Logger } from '../../core/logger.js';
import type { NotificationDelivery } from '../../core/delivery/outbox-notifier.js';
import type { SlaPolicy } from '../../core/tickets/sla-policy.js';
import { postsNewCards, type TicketNotification, type TicketNotifier } from '../../core/tickets/ticket-notifier.js';
import { priorityLabels } from '../../core/tickets/ticket-form.js';
import { openStatuses } from '../../core/tickets/ticket-state-machine.js';
import type { AddressBook } from '../../core/conversation/address-book.js';
import type { TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { requesterChoices, triageCard, vendorLine } from '../../core/tickets/triage-card.js';
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
      triageCard(notification.ticket, this.deps.sla),
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
    const line = triageLine(n);
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
    const text = requesterLine(n);
    if (!text) return;
    const reference = await this.deps.addresses.get(ticket.conversationKey);
    if (!reference) {
      this.deps.logger.warn(
        { ticket: ticket.key },
        'no stored Teams conversation for the requester; update not delivered',
      );
      return;
    }
    const card = requesterUpdateCard(text, n.type === 'resolved' ? requesterChoices(ticket) : []);
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

function who(n: TicketNotification): string {
  return n.actor.role === 'system' ? 'The bot' : escapeCardText(n.actor.name ?? n.actor.id);
}

function utc(at: Date): string {
  return `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

function quote(note: string | undefined): string {
  return escapeCardText(note ?? '');
}

function triageLine(n: TicketNotification): string | null {
  switch (n.type) {
    case 'opened':
      return null;
    case 'comment':
      return n.from === 'requester' ? `💬 ${who(n)} (requester) wrote: ${quote(n.note)}` : null;
    case 'escalated':
      return `⏫ ${who(n)} escalated it from ${n.fromTier ?? '?'} to ${n.ticket.tier}: ${quote(n.note)}`;
    case 'resolved':
      return `✅ ${who(n)} resolved it: ${quote(n.note)}`;
    case 'rated':
      return `⭐ The requester rated it ${n.ticket.satisfaction ?? '?'}/5.`;
    case 'vendor':
      return `🏢 ${who(n)} recorded the vendor: ${escapeCardText(vendorLine({ name: n.ticket.vendorName, caseRef: n.ticket.vendorCaseRef, contact: n.ticket.vendorContact }))}`;
    case 'reminder': {
      const owner = n.ticket.assigneeName ?? n.ticket.assigneeId ?? `Unclaimed at ${n.ticket.tier}`;
      const when = n.due
        ? ` ${n.due.kind === 'response' ? 'First response' : 'Resolution'} ${n.due.at.getTime() <= Date.now() ? 'was due' : 'is due'} ${utc(n.due.at)}.`
        : '';
      return `⏰ ${escapeCardText(owner)}: **${n.ticket.key}** ${escapeCardText(n.ticket.subject)}.${when}${n.note ? ` ${quote(n.note)}` : ''}`;
    }
    case 'unclaimed':
      return `🚨 ${escapeCardText(n.summary)}: **${n.ticket.key}** (${n.ticket.priority}) ${escapeCardText(n.ticket.subject)}. Press Claim on the card.`;
    case 'nudged':
      return '👋 The requester was reminded that it waits on their reply.';
    case 'priority':
      return `🏷️ ${who(n)} changed the priority from ${n.previous ?? '?'} to **${n.ticket.priority}**; SLA due times follow it.${n.note ? ` ${quote(n.note)}` : ''}`;
    case 'category':
      return `🗂️ ${who(n)} moved it from ${escapeCardText(n.previous ?? '?')} to **${escapeCardText(n.ticket.category)}**.${n.note ? ` ${quote(n.note)}` : ''}`;
    default:
      return `${escapeCardText(n.summary)}.${n.note ? ` ${quote(n.note)}` : ''}`;
  }
}

function requesterLine(n: TicketNotification): string | null {
  const t = n.ticket;
  switch (n.type) {
    case 'claimed':
      return `🙋 ${escapeCardText(t.assigneeName ?? 'An engineer')} is now working on **${t.key}**.`;
    case 'escalated':
      return `⏫ **${t.key}** was escalated to ${t.tier === 'L4' ? 'our vendor (L4)' : `the ${t.tier} team`}. They will pick it up from here; everything you told us goes with it.`;
    case 'waiting':
      return `⏳ ${who(n)} needs something from you on **${t.key}**: ${quote(n.note)}\n\nReply here.`;
    case 'comment':
      return n.from === 'engineer' ? `💬 ${who(n)} (IT) wrote on **${t.key}**: ${quote(n.note)}` : null;
    case 'resolved':
      return `✅ **${t.key}** is resolved: ${quote(n.note)}\n\nHow did we do? Rate the help below, or reopen it if the problem is back.`;
    case 'closed':
      return `🔒 **${t.key}** is closed.${n.note ? ` ${quote(n.note)}` : ''}`;
    case 'vendor':
      return `🏢 **${t.key}** is with our vendor ${escapeCardText(t.vendorName ?? '')}${t.vendorCaseRef ? ` (their case ${escapeCardText(t.vendorCaseRef)})` : ''}. We will keep you posted here.`;
    case 'nudged':
      return `👋 **${t.key}** is still waiting for your reply: just answer here.${n.due ? ` Without an answer it will be closed ${utc(n.due.at)} (you can reopen it).` : ''}`;
    case 'reopened':
      return n.actor.id === t.requesterId
        ? `↩️ **${t.key}** is reopened; the engineers have been told.`
        : `↩️ ${who(n)} reopened **${t.key}**.`;
    // The reason is the engineers' own: the requester hears the new priority only.
    case 'priority':
      return openStatuses.includes(t.status)
        ? `🏷️ IT set the priority of **${t.key}** to ${priorityLabels[t.priority]}.`
        : null;
    default:
      return null;
  }
}
