import { randomUUID } from 'node:crypto';
import { App } from '@slack/bolt';
import { WebClient, type RetryOptions } from '@slack/web-api';
import { actions, type Turn } from '../../core/conversation/turn.js';
import { apologise } from '../../core/apology.js';
import type { LanguageCode } from '../../core/language/languages.js';
import { messagesFor, statusText } from '../../core/messages/catalogue.js';
import { isCoreError, refusalText } from '../../core/errors.js';
import { queueView } from '../../core/tickets/queue-view.js';
import type { TicketActionInput } from '../../core/tickets/ticket-action-handler.js';
import { actionInputs, ticketActions } from '../../core/tickets/triage-card.js';
import type { SlackConfig } from '../../config/config.js';
import { ticketActionHandler, type ChannelDeps, type ChannelOptions, type ChatChannel } from '../chat-channel.js';
import {
  coreActionId,
  homeView,
  TICKET_ACTION_CALLBACK,
  TICKET_FORM_CALLBACK,
  VENDOR_BLOCKS,
  ticketActionModal,
  ticketFormModal,
  type ModalMetadata,
} from './block-kit.js';
import { slackConversationKey, type SlackThreadRef } from './conversation-key.js';
import { clip, escapeMrkdwn, markdownToMrkdwn } from './mrkdwn.js';
import { NO_UNFURL, SlackNotifier } from './slack-notifier.js';
import { openMetadata, sealMetadata } from './modal-seal.js';
import { SlackAudiences } from './slack-audiences.js';
import { SlackPeople, SlackRoster } from './slack-people.js';
import { SlackProfiles, type SlackProfileCacheOptions } from './slack-profiles.js';
import { webSignInReply } from '../../core/web/web-access.js';
import { slackReplies } from './slack-replies.js';
import { slackTextToPlain } from './slack-text.js';
import { boltLogger, checkBotToken, slackInbox, slackReceiver, webClientOptions } from './slack-transport.js';
import {
  fromPerson,
  inboundOf,
  mentionEvent,
  messageEvent,
  modalMetadata,
  pressedElement,
  pressedMessage,
  slackMessage,
  teamOf,
  type SlackMessage,
} from './slack-payloads.js';

/** Kept here for the callers that import it with the channel (the inbox-key tests). */
export { inboundOf };

export const SLASH_COMMAND = '/helpdesk';
export const MESSAGE_SHORTCUT = 'create_ticket_from_message';
export const HOME_NEW_TICKET = 'home.new_ticket';
export const TICKET_REACTION = 'ticket';
/** Action ids the app answers; anything else gets a polite "unknown button". */
const KNOWN_ACTIONS = /^(feedback|article|suggestions|ticket|home|script)\./;

/** What the service gives every chat (the Slack endpoint is mounted on its HTTP app in HTTP mode), and Slack's own settings. */
export interface SlackChannelDeps extends ChannelDeps {
  config: SlackConfig;
  /** Retry policy for Slack's Web API (429s are waited out; 5xx and network errors retried). */
  retry?: RetryOptions;
  /** How long and how many people's profiles are kept (tests shorten them and bring a clock). */
  profiles?: SlackProfileCacheOptions;
}

/** The Slack channel: verifies and converts Slack's requests, asks the core, renders the answers. */
export interface SlackChannel extends ChatChannel {
  readonly notifier: SlackNotifier;
  readonly mode: 'http' | 'socket';
}

/** The Slack channel as the service opens it (see `chats` in ../chat-channel.ts). */
export function openSlackChannel(config: SlackConfig, deps: ChannelDeps, options: ChannelOptions = {}): SlackChannel {
  return createSlackChannel({
    config,
    ...deps,
    ...(options.slackRetry ? { retry: options.slackRetry } : {}),
    ...(options.slackProfiles ? { profiles: options.slackProfiles } : {}),
  });
}

