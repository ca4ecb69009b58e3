import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
} from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Request, Response } from 'express';
import express from 'express';
import { actions, type Reply, type Turn } from '../../core/conversation/turn.js';
import { apologise, startingMessage } from '../../core/apology.js';
import { DEFAULT_LANGUAGE, type LanguageCode } from '../../core/language/languages.js';
import { messagesFor } from '../../core/messages/catalogue.js';
import { isCoreError, refusalText } from '../../core/errors.js';
import { PermanentFailure } from '../../core/delivery/work-queue.js';
import { queueView } from '../../core/tickets/queue-view.js';
import type { TicketActionInput } from '../../core/tickets/ticket-action-handler.js';
import type { Actor } from '../../core/tickets/ticket.js';
import { ticketActions } from '../../core/tickets/triage-card.js';
import type { TeamsConfig } from '../../config/config.js';
import { ticketActionHandler, type ChannelDeps, type ChatChannel } from '../chat-channel.js';
import { replyCard, ticketFormCard, ticketListCard } from './adaptive-cards.js';
import { teamsTextToPlain } from './card-text.js';
import { activityShape, buttonData, executeInvoke, mentions, storedActivity, str } from './teams-payloads.js';
import { proactively, splitThreadId, TeamsNotifier, teamsConversationKey } from './teams-notifier.js';
import { webSignInReply } from '../../core/web/web-access.js';

/** "help" in each language with a catalogue: the commands' help in that language ('?': the conversation's). */
const HELP_WORDS: ReadonlyMap<string, LanguageCode | null> = new Map([
  ['help', 'en'],
  ['?', null],
  ['hilfe', 'de'],
  ['aide', 'fr'],
  ['ayuda', 'es'],
]);

/** What the service gives every chat, and Teams' own settings. */
export interface TeamsChannelDeps extends ChannelDeps {
  config: TeamsConfig;
}

/** The Teams channel: Bot Framework activities in, core turns and ticket actions, Adaptive Cards out. */
export interface TeamsChannel extends ChatChannel {
  readonly notifier: TeamsNotifier;
}

/** The Teams channel as the service opens it (see `chats` in ../chat-channel.ts). */
export function openTeamsChannel(config: TeamsConfig, deps: ChannelDeps): TeamsChannel {
  const channel = createTeamsChannel({ config, ...deps });
  if (!config.appId)
    deps.logger.warn(
      {},
      'Teams runs WITHOUT authentication (TEAMS_ENABLED=1 and no MICROSOFT_APP_ID): for local testing only',
    );
  if (config.engineers.length === 0)
    deps.logger.warn({}, 'no Teams engineers configured (TEAMS_ENGINEERS): nobody can claim tickets in Teams');
  return channel;
}

const SERVICE_URL_KEY = 'teams:service-url';
/** The work queue's kind for Teams messages kept in the inbox. */
const INBOUND = 'teams.inbound';

/**
 * botbuilder answers a token with a bad signature, a wrong key or a wrong audience with a 500
 * (the JWT library's error is not its AuthenticationError); every failed check is a 401 here.
 */
class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(`Unauthorized: ${error instanceof Error ? error.message : String(error)}`, 401);
    }
  }
}

