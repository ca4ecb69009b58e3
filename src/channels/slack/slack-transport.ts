import {
  App,
  ExpressReceiver,
  LogLevel,
  SocketModeReceiver,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverEvent,
} from '@slack/bolt';
import type { RetryOptions, WebClient, WebClientOptions } from '@slack/web-api';
import type { Application } from 'express';
import { PermanentFailure, type QueuedItem, type WorkQueue } from '../../core/delivery/work-queue.js';
import type { Logger } from '../../core/logger.js';
import type { SlackConfig } from '../../config/config.js';
import { slackRefusal } from './slack-notifier.js';
import { inboundOf, storedRequest } from './slack-payloads.js';
import { slackRequestGuard } from './slack-request-guard.js';

/*
 * Slack's transport: the Web API client's settings, the token check at start, the receiver
 * (HTTP behind our guard, or Socket Mode) and the durable inbox between the receiver and Bolt.
 * What the requests mean is the listeners' business (slack-channel.ts).
 */

/** The work queue's kind for Slack requests kept in the inbox. */
const INBOUND = 'slack.inbound';

/** Bolt wants @slack/logger's interface; ours is pino-shaped. */
export function boltLogger(logger: Logger): BoltLogger {
  const join = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => logger.debug({ source: 'bolt' }, join(msg)),
    info: (...msg) => logger.debug({ source: 'bolt' }, join(msg)),
    warn: (...msg) => logger.warn({ source: 'bolt' }, join(msg)),
    error: (...msg) => logger.error({ source: 'bolt' }, join(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

/** The Web API client's settings: SLACK_API_URL, retries (429s are waited out; 5xx and network errors retried), a timeout. */
export function webClientOptions(
  config: SlackConfig,
  retry: RetryOptions | undefined,
  log: BoltLogger,
): WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } : {}),
    retryConfig: retry ?? { retries: 8, factor: 2, minTimeout: 500, maxTimeout: 30_000 },
    timeout: 15_000,
    logger: log,
  };
}

/** Fails fast with a clear message on a bad token, rather than on the first event; the bot's own ids. */
export async function checkBotToken(client: WebClient): Promise<{ user_id?: string; bot_id?: string; team?: string }> {
  return client.auth.test().catch((error: { data?: { error?: string }; message?: string }) => {
    const reason = error.data?.error ?? error.message ?? String(error);
    throw new Error(
      reason === 'invalid_auth' ||
        reason === 'not_authed' ||
        reason === 'account_inactive' ||
        reason === 'token_revoked'
        ? `Slack refused SLACK_BOT_TOKEN (${reason}): copy the Bot User OAuth Token from your app's OAuth & Permissions page.`
        : `Cannot reach Slack's Web API to check SLACK_BOT_TOKEN: ${reason}`,
    );
  });
}

/**
 * The receiver: Socket Mode with SLACK_APP_TOKEN; otherwise POST /slack/events on the service's
 * HTTP app, behind our guard (size, timestamp, shape) and Bolt's signature check.
 */
export function slackReceiver(
  config: SlackConfig,
  http: Application,
  clientOptions: WebClientOptions,
  log: BoltLogger,
  logger: Logger,
): Receiver {
  if (config.appToken) {
    return new SocketModeReceiver({
      appToken: config.appToken,
      logger: log,
      // Bolt hands these to the Socket Mode client, so apps.connections.open honours SLACK_API_URL too.
      installerOptions: { clientOptions: clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {} },
    });
  }
  http.use('/slack/events', slackRequestGuard({ logger }));
  return new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: '/slack/events',
    app: http,
    logger: log,
  });
}

/** The durable inbox between the receiver and Bolt (see `receive`), and its worker. */
export interface SlackInbox {
  /**
   * Keeps a request in the durable inbox, for the queued pass of its listener to do the work.
   * False (and logged) when a request with this key is there already: a repeat.
   */
  keep(key: string, orderKey: string, body: unknown): Promise<boolean>;
  /** Hands the receiver's requests to the inbox or to Bolt; call once, with the app. */
  attach(receiver: Receiver, app: App): void;
}

/**
 * Events and button presses are written to the inbox before Slack is answered (if the database
 * cannot take them, Slack gets a 500 and retries); a repeated event id is answered and dropped.
 * Everything else (commands, forms, shortcuts) goes to the listeners at once, which answer Slack
 * themselves and defer what must not be lost. The worker sends a stored request through Bolt
 * again, marked as queued (context.queued, context.deliveryId), with a no-op ack.
 */
export function slackInbox(
  queue: WorkQueue,
  logger: Logger,
  givenUp: (payload: unknown, item: QueuedItem) => Promise<void>,
): SlackInbox {
  let app: App | undefined;

  async function keep(key: string, orderKey: string, body: unknown): Promise<boolean> {
    const added = await queue.enqueue({ key, kind: INBOUND, orderKey, payload: JSON.stringify(body) });
    if (!added) logger.info({ key }, 'repeated Slack request ignored');
    return added;
  }

  async function receive(event: ReceiverEvent): Promise<void> {
    if (!app) throw new Error('Slack is not connected yet');
    const inbound = inboundOf(event.body);
    if (!inbound) {
      await app.processEvent(event);
      return;
    }
    await keep(inbound.key, inbound.orderKey, event.body);
    await event.ack();
  }

  queue.handle(
    INBOUND,
    async (payload, item) => {
      if (!app) throw new Error('Slack is not connected yet');
      try {
        const body = storedRequest.safeParse(payload);
        if (!body.success) throw new PermanentFailure('a kept Slack request that is not a JSON object');
        await app.processEvent({
          body: body.data,
          ack: async () => {},
          customProperties: { queued: true, deliveryId: item.key },
        });
      } catch (error) {
        const reason = slackRefusal(error);
        if (reason) throw new PermanentFailure(`Slack refused: ${reason}`, { cause: error });
        throw error;
      }
    },
    givenUp,
  );

  return {
    keep,
    attach(receiver, attached) {
      app = attached;
      // A receiver calls only its app's processEvent: given `receive` in the app's place, every
      // request passes the inbox first (Bolt's Receiver.init is typed for a whole App).
      receiver.init({ processEvent: receive } as unknown as App);
    },
  };
}