export function createSlackChannel(deps: SlackChannelDeps): SlackChannel {
  const { config, conversations, tickets, threads, queue, logger } = deps;
  const log = boltLogger(logger);
  const { isReady } = deps;
  const socket = Boolean(config.appToken);
  const clientOptions = webClientOptions(config, deps.retry, log);
  const client = new WebClient(config.botToken, clientOptions);
  const people = new SlackPeople(
    client,
    config.engineerGroups,
    config.engineers,
    logger,
    new SlackProfiles(client, logger, deps.profiles),
  );
  // Lead groups (SLACK_LEAD_GROUPS): the core asks this chat whether a member is in one, at each web request.
  if (config.leadGroups.length > 0) {
    const leads = new SlackRoster(client, config.leadGroups, [], logger, 'lead');
    deps.web?.registerLeadGroups('slack', (id) => leads.has(id));
  }
  // Membership of the audiences' user groups is read from Slack, by this chat's own client.
  deps.audiences?.directory.register('slack', new SlackAudiences(client, deps.audiences.members, logger));
  const actionHandler = ticketActionHandler(deps);
  const notifier = new SlackNotifier({
    client,
    threads,
    router: deps.router,
    sla: tickets.sla,
    logger,
    language: conversations.defaultLanguage,
  });
  const { converse, tell, givenUp } = slackReplies(client, conversations, logger);
  const inbox = slackInbox(queue, logger, givenUp);
  const keep = inbox.keep;
  let app: InstanceType<typeof App> | undefined;
  let botUserId: string | undefined;

  /** A sentence for the person when something unexpected failed (a broken database, Slack down); the log has the rest. */
  function failure(error: unknown, what: string, language: LanguageCode): string {
    return apologise(logger, error, what, { language });
  }

  /**
   * The language to speak to someone in outside a turn: that of the conversation in `thread`
   * when there is one, else of their latest conversation here, else the deployment's.
   */
  function languageOf(userId: string, thread?: SlackThreadRef): Promise<LanguageCode> {
    return conversations.languageFor({
      channel: 'slack',
      userId,
      ...(thread ? { conversationKey: slackConversationKey(thread) } : {}),
    });
  }

  /** Who sent a turn: their name is asked of Slack (users.info) only by a turn that records it, such as a ticket. */
  function turnUser(team: string, userId: string): Turn['user'] {
    return { id: userId, lookUpName: () => people.name(team, userId) };
  }

  async function publishHome(team: string, userId: string): Promise<void> {
    // The page shows no name: only the role is asked (users.info is not).
    const [engineer, language] = await Promise.all([people.isEngineer(userId), languageOf(userId)]);
    const mine = await tickets.ticketsOf(userId, 15);
    const queue = engineer ? queueView(await tickets.queue(200), userId, tickets.sla) : null;
    await client.views.publish({
      user_id: userId,
      view: homeView({
        mine,
        queue,
        newTicketAction: HOME_NEW_TICKET,
        language,
        engineersLanguage: conversations.defaultLanguage,
      }),
    });
  }

  /** A modal whose metadata is signed and bound to the person it is opened for (see modal-seal.ts). */
  function sealed<V extends { private_metadata?: string }>(view: V, opener: string): V {
    // Our own metadata, put there by block-kit.ts a moment ago.
    const metadata = modalMetadata.parse(JSON.parse(view.private_metadata ?? '{}'));
    return { ...view, private_metadata: sealMetadata(config.signingSecret, metadata, opener) };
  }

  /** A payload that does not have the shape its listener reads: logged and dropped, never a crash. */
  function unreadable(what: string, error: unknown): void {
    logger.warn({ err: error }, `unreadable Slack ${what} ignored`);
  }

  /** Registers every listener; called once the bot's identity is known. */
  function register(app: InstanceType<typeof App>): void {
    // --- Middleware ----------------------------------------------------------------------------

    // Thrown on, so that work from the inbox is tried again (and a request not yet answered gets a 500).
    app.error(async (error) => {
      logger.error({ err: error }, 'Slack listener failed');
      throw error;
    });

    // --- Employees: messages, mentions, the slash command --------------------------------------

    app.event('message', async ({ event, body, context }) => {
      const parsed = messageEvent.safeParse(event);
      if (!parsed.success) return unreadable('message event', parsed.error);
      const message = parsed.data;
      // Edits, joins, deletions and bots (ourselves included) are not questions.
      if (!fromPerson(message) || !message.user) return;
      const team = teamOf(body);
      const raw = message.text ?? '';
      if (message.channel_type === 'im') {
        const where = { team, channel: message.channel, threadTs: message.thread_ts ?? message.ts };
        await converse(
          {
            conversationKey: slackConversationKey(where),
            channel: 'slack',
            user: turnUser(team, message.user),
            text: slackTextToPlain(raw, botUserId),
          },
          where,
          { userMessageTs: message.ts, deliveryId: context.deliveryId },
        );
        return;
      }
      // In channels, a mention is handled by app_mention; here only thread replies matter.
      if (!message.thread_ts || (botUserId && raw.includes(`<@${botUserId}>`))) return;
      const card = await threads.find('slack', message.channel, message.thread_ts);
      if (card?.role === 'triage') {
        await engineerReply(team, card.ticketKey, message.user, slackTextToPlain(raw, botUserId), {
          channel: message.channel,
          threadTs: message.thread_ts,
          ts: message.ts,
        });
        return;
      }
      const where = { team, channel: message.channel, threadTs: message.thread_ts };
      await converse(
        {
          conversationKey: slackConversationKey(where),
          channel: 'slack',
          user: turnUser(team, message.user),
          text: slackTextToPlain(raw, botUserId),
          addressed: false,
        },
        where,
        { userMessageTs: message.ts, deliveryId: context.deliveryId },
      );
    });

    /** An engineer's reply under a triage card goes to the requester. */
    async function engineerReply(
      team: string,
      ticketKey: string,
      userId: string,
      text: string,
      at: { channel: string; threadTs: string; ts: string },
    ): Promise<void> {
      if (!text) return;
      try {
        // The message's own id names the comment: handled again (after a crash), it is not added twice.
        const { internal } = await actionHandler.replyUnderCard(
          ticketKey,
          await people.actor(team, userId),
          text,
          `slack:message:${at.channel}:${at.ts}`,
        );
        await client.reactions
          .add({ channel: at.channel, timestamp: at.ts, name: internal ? 'lock' : 'outbox_tray' })
          .catch(() => {});
      } catch (error) {
        // Unexpected failures are thrown: the inbox tries the reply again later.
        if (!isCoreError(error)) throw error;
        // Under an engineers' card: in the card's words, whoever wrote (as its buttons' refusals).
        await tell(userId, refusalText(error, messagesFor(conversations.defaultLanguage)), at);
      }
    }

    app.event('app_mention', async ({ event, body, context }) => {
      const parsed = mentionEvent.safeParse(event);
      if (!parsed.success) return unreadable('app_mention event', parsed.error);
      const mention = parsed.data;
      if (!mention.user || mention.bot_id) return;
      // Mentioning the bot under a triage card is still a reply to the requester.
      const card = mention.thread_ts ? await threads.find('slack', mention.channel, mention.thread_ts) : null;
      if (card?.role === 'triage' && mention.thread_ts) {
        await engineerReply(teamOf(body), card.ticketKey, mention.user, slackTextToPlain(mention.text, botUserId), {
          channel: mention.channel,
          threadTs: mention.thread_ts,
          ts: mention.ts,
        });
        return;
      }
      const where = { team: teamOf(body), channel: mention.channel, threadTs: mention.thread_ts ?? mention.ts };
      await converse(
        {
          conversationKey: slackConversationKey(where),
          channel: 'slack',
          user: turnUser(where.team, mention.user),
          text: slackTextToPlain(mention.text, botUserId),
        },
        where,
        { userMessageTs: mention.ts, deliveryId: context.deliveryId },
      );
    });

    app.command(SLASH_COMMAND, async ({ command, ack, body, context }) => {
      const text = command.text.trim();
      // Said to this person alone, outside any conversation: in their language.
      const language = await languageOf(command.user_id);
      const say = messagesFor(language);
      if (!text || /^(ticket|new|new ticket)$/i.test(text)) {
        // The form lists the knowledge base's categories: not loaded yet while the bot starts.
        if (!isReady()) {
          await ack({ response_type: 'ephemeral', text: say('starting') });
          return;
        }
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: sealed(
            ticketFormModal({
              categories: conversations.categories(),
              metadata: { kind: actions.submitTicketForm, language },
            }),
            command.user_id,
          ),
        });
        return;
      }
      if (/^(help|\?)$/i.test(text)) {
        await ack({ response_type: 'ephemeral', text: say('help.slack', { command: SLASH_COMMAND }) });
        return;
      }
      if (/^web$/i.test(text)) {
        // Ephemeral: only the person who asked sees their link. Their profile's zone (users.info,
        // read with the name and cached with it) becomes the web view's until they choose one.
        const [actor, zone] = await Promise.all([
          people.actor(command.team_id, command.user_id),
          people.timeZone(command.team_id, command.user_id),
        ]);
        const reply = await webSignInReply(deps.web, 'slack', actor, { chatZone: zone, language });
        await ack({
          response_type: 'ephemeral',
          text: reply.url ? `${reply.text}\n<${reply.url}|${say('web.open')}>` : reply.text,
        });
        return;
      }
      if (/^(mine|my tickets|status)$/i.test(text)) {
        const mine = await tickets.ticketsOf(command.user_id, 10);
        await ack({
          response_type: 'ephemeral',
          text: mine.length
            ? mine
                .map(
                  (t) =>
                    `*${t.key}* ${statusText(language, t.status)} · ${t.priority} · ${escapeMrkdwn(clip(t.subject, 80))}`,
                )
                .join('\n')
            : say('ticket.noneYet'),
        });
        return;
      }
      if (!context.queued) {
        // Kept in the inbox before Slack is answered; the queued pass below does the work.
        await keep(`slack:command:${randomUUID()}`, `slack:${command.team_id}:${command.user_id}`, body);
        await ack({ response_type: 'ephemeral', text: say('slack.answerInDm') });
        return;
      }
      // The question's own language is not known before the core reads it: the person's so far.
      const root = await client.chat.postMessage({
        channel: command.user_id,
        text: say('slack.youAsked', { question: escapeMrkdwn(clip(text, 2000)) }),
        ...NO_UNFURL,
      });
      if (!root.channel || !root.ts) return;
      const where = { team: command.team_id, channel: root.channel, threadTs: root.ts };
      await converse(
        {
          conversationKey: slackConversationKey(where),
          channel: 'slack',
          user: turnUser(command.team_id, command.user_id),
          text,
        },
        where,
        { deliveryId: context.deliveryId },
      );
    });

    // --- Tickets from messages: the shortcut and the :ticket: reaction --------------------------

    app.shortcut(MESSAGE_SHORTCUT, async ({ shortcut, ack }) => {
      await ack();
      if (shortcut.type !== 'message_action') return;
      const parsed = slackMessage.safeParse(shortcut.message);
      // The form is the reporter's: in the language of the message's thread when the bot speaks
      // there (a conversation of theirs or the author's), else the reporter's own.
      const thread = parsed.success
        ? { team: teamOf(shortcut), channel: shortcut.channel.id, threadTs: parsed.data.thread_ts ?? parsed.data.ts }
        : undefined;
      const language = await languageOf(shortcut.user.id, thread);
      const say = messagesFor(language);
      if (!isReady()) {
        await tell(shortcut.user.id, say('starting'), { channel: shortcut.channel.id });
        return;
      }
      if (!parsed.success) {
        unreadable('shortcut message', parsed.error);
        await tell(shortcut.user.id, say('ticket.notFromMessage'), { channel: shortcut.channel.id });
        return;
      }
      const message = parsed.data;
      const text = slackTextToPlain(message.text ?? '', botUserId);
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: sealed(
          ticketFormModal({
            categories: conversations.categories(),
            subject: clip(text.split('\n')[0] ?? '', 120),
            description: text,
            metadata: {
              kind: actions.submitTicketForm,
              language,
              thread: { channel: shortcut.channel.id, threadTs: message.thread_ts ?? message.ts },
              ...(message.user ? { requester: message.user } : {}),
              context: { reportedBy: shortcut.user.id, messageTs: message.ts, channel: shortcut.channel.id },
            },
          }),
          shortcut.user.id,
        ),
      });
    });

    app.event('reaction_added', async ({ event, body, context }) => {
      if (event.reaction !== TICKET_REACTION || event.item.type !== 'message') return;
      const { channel, ts } = event.item;
      const message = await fetchMessage(client, channel, ts);
      if (!message?.user || message.bot_id) {
        await tell(event.user, messagesFor(await languageOf(event.user))('ticket.notFromMessage'), { channel });
        return;
      }
      const where = { team: teamOf(body), channel, threadTs: message.thread_ts ?? message.ts };
      const permalink = await client.chat
        .getPermalink({ channel, message_ts: ts })
        .then((r) => r.permalink)
        .catch(() => undefined);
      await converse(
        {
          conversationKey: slackConversationKey(where),
          channel: 'slack',
          user: turnUser(where.team, message.user),
          text: slackTextToPlain(message.text ?? '', botUserId),
          action: { id: actions.ticketFromMessage },
          context: { reportedBy: event.user, messageTs: ts, channel, ...(permalink ? { permalink } : {}) },
        },
        where,
        { deliveryId: context.deliveryId },
      );
    });

    // --- Buttons -------------------------------------------------------------------------------

    app.action(KNOWN_ACTIONS, async ({ ack, body, action, context }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      const element = pressedElement.safeParse(action);
      if (!element.success) {
        unreadable('button press', element.error);
        await tell(body.user.id, messagesFor(await languageOf(body.user.id))('button.unknown'));
        return;
      }
      const id = coreActionId(element.data.action_id);
      const value = element.data.value;
      const userId = body.user.id;
      const channel = body.channel?.id;
      const message = pressedMessage.parse(body.message);
      const where = channel && message ? { channel, threadTs: message.thread_ts ?? message.ts } : undefined;

      if (id === HOME_NEW_TICKET) {
        const language = await languageOf(userId);
        await client.views.open({
          trigger_id: body.trigger_id,
          view: sealed(
            ticketFormModal({
              categories: conversations.categories(),
              metadata: { kind: actions.submitTicketForm, language },
            }),
            userId,
          ),
        });
        return;
      }
      if (actionHandler.isTicketAction(id)) {
        const origin = typeof context.deliveryId === 'string' ? context.deliveryId : undefined;
        await ticketButton(id, value, {
          team: teamOf(body),
          userId,
          triggerId: body.trigger_id,
          channel,
          messageTs: message?.ts,
          where,
          fromHome: body.container?.type === 'view',
          origin,
        });
        return;
      }
      if (!where) {
        await tell(userId, messagesFor(await languageOf(userId))('button.unknown'));
        return;
      }
      const full = { team: teamOf(body), ...where };
      await converse(
        {
          conversationKey: slackConversationKey(full),
          channel: 'slack',
          user: turnUser(full.team, userId),
          action: { id, ...(value !== undefined ? { value } : {}) },
        },
        full,
        { deliveryId: context.deliveryId },
      );
    });

    // Buttons from other apps' or older versions' messages: acknowledge and say so.
    app.action(/^(?!(feedback|article|suggestions|ticket|home|script)\.)/, async ({ ack, body }) => {
      await ack();
      const channel = 'channel' in body ? body.channel?.id : undefined;
      const language = await languageOf(body.user.id);
      await tell(body.user.id, messagesFor(language)('button.unknown'), channel ? { channel } : undefined);
    });

    async function ticketButton(
      id: string,
      value: string | undefined,
      at: {
        team: string;
        userId: string;
        triggerId: string;
        channel: string | undefined;
        messageTs: string | undefined;
        where: { channel: string; threadTs: string } | undefined;
        fromHome: boolean;
        origin: string | undefined;
      },
    ): Promise<void> {
      const actor = await people.actor(at.team, at.userId);
      const replyTo = at.where ?? (at.channel ? { channel: at.channel } : undefined);
      try {
        const refused = await actionHandler.refuseButton(
          id,
          value,
          actor,
          at.fromHome ? 'home' : { chat: 'slack', address: at.channel, messageId: at.messageTs },
        );
        if (refused) {
          await tell(at.userId, refused, replyTo);
          return;
        }
        const input = actionInputs[id];
        if (input) {
          // The form shows the ticket's subject: only its requester and engineers may see it, and
          // someone else learns nothing, not even whether the key exists.
          const ticket = await tickets.get(value ?? '').catch((error: unknown) => {
            if (actor.role !== 'engineer' && isCoreError(error) && error.code === 'NOT_FOUND') return null;
            throw error;
          });
          if (!ticket || (actor.role !== 'engineer' && ticket.requesterId !== at.userId)) {
            const language = ticket?.language ?? (await languageOf(at.userId));
            await tell(at.userId, messagesFor(language)('ticket.onlyYours'), replyTo);
            return;
          }
          // A requester's form on their ticket speaks the ticket's language, as its updates; an engineer's the engineers'.
          const language =
            actor.role === 'engineer'
              ? conversations.defaultLanguage
              : (ticket.language ?? (await languageOf(at.userId)));
          const metadata: ModalMetadata = {
            kind: id,
            ticketKey: ticket.key,
            language,
            ...(replyTo ? { reply: replyTo } : {}),
          };
          const categories = input === 'category' ? { categories: actionHandler.categories() } : {};
          await client.views.open({
            trigger_id: at.triggerId,
            view: sealed(ticketActionModal({ kind: input, ticket, metadata, language, ...categories }), at.userId),
          });
          return;
        }
        const result = await actionHandler.perform({ actionId: id, value, actor, origin: at.origin });
        if (id === ticketActions.rate || id === ticketActions.promote) await tell(at.userId, result.message, replyTo);
        if (at.fromHome) await publishHome(at.team, at.userId);
      } catch (error) {
        if (!isCoreError(error)) throw error;
        await tell(
          at.userId,
          await actionHandler.refusal(error, { actionId: id, value, actor }, () => languageOf(at.userId)),
          replyTo,
        );
      }
    }

    // --- Modals --------------------------------------------------------------------------------

    app.view(TICKET_FORM_CALLBACK, async ({ ack, body, view, context }) => {
      const values = view.state.values;
      const fields = {
        subject: values.subject?.value?.value ?? undefined,
        description: values.description?.value?.value ?? undefined,
        priority: values.priority?.value?.selected_option?.value ?? undefined,
        category: values.category?.value?.selected_option?.value ?? undefined,
      };
      const meta = openMetadata(config.signingSecret, view.private_metadata, body.user.id);
      if (!meta || meta.kind !== actions.submitTicketForm) {
        const say = messagesFor(await languageOf(body.user.id));
        await ack({ response_action: 'errors', errors: { subject: say('form.outOfDate') } });
        return;
      }
      // The form's own language (set when it was opened): its errors, placeholders and conversation speak it.
      const language = meta.language ?? (await languageOf(body.user.id));
      const say = messagesFor(language);
      if (!context.queued) {
        // While the bot starts the form stays open with a note, so nothing typed is lost.
        if (!isReady()) {
          await ack({ response_action: 'errors', errors: { subject: say('starting') } });
          return;
        }
        // Errors are shown in the form itself, so they are found before Slack is answered; a valid
        // form is kept in the inbox first, and the queued pass below opens the ticket.
        const errors = conversations.ticketFormErrors(fields, language);
        if (errors) {
          await ack({ response_action: 'errors', errors });
          return;
        }
        // Keyed by the modal: the same submission sent twice opens one ticket.
        await keep(`slack:view:${view.id}`, `slack:${teamOf(body)}:${body.user.id}`, body);
        await ack();
        return;
      }
      const subject = (fields.subject ?? '').trim() || 'Help requested';
      const userId = body.user.id;
      const requester = meta.requester ?? userId;
      const team = teamOf(body);
      let where: SlackThreadRef | undefined;
      let placeholder: string | undefined;
      if (meta.thread) {
        // The ticket lives in the message's thread, where its author sees the updates.
        const posted = await client.chat
          .postMessage({
            channel: meta.thread.channel,
            thread_ts: meta.thread.threadTs,
            text: say('ticket.openingFor', { person: `<@${requester}>` }),
            ...NO_UNFURL,
          })
          .catch((error: unknown) => {
            logger.warn(
              { err: error, channel: meta.thread?.channel },
              'cannot post in the message thread; using a DM instead',
            );
            return null;
          });
        if (posted?.ts) {
          where = { team, ...meta.thread };
          placeholder = posted.ts;
        }
      }
      if (!where) {
        const root = await client.chat.postMessage({
          channel: requester,
          text: `:ticket: ${say('ticket.opening', { subject: escapeMrkdwn(clip(subject, 120)) })}`,
          ...NO_UNFURL,
        });
        if (!root.channel || !root.ts) return;
        where = { team, channel: root.channel, threadTs: root.ts };
      }
      await converse(
        {
          conversationKey: slackConversationKey(where),
          channel: 'slack',
          user: turnUser(team, requester),
          form: { fields },
          language,
          ...(meta.context || requester !== userId
            ? { context: { ...(meta.context ?? {}), ...(requester !== userId ? { reportedBy: userId } : {}) } }
            : {}),
        },
        where,
        { deliveryId: context.deliveryId, ...(placeholder ? { replace: placeholder } : {}) },
      );
    });

    app.view(TICKET_ACTION_CALLBACK, async ({ ack, body, view }) => {
      const meta = openMetadata(config.signingSecret, view.private_metadata, body.user.id);
      const values = view.state.values;
      const text = (block: string) => values[block]?.value?.value ?? undefined;
      // In the language the form was shown in (an engineer's, or a requester's on their own ticket).
      const language = meta?.language ?? (await languageOf(body.user.id));
      const say = messagesFor(language);
      if (!meta?.ticketKey || !actionHandler.isTicketAction(meta.kind)) {
        await ack({
          response_action: 'errors',
          errors: { [Object.keys(values)[0] ?? 'reason']: say('form.actionOutOfDate') },
        });
        return;
      }
      if (!isReady()) {
        await ack({
          response_action: 'errors',
          errors: {
            [Object.keys(values).find((b) => b !== 'tier') ?? Object.keys(values)[0] ?? 'reason']: say('starting'),
          },
        });
        return;
      }
      const team = teamOf(body);
      const actor = await people.actor(team, body.user.id);
      const input: TicketActionInput = {};
      const reason = text('reason');
      const resolution = text('resolution');
      const comment = text('text');
      const tier = values.tier?.value?.selected_option?.value;
      const priority = values.priority?.value?.selected_option?.value;
      const category = values.category?.value?.selected_option?.value;
      const assigneeId = values.assignee?.value?.selected_user;
      if (reason) input.reason = reason;
      if (priority) input.priority = priority;
      if (category) input.category = category;
      if (resolution) input.resolution = resolution;
      if (comment) input.text = comment;
      if (tier) input.tier = tier;
      const vendorName = text(VENDOR_BLOCKS.name);
      const vendorCaseRef = text(VENDOR_BLOCKS.caseRef);
      const vendorContact = text(VENDOR_BLOCKS.contact);
      if (vendorName) input.vendorName = vendorName;
      if (vendorCaseRef) input.vendorCaseRef = vendorCaseRef;
      if (vendorContact) input.vendorContact = vendorContact;
      if (assigneeId) {
        const assignee = await people.actor(team, assigneeId);
        if (assignee.role !== 'engineer') {
          await ack({
            response_action: 'errors',
            errors: { assignee: messagesFor(conversations.defaultLanguage)('eng.form.onRoster') },
          });
          return;
        }
        input.assignee = assignee;
      }
      // The change is made before the form closes, so a refusal shows in the form itself.
      try {
        // The modal names the change: submitted again (Slack keeps a modal's id), it is not made twice.
        const result = await actionHandler.perform({
          actionId: meta.kind,
          value: meta.ticketKey,
          actor,
          input,
          origin: `slack:view:${view.id}`,
        });
        await ack();
        if (meta.kind === ticketActions.comment || meta.kind === ticketActions.reopen)
          await tell(body.user.id, result.message, meta.reply);
        if (!meta.reply)
          await publishHome(team, body.user.id).catch((error: unknown) =>
            logger.warn({ err: error }, 'could not refresh App Home'),
          );
      } catch (error) {
        const block = Object.keys(values).find((b) => b !== 'tier') ?? Object.keys(values)[0] ?? 'reason';
        await ack({
          response_action: 'errors',
          errors: {
            [block]: isCoreError(error)
              ? await actionHandler.refusal(
                  error,
                  { actionId: meta.kind, value: meta.ticketKey, actor },
                  async () => language,
                )
              : failure(error, `ticket form ${meta.kind}`, language),
          },
        });
      }
    });

    // --- App Home ------------------------------------------------------------------------------

    app.event('app_home_opened', async ({ event, body }) => {
      if (event.tab !== 'home') return;
      await publishHome(teamOf(body), event.user);
    });
  }

  return {
    name: 'slack',
    notifier,
    mode: socket ? 'socket' : 'http',
    describe: () => `Slack (${socket ? 'Socket Mode' : 'POST /slack/events'})`,
    async say(channel, markdown) {
      await client.chat.postMessage({ channel, text: clip(markdownToMrkdwn(markdown), 3000), ...NO_UNFURL });
    },
    async start() {
      const auth = await checkBotToken(client);
      botUserId = auth.user_id;
      // Known ids spare Bolt its own auth.test call, whose failure it would not report to us.
      const receiver = slackReceiver(config, deps.http, clientOptions, log, logger);
      app = new App({
        token: config.botToken,
        receiver,
        logger: log,
        ignoreSelf: true,
        // Bolt's conversation store (context.conversation) is not used here: without it, Bolt does not
        // look each event's conversation up in memory, failing with a new Error for every one.
        convoStore: false,
        clientOptions,
        ...(auth.user_id ? { botUserId: auth.user_id } : {}),
        ...(auth.bot_id ? { botId: auth.bot_id } : {}),
      });
      register(app);
      inbox.attach(receiver, app);
      if (!people.hasRoster) {
        logger.warn(
          {},
          'no engineers configured (SLACK_ENGINEER_GROUPS / SLACK_ENGINEERS): nobody can claim tickets in Slack',
        );
      }
      if (socket) await app.start();
      logger.info({ mode: socket ? 'socket' : 'http', bot: auth.user_id, team: auth.team }, 'Slack connected');
    },
    async stop() {
      if (socket && app) await app.stop();
    },
  };
}

/** Reads a message by channel and ts: a top-level message from the history, a reply from its thread. */
async function fetchMessage(client: WebClient, channel: string, ts: string): Promise<SlackMessage | null> {
  const history = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const top = history.messages?.find((m) => m.ts === ts);
  if (top) return parsedOrNull(slackMessage, top);
  const replies = await client.conversations.replies({ channel, ts, limit: 1 }).catch(() => null);
  const reply = replies?.messages?.find((m) => m.ts === ts);
  return reply ? parsedOrNull(slackMessage, reply) : null;
}

function parsedOrNull<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