export function createTeamsChannel(deps: TeamsChannelDeps): TeamsChannel {
  const { config, conversations, tickets, threads, addresses, queue, logger } = deps;
  const auth = new StrictAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  const actionHandler = ticketActionHandler(deps);
  const names = new Map<string, string>();
  const engineers = new Set(config.engineers.map((id) => id.toLowerCase()));
  const { isReady } = deps;

  /** The Bot Connector URL last seen on an activity, or the configured one. */
  const serviceUrl = async (): Promise<string> => {
    const stored = await addresses.get(SERVICE_URL_KEY).catch(() => null);
    return typeof stored?.serviceUrl === 'string' ? stored.serviceUrl : config.serviceUrl;
  };

  const notifier = new TeamsNotifier({
    adapter,
    appId: config.appId,
    tenantId: config.tenantId,
    threads,
    addresses,
    router: deps.router,
    sla: tickets.sla,
    logger,
    serviceUrl,
    engineers: () => config.engineers.map((id) => ({ id, name: names.get(id.toLowerCase()) ?? id })),
    categories: () => actionHandler.categories(),
    language: conversations.defaultLanguage,
  });

  adapter.onTurnError = async (context, error) => {
    const language = await languageOf(context.activity);
    const text = apologise(logger, error, 'Teams turn', { context: { activity: context.activity.type }, language });
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(text).catch(() => {});
  };

  /** The language of the activity's conversation, else of the sender's latest one here, else the deployment's. */
  function languageOf(activity: Activity): Promise<LanguageCode> {
    const id = activity.from?.aadObjectId ?? activity.from?.id ?? '';
    return conversations.languageFor({
      channel: 'teams',
      userId: id,
      ...(activity.conversation?.id ? { conversationKey: teamsConversationKey(activity.conversation.id) } : {}),
    });
  }

  /** Who sent the activity, with the role from the configured roster (never from the activity's own claims). */
  function actorOf(activity: Activity): Actor {
    const id = activity.from.aadObjectId ?? activity.from.id;
    if (activity.from.name) names.set(id.toLowerCase(), activity.from.name);
    const engineer = engineers.has(id.toLowerCase()) || engineers.has(activity.from.id.toLowerCase());
    return {
      id,
      ...(activity.from.name ? { name: activity.from.name } : {}),
      role: engineer ? 'engineer' : 'employee',
    };
  }

  function isAddressed(activity: Activity): boolean {
    if (activity.conversation.conversationType === 'personal' || !activity.conversation.conversationType) return true;
    return mentions(activity.entities, activity.recipient.id);
  }

  async function send(context: TurnContext, replies: Reply[]): Promise<void> {
    for (const reply of replies) {
      if (reply.kind === 'relayed') {
        await context.sendActivity({ type: 'message', text: `📤 ${reply.markdown}` });
        continue;
      }
      await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(replyCard(reply))] });
    }
  }

  /**
   * The inbox's worker: the stored activity is handled in a turn of its own, opened as a proactive
   * one (the request it came in is long answered) and carrying the activity, so replies thread
   * under it as before.
   */
  queue.handle(INBOUND, async (payload, item) => {
    const parsed = storedActivity.safeParse(payload);
    if (!parsed.success) throw new PermanentFailure('a kept Teams activity that is not an activity');
    const activity = parsed.data;
    const reference = TurnContext.getConversationReference(activity);
    await proactively(adapter, config.appId, reference, async (proactive) => {
      const context = new TurnContext(adapter, activity);
      for (const [key, value] of proactive.turnState) context.turnState.set(key, value);
      await onMessage(context, item.key);
    });
  });

  async function onMessage(context: TurnContext, deliveryId: string): Promise<void> {
    const activity = context.activity;
    const actor = actorOf(activity);
    const key = teamsConversationKey(activity.conversation.id);
    const user = { id: actor.id, ...(actor.name ? { name: actor.name } : {}) };
    const data = buttonData.safeParse(activity.value);
    if (data.success) {
      await onButton(context, data.data.helpdesk.action, data.data.helpdesk.value, data.data, actor, key, deliveryId);
      return;
    }
    const text = teamsTextToPlain(TurnContext.removeRecipientMention(activity) ?? activity.text);
    // A reply under a triage card goes to the requester.
    const thread = splitThreadId(activity.conversation.id);
    const card = thread ? await threads.find('teams', thread.channel, thread.messageId) : null;
    const addressed = isAddressed(activity);
    if (card?.role === 'triage') {
      try {
        // The kept activity names the comment: handled again (after a crash), it is not added twice.
        const { internal } = await actionHandler.replyUnderCard(card.ticketKey, actor, text, deliveryId);
        const say = messagesFor(conversations.defaultLanguage);
        await context.sendActivity(internal ? `🔒 ${say('eng.reply.internal')}` : `📤 ${say('eng.reply.relayed')}`);
      } catch (error) {
        // Unexpected failures are thrown: the inbox tries the reply again later.
        if (!isCoreError(error)) throw error;
        // Someone not on the roster is told only when they asked the bot; thread chatter is left alone.
        if (error.code === 'FORBIDDEN' && !addressed) return;
        // Under an engineers' card: in the card's words, whoever wrote (as its buttons' refusals).
        await context.sendActivity(refusalText(error, messagesFor(conversations.defaultLanguage)));
      }
      return;
    }
    // Commands only when said to the bot: in a channel, "mine" would show someone's tickets to everyone.
    const help = addressed ? HELP_WORDS.get(text.toLowerCase()) : undefined;
    if (help !== undefined) {
      // A word names its language; '?' says none: the conversation's.
      await context.sendActivity(messagesFor(help ?? (await languageOf(activity)))('help.teams'));
      return;
    }
    if (addressed && /^(ticket|new ticket)$/i.test(text)) {
      const language = await languageOf(activity);
      await context.sendActivity({
        type: 'message',
        attachments: [CardFactory.adaptiveCard(ticketFormCard({ categories: conversations.categories(), language }))],
      });
      return;
    }
    if (addressed && /^web$/i.test(text)) {
      const language = await languageOf(activity);
      const say = messagesFor(language);
      // A link said in a channel would sign in whoever clicks it first: only in the personal chat.
      if (activity.conversation.conversationType && activity.conversation.conversationType !== 'personal') {
        await context.sendActivity(say('web.personalOnly'));
        return;
      }
      // The Teams client's own zone (activity.localTimezone) becomes the web view's until they choose one.
      const reply = await webSignInReply(deps.web, 'teams', actor, { chatZone: activity.localTimezone, language });
      await context.sendActivity(reply.url ? `${reply.text}\n\n[${say('web.open')}](${reply.url})` : reply.text);
      return;
    }
    if (addressed && /^(mine|my tickets|status)$/i.test(text)) {
      const mine = await tickets.ticketsOf(actor.id, 15);
      const queue = actor.role === 'engineer' ? queueView(await tickets.queue(200), actor.id, tickets.sla) : null;
      const language = await languageOf(activity);
      await context.sendActivity({
        type: 'message',
        attachments: [CardFactory.adaptiveCard(ticketListCard(mine, queue, language, conversations.defaultLanguage))],
      });
      return;
    }
    const turn: Turn = { conversationKey: key, channel: 'teams', user, text, addressed, deliveryId };
    await send(context, await conversations.handle(turn, { retryable: true }));
  }

  /** An Action.Submit: a conversation button, a ticket button (fallback of Action.Execute), or the ticket form. */
  async function onButton(
    context: TurnContext,
    action: string,
    value: string | undefined,
    inputs: Record<string, unknown>,
    actor: Actor,
    key: string,
    deliveryId: string,
  ): Promise<void> {
    const user = { id: actor.id, ...(actor.name ? { name: actor.name } : {}) };
    if (action === actions.submitTicketForm) {
      const fields = {
        subject: str(inputs.subject),
        description: str(inputs.description),
        priority: str(inputs.priority),
        category: str(inputs.category),
      };
      const replies = await conversations.handle(
        { conversationKey: key, channel: 'teams', user, form: { fields }, deliveryId },
        { retryable: true },
      );
      const errors = replies.find((r) => r.kind === 'form_errors');
      if (errors && errors.kind === 'form_errors') {
        // Shown again in the words its errors are in: the conversation's.
        const card = CardFactory.adaptiveCard(
          ticketFormCard({
            categories: conversations.categories(),
            language: errors.language ?? DEFAULT_LANGUAGE,
            values: fields,
            errors: errors.errors,
          }),
        );
        // Show the errors in the form itself where Teams lets us replace it.
        if (context.activity.replyToId)
          await context.updateActivity({ type: 'message', id: context.activity.replyToId, attachments: [card] });
        else await context.sendActivity({ type: 'message', attachments: [card] });
        return;
      }
      await send(context, replies);
      return;
    }
    if (actionHandler.isTicketAction(action)) {
      const result = await ticketAction(context.activity, action, value, inputs, actor, {
        retryable: true,
        origin: deliveryId,
      });
      await context.sendActivity(result.message);
      return;
    }
    await send(
      context,
      await conversations.handle(
        {
          conversationKey: key,
          channel: 'teams',
          user,
          action: { id: action, ...(value !== undefined ? { value } : {}) },
          deliveryId,
        },
        { retryable: true },
      ),
    );
  }

  /** A ticket button from a card; returns the sentence for the person and, on success, the changed ticket. */
  async function ticketAction(
    activity: Activity,
    action: string,
    value: string | undefined,
    inputs: Record<string, unknown>,
    actor: Actor,
    options: { retryable?: boolean; origin?: string | undefined } = {},
  ): Promise<{ ok: boolean; message: string; ticketKey?: string }> {
    try {
      const thread = splitThreadId(activity.conversation.id);
      const refused = await actionHandler.refuseButton(action, value, actor, {
        chat: 'teams',
        address: thread?.channel,
        messageId: thread?.messageId,
      });
      if (refused) return { ok: false, message: refused };
      const input: TicketActionInput = {};
      // Each show-card names its reason field its own way (see triageCardJson).
      const reason = str(
        action === ticketActions.priority
          ? inputs.priorityReason
          : action === ticketActions.category
            ? inputs.categoryReason
            : inputs.reason,
      );
      if (reason) input.reason = reason;
      if (str(inputs.priority)) input.priority = str(inputs.priority)!;
      if (str(inputs.category)) input.category = str(inputs.category)!;
      if (str(inputs.resolution)) input.resolution = str(inputs.resolution)!;
      if (str(inputs.tier)) input.tier = str(inputs.tier)!;
      if (str(inputs.text)) input.text = str(inputs.text)!;
      if (str(inputs.vendorName)) input.vendorName = str(inputs.vendorName)!;
      if (str(inputs.vendorCaseRef)) input.vendorCaseRef = str(inputs.vendorCaseRef)!;
      if (str(inputs.vendorContact)) input.vendorContact = str(inputs.vendorContact)!;
      const assigneeId = str(inputs.assignee);
      if (assigneeId) {
        if (!engineers.has(assigneeId.toLowerCase()))
          return { ok: false, message: messagesFor(conversations.defaultLanguage)('eng.form.onRoster') };
        input.assignee = {
          id: assigneeId,
          ...(names.get(assigneeId.toLowerCase()) ? { name: names.get(assigneeId.toLowerCase())! } : {}),
          role: 'engineer',
        };
      }
      const result = await actionHandler.perform({ actionId: action, value, actor, input, origin: options.origin });
      return { ok: true, message: result.message, ticketKey: result.ticket.key };
    } catch (error) {
      // From the inbox, an unexpected failure is tried again later rather than apologised for.
      if (options.retryable && !isCoreError(error)) throw error;
      if (isCoreError(error))
        return {
          ok: false,
          message: await actionHandler.refusal(error, { actionId: action, value, actor }, () => languageOf(activity)),
        };
      return { ok: false, message: failure(error, `ticket button ${action}`, await languageOf(activity)) };
    }
  }

  /** Action.Execute: act, then answer with the card as it now is (for the presser) or a message. */
  async function onExecute(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const invoke = executeInvoke.safeParse(activity.value);
    const respond = (body: unknown) => context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
    if (!invoke.success) {
      await respond({
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'Not an Action.Execute payload.' },
      });
      return;
    }
    // Answered in the request, so it cannot wait in the inbox while the bot starts.
    if (!isReady()) {
      const value = startingMessage(await languageOf(activity));
      await respond({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value });
      return;
    }
    const data = invoke.data.action.data ?? {};
    const button = buttonData.safeParse(data);
    const actionId = button.success ? button.data.helpdesk.action : invoke.data.action.verb;
    const value = button.success ? button.data.helpdesk.value : undefined;
    if (!actionHandler.isTicketAction(actionId)) {
      const value = messagesFor(await languageOf(activity))('button.unknown');
      await respond({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value });
      return;
    }
    const result = await ticketAction(activity, actionId, value, data, actorOf(activity));
    // A draft changes no card: say where it went.
    if (!result.ok || !result.ticketKey || actionId === ticketActions.promote) {
      await respond({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result.message });
      return;
    }
    const ticket = await tickets.get(result.ticketKey);
    await respond({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: notifier.card({ ticket }),
    });
  }

  function failure(error: unknown, what: string, language: LanguageCode): string {
    return apologise(logger, error, what, { language });
  }

  async function onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    // Remember how to reach this conversation (and the region's service URL) for proactive posts.
    const reference = TurnContext.getConversationReference(activity);
    await addresses.put(teamsConversationKey(activity.conversation.id), 'teams', { ...reference });
    if (activity.serviceUrl) await addresses.put(SERVICE_URL_KEY, 'teams', { serviceUrl: activity.serviceUrl });
    if (activity.type === ActivityTypes.Message) {
      // Kept before the Bot Connector is answered, worked on by the inbox's worker (below). The
      // Connector can deliver an activity twice: its id is the key, so a repeat is dropped. If the
      // database cannot keep it, the error reaches onTurnError and the person is asked to resend.
      const key = activity.id ? `teams:${activity.conversation.id}:${activity.id}` : `teams:new:${randomUUID()}`;
      const added = await queue.enqueue({
        key,
        kind: INBOUND,
        orderKey: `teams:${activity.conversation.id}`,
        payload: JSON.stringify(activity),
      });
      if (!added) logger.info({ key }, 'repeated Teams activity ignored');
      return;
    }
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      await onExecute(context);
      return;
    }
    // conversationUpdate, installationUpdate and the rest: the reference above is all we need.
  }

  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '256kb' }), async (req: Request, res: Response) => {
    const shape = activityShape.safeParse(req.body);
    if (!shape.success) {
      res.status(400).json({
        error: 'not a Bot Framework activity',
        issues: shape.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
      });
      return;
    }
    try {
      await adapter.process(req, res, (context) => onTurn(context));
    } catch (error) {
      logger.error({ err: error }, 'Teams request failed');
      if (!res.headersSent) res.status(400).json({ error: 'the activity could not be processed' });
    }
  });
  // express.json's errors as plain answers: 413 for a body over its limit, 400 for the rest.
  router.use(
    '/api/messages',
    (error: Error & { type?: string }, _req: Request, res: Response, next: (error?: unknown) => void) => {
      if (res.headersSent) return next(error);
      if (error.type === 'entity.too.large') res.status(413).json({ error: 'body too large' });
      else res.status(400).json({ error: 'malformed JSON' });
    },
  );
  deps.http.use(router);

  return {
    name: 'teams',
    notifier,
    describe: () => 'Teams (POST /api/messages)',
    // The Bot Connector posts to /api/messages, mounted above: nothing to connect.
    async start() {},
    // Starts a new thread with the message in the channel.
    async say(channelId, markdown) {
      await adapter.createConversationAsync(
        config.appId,
        'msteams',
        await serviceUrl(),
        '',
        {
          isGroup: true,
          channelData: { channel: { id: channelId } },
          activity: { type: 'message', text: markdown, textFormat: 'markdown' } as never,
          bot: { id: config.appId, name: 'IT Help' },
          members: [],
          ...(config.tenantId ? { tenantId: config.tenantId } : {}),
        },
        async () => {},
      );
    },
    async stop() {},
  };
}
