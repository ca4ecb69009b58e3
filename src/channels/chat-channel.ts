import type { Application } from 'express';
import type { AudienceMembers } from '../config/audiences-file.js';
import type { Config } from '../config/config.js';
import type { AudienceDirectory } from '../core/knowledge/audience.js';
import type { ConversationService } from '../core/conversation/conversation-service.js';
import type { NotificationDelivery } from '../core/delivery/outbox-notifier.js';
import type { WorkQueue } from '../core/delivery/work-queue.js';
import type { DraftWriter } from '../core/knowledge/article-draft.js';
import type { Logger } from '../core/logger.js';
import { TicketActionHandler } from '../core/tickets/ticket-action-handler.js';
import type { TicketService } from '../core/tickets/ticket-service.js';
import type { AddressBook } from '../core/conversation/address-book.js';
import type { TicketThreadStore } from '../core/tickets/ticket-thread-store.js';
import type { TriageRouter } from '../core/tickets/triage-router.js';
import type { WebAccess } from '../core/web/web-access.js';
import type { SlackProfileCacheOptions } from './slack/slack-profiles.js';

/** The names of the chats the bot serves; the editors' channel and the outbox are per chat. */
export type ChatName = 'slack' | 'teams';

/**
 * What every chat is to the service: it converts its platform's deliveries into the core's turns
 * and renders the core's replies; the service only starts it, hands its notifications over
 * (through the outbox) and stops it.
 */
export interface ChatChannel {
  readonly name: ChatName;
  /** Carries a ticket notification into this chat (the outbox calls it, retrying on failure). */
  readonly notifier: NotificationDelivery;
  /** Starts receiving (Socket Mode connects; HTTP receivers were mounted when it was made). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts a plain message to one of this chat's channels (the editors' notices). */
  say(address: string, markdown: string): Promise<void>;
  /** How it receives, for the start-up line, e.g. "Slack (POST /slack/events)". */
  describe(): string;
}

/** What the service gives every chat: the core's services, the durable inbox, the shared HTTP app. */
export interface ChannelDeps {
  conversations: ConversationService;
  tickets: TicketService;
  threads: TicketThreadStore;
  addresses: AddressBook;
  queue: WorkQueue;
  router: TriageRouter;
  logger: Logger;
  http: Application;
  drafts?: DraftWriter;
  /** False while the bot starts: what must be answered inside the request is asked to try again. */
  isReady: () => boolean;
  /** The web view's sign-in links (the chat's web command); absent when the view is off. */
  web?: WebAccess;
  /** Where a chat that looks membership up itself (Slack's user groups) registers its resolver, and the audiences' members. */
  audiences?: { directory: AudienceDirectory; members: Readonly<Record<string, AudienceMembers>> };
}

/**
 * The engineers' ticket actions (a card's buttons and forms) as every chat runs them: categories
 * from the knowledge base and the routes, replies in the deployment's language.
 */
export function ticketActionHandler(deps: ChannelDeps): TicketActionHandler {
  const { conversations, router } = deps;
  return new TicketActionHandler(
    deps.tickets,
    deps.threads,
    deps.drafts,
    () => [...conversations.categories(), ...router.categories()],
    conversations.defaultLanguage,
  );
}

/** Options that only tests set. */
export interface ChannelOptions {
  /** Slack Web API retry policy (tests shorten it). */
  slackRetry?: { retries: number; minTimeout?: number; maxTimeout?: number; factor?: number };
  /** How long and how many Slack profiles are kept, and the clock (tests shorten them). */
  slackProfiles?: SlackProfileCacheOptions;
}

/**
 * Every chat the bot can serve, in start order: whether the configuration asks for it, and how to
 * open it. A chat's module (and its SDK: botbuilder alone costs 2 s of CPU) is imported only when
 * it is configured. Adding a chat is a folder under src/channels and an entry here.
 */
export const chats: ReadonlyArray<{
  name: ChatName;
  configured(config: Config): boolean;
  open(config: Config, deps: ChannelDeps, options: ChannelOptions): Promise<ChatChannel>;
}> = [
  {
    name: 'slack',
    configured: (config) => config.slack !== undefined,
    open: async (config, deps, options) =>
      (await import('./slack/slack-channel.js')).openSlackChannel(config.slack!, deps, options),
  },
  {
    name: 'teams',
    configured: (config) => config.teams !== undefined,
    open: async (config, deps) => (await import('./teams/teams-channel.js')).openTeamsChannel(config.teams!, deps),
  },
];
