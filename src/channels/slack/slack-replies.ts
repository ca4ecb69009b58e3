import type { WebClient } from '@slack/web-api';
import { givenUpApology } from '../../core/apology.js';
import type { ConversationService } from '../../core/conversation/conversation-service.js';
import type { Reply, Turn } from '../../core/conversation/turn.js';
import type { QueuedItem } from '../../core/delivery/work-queue.js';
import type { Logger } from '../../core/logger.js';
import { renderReply } from './block-kit.js';
import { NO_UNFURL } from './slack-notifier.js';
import { personOf, teamOf } from './slack-payloads.js';
import { slackConversationKey, type SlackThreadRef } from './conversation-key.js';

/** Where a private note goes: ephemeral in a channel (in a thread, if given). */
export interface NotePlace {
  channel: string;
  threadTs?: string;
}

/** What the listeners say back in Slack: the core's replies rendered in a thread, and private notes. */
export interface SlackReplies {
  /** Runs a turn through the core and posts the replies in the thread; `replace` turns a placeholder into the first reply. */
  converse(
    turn: Turn,
    where: SlackThreadRef,
    options?: { userMessageTs?: string; replace?: string; deliveryId?: unknown },
  ): Promise<Reply[]>;
  /** A private note to one person: ephemeral where there is a channel, a DM otherwise. Never throws (logged). */
  tell(user: string, text: string, where?: NotePlace): Promise<void>;
  /** Work given up on (an hour of failures, or Slack refusing it): the person hears of it instead of nothing. */
  givenUp(payload: unknown, item: QueuedItem): Promise<void>;
}

export function slackReplies(client: WebClient, conversations: ConversationService, logger: Logger): SlackReplies {
  async function tell(user: string, text: string, where?: NotePlace): Promise<void> {
    try {
      if (where) {
        await client.chat.postEphemeral({
          channel: where.channel,
          user,
          text,
          ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
        });
      } else {
        await client.chat.postMessage({ channel: user, text, ...NO_UNFURL });
      }
    } catch (error) {
      logger.warn({ err: error, user }, 'could not tell the user');
    }
  }

  return {
    tell,
    async converse(turn, where, options = {}) {
      // From the inbox: a failure is thrown, so the delivery is tried again instead of answered with an apology.
      const deliveryId = typeof options.deliveryId === 'string' ? options.deliveryId : undefined;
      const replies = await conversations.handle(deliveryId ? { ...turn, deliveryId } : turn, { retryable: true });
      let replace = options.replace;
      for (const reply of replies) {
        if (reply.kind === 'relayed') {
          if (options.userMessageTs) {
            await client.reactions
              .add({ channel: where.channel, timestamp: options.userMessageTs, name: 'outbox_tray' })
              .catch((error: unknown) => {
                logger.warn({ err: error }, 'could not add the "passed on" reaction');
              });
          }
          continue;
        }
        const message = renderReply(reply);
        if (replace) {
          await client.chat.update({ channel: where.channel, ts: replace, ...message });
          replace = undefined;
        } else {
          await client.chat.postMessage({
            channel: where.channel,
            thread_ts: where.threadTs,
            ...message,
            ...NO_UNFURL,
          });
        }
      }
      return replies;
    },
    async givenUp(payload, item) {
      const who = personOf(payload);
      if (!who) return;
      // In the language of the conversation it was given up in (a message's thread), else the person's.
      const language = await conversations.languageFor({
        channel: 'slack',
        userId: who.user,
        ...(who.channel && who.threadTs
          ? {
              conversationKey: slackConversationKey({
                team: teamOf(payload),
                channel: who.channel,
                threadTs: who.threadTs,
              }),
            }
          : {}),
      });
      const text = givenUpApology(who.what, item.key, language);
      if (who.threadTs && who.channel) {
        await client.chat.postMessage({ channel: who.channel, thread_ts: who.threadTs, text, ...NO_UNFURL });
        return;
      }
      await tell(who.user, text, who.channel ? { channel: who.channel } : undefined);
    },
  };
}
