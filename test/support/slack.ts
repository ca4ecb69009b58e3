import { createHmac } from 'node:crypto';
import path from 'node:path';
import nock from 'nock';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { launchBot, startBot, type RunningBot, type StartOptions } from '../../src/server.js';
import { InFlight } from './in-flight.js';
import { payload } from './payload-fixtures.js';
import { databaseEnvFor } from './test-database.js';
import { tempDir } from './test-app.js';
import { lexicalEnv } from './lexical-env.js';
import { loadWithSharedModels } from './shared-models.js';

export const SIGNING_SECRET = 'test-signing-secret-0123';
export const BOT_TOKEN = 'xoxb-test-token';
export const API = 'https://slack.test';
export const TEAM = 'T0TEAM001';
export const BOT_USER = 'U0HELPBOT';
export const ENGINEER = 'U0ENGINEER1';
export const ENGINEER_2 = 'U0ENGINEER2';
export const EMPLOYEE = 'U0EMPLOYEE1';
export const TRIAGE_L2 = 'C0TRIAGE2';
export const TRIAGE_L3 = 'C0TRIAGE3';
export const TRIAGE_VENDOR = 'C0VENDOR1';
export const DM = 'D0EMPLOYEE1';

/** One call the bot made to Slack's Web API, with its arguments decoded. */
export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered (e.g. the ts of a posted message). */
  response?: Record<string, unknown>;
}

type Scripted = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Slack's Web API at the network edge: nock intercepts every call to API, records it and
 * answers like Slack does (ok: true, plus channel/ts for posts). Failures can be scripted.
 */
export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  private readonly scripted = new Map<string, Scripted[]>();
  private ts: number;
  /** The name users.info gives for a member (display and real name); a test may rename one. */
  readonly names = new Map<string, string>([
    [ENGINEER, 'Erin Engineer'],
    [ENGINEER_2, 'Eli Engineer'],
    [EMPLOYEE, 'Emma Employee'],
  ]);

  /** `firstTs`: where this fake's message timestamps start; fakes in two processes need their own ranges. */
  constructor(options: { firstTs?: number } = {}) {
    this.ts = options.firstTs ?? 1_700_000_000;
    nock(API)
      .persist()
      .post(/\/api\/.+/)
      .reply((uri, body) => {
        const method = uri.replace(/^\/api\//, '').split('?')[0]!;
        const args = decode(body);
        const failure = this.scripted.get(method)?.shift();
        if (failure) {
          this.calls.push({ method: `${method}!${failure.status}`, args });
          return [failure.status, failure.body ?? { ok: false, error: 'scripted' }, failure.headers ?? {}];
        }
        const response = this.answer(method, args) as Record<string, unknown>;
        this.calls.push({ method, args, response });
        return [200, response];
      });
  }

  /** The next `times` calls to a method fail with this HTTP status. */
  fail(
    method: string,
    status: number,
    options: { times?: number; headers?: Record<string, string>; body?: unknown } = {},
  ): void {
    const list = this.scripted.get(method) ?? [];
    for (let i = 0; i < (options.times ?? 1); i++)
      list.push({
        status,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.body ? { body: options.body } : {}),
      });
    this.scripted.set(method, list);
  }

  /** Calls of one method, oldest first. */
  of(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The text of every block and fallback of a call, for assertions on what people see. */
  static textOf(call: ApiCall | undefined): string {
    if (!call) return '';
    return JSON.stringify([call.args.text ?? '', call.args.blocks ?? [], call.args.view ?? {}]);
  }

  nextTs(): string {
    this.ts += 1;
    return `${this.ts}.000100`;
  }

  private answer(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'no_socket_server' };
      case 'auth.test':
        return {
          ok: true,
          user_id: BOT_USER,
          bot_id: 'B0HELPBOT',
          team_id: TEAM,
          team: 'Example Corp',
          url: 'https://example.slack.com/',
        };
      case 'chat.postMessage': {
        const channel = String(args.channel);
        // Posting to a user id posts in the app's DM with them.
        return {
          ok: true,
          channel: channel.startsWith('U') ? `D${channel.slice(1)}` : channel,
          ts: this.nextTs(),
          message: { text: args.text },
        };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          permalink: `https://example.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'users.info': {
        const id = String(args.user);
        const tz = this.zones.get(id);
        return {
          ok: true,
          user: {
            id,
            name: id.toLowerCase(),
            real_name: this.names.get(id) ?? id,
            profile: { display_name: this.names.get(id) ?? '' },
            // As Slack gives a profile's zone (users:read): an IANA name, its label and offset.
            ...(tz ? { tz, tz_label: tz, tz_offset: 0 } : {}),
          },
        };
      }
      case 'usergroups.users.list':
        return { ok: true, users: this.groupMembers.get(String(args.usergroup)) ?? [ENGINEER_2] };
      case 'conversations.history':
        return { ok: true, messages: this.history.get(`${String(args.channel)}:${String(args.latest)}`) ?? [] };
      case 'conversations.replies':
        return { ok: true, messages: [] };
      default:
        return { ok: true };
    }
  }

  /** The tz users.info gives for a member (a profile's time zone); a member not set here has none. */
  readonly zones = new Map<string, string>();

  /** Where apps.connections.open sends the Socket Mode client. */
  socketUrl: string | undefined;

  /** Members of user groups by id (usergroups.users.list); a group not set here lists ENGINEER_2. */
  readonly groupMembers = new Map<string, string[]>();

  /** Messages that conversations.history returns, by channel and ts. */
  readonly history = new Map<string, unknown[]>();
}

function decode(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  const text = String(body ?? '');
  if (text.startsWith('{')) return JSON.parse(text) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    // The Web API client sends nested arguments (blocks, views) as JSON strings.
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The real bot (HTTP receiver on loopback, its data in a temp folder: test-database.ts) and a fake Slack Web API. */
export interface SlackHarness {
  bot: RunningBot;
  api: FakeSlackApi;
  url: string;
  /** Posts a signed request body to /slack/events. */
  post(body: string, options?: SignOptions): Promise<Response>;
  event(event: Record<string, unknown>, options?: { eventId?: string; retryNum?: number }): Promise<Response>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  command(text: string, user?: string): Promise<Response>;
  /** Waits until the bot has finished its work (listeners and notifications). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let eventCounter = 0;

export interface SignOptions {
  contentType?: string;
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to /slack/events signed with the signing secret, as Slack does. */
export function signedSlackPost(baseUrl: string, body: string, options: SignOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      ...options.headers,
    },
    body,
  });
}

/** A block_actions or view payload, form-encoded as Slack sends interactions. */
export function interactionBody(payload: Record<string, unknown>): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface SlackHarnessOptions {
  socketUrl?: string;
  /**
   * One fake Slack for several bots (replicas, each given the same DATABASE_URL in env): every
   * bot's calls land in it. The harness that made it cleans nock up; the others leave it.
   */
  api?: FakeSlackApi;
  /** Work queue timings and limits (see StartOptions.queue). */
  queue?: StartOptions['queue'];
  /** The people cache's size, lifetimes and clock (see StartOptions.slackProfiles). */
  slackProfiles?: StartOptions['slackProfiles'];
  /**
   * The knowledge base loads only once this settles, and the harness returns as soon as the bot
   * listens (bot.ready says when it answers): a start-up as slow as the test wants, without sleeps.
   */
  holdKnowledge?: Promise<void>;
}

/** Knowledge loading that waits for `hold` first (see holdKnowledge). */
export function heldLibraryLoad(hold: Promise<void>): NonNullable<StartOptions['loadLibrary']> {
  return async (...args) => {
    await hold;
    return loadWithSharedModels(...args);
  };
}

/** The bundled knowledge base and the Slack set-up every Slack test bot shares (the fake Web API, triage channels, roster). */
export function slackBotEnv(): Record<string, string> {
  return {
    KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
    PORT: '0',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${API}/api/`,
    SLACK_TRIAGE_L2: TRIAGE_L2,
    SLACK_TRIAGE_L3: TRIAGE_L3,
    SLACK_TRIAGE_VENDOR: TRIAGE_VENDOR,
    SLACK_ENGINEERS: ENGINEER,
    SLACK_ENGINEER_GROUPS: 'S0ENGINEERS',
  };
}

export async function startSlackHarness(
  env: Record<string, string> = {},
  options: SlackHarnessOptions = {},
): Promise<SlackHarness> {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const ownApi = !options.api;
  const api = options.api ?? new FakeSlackApi();
  if (options.socketUrl !== undefined) api.socketUrl = options.socketUrl;
  const { dir, cleanup } = tempDir('helpdesk-slack-');
  const config = loadConfig({
    DATA_DIR: dir,
    ...databaseEnvFor(dir),
    ...slackBotEnv(),
    ...lexicalEnv,
    ...env,
  });
  const bot = await (options.holdKnowledge ? launchBot : startBot)(config, silentLogger, {
    host: '127.0.0.1',
    slackRetry: { retries: 3, minTimeout: 50, maxTimeout: 200, factor: 2 },
    // Retries and take-overs in test time; the order and the outcome are what the tests check.
    queue: { pollMs: 100, backoffMs: 50, maxBackoffMs: 400, leaseMs: 5_000, ...options.queue },
    ...(options.slackProfiles ? { slackProfiles: options.slackProfiles } : {}),
    loadLibrary: options.holdKnowledge ? heldLibraryLoad(options.holdKnowledge) : loadWithSharedModels,
  });
  const url = `http://127.0.0.1:${bot.port}`;
  const inFlight = new InFlight();
  inFlight.watchApp(bot.app);
  const post = (body: string, options: SignOptions = {}) => inFlight.track(signedSlackPost(url, body, options));

  return {
    bot,
    api,
    url,
    post,
    event(event, options = {}) {
      const eventId = options.eventId ?? `Ev${String(++eventCounter).padStart(8, '0')}`;
      const body = JSON.stringify(envelope({ event_ts: event.ts ?? '1700000000.000001', ...event }, eventId));
      return post(
        body,
        options.retryNum
          ? { headers: { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } }
          : {},
      );
    },
    interaction(payload) {
      return post(interactionBody(payload), { contentType: 'application/x-www-form-urlencoded' });
    },
    command(text, user = EMPLOYEE) {
      const form = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: TEAM,
        team_domain: 'example',
        channel_id: 'C0GENERAL1',
        channel_name: 'general',
        user_id: user,
        user_name: 'emma',
        command: '/helpdesk',
        text,
        api_app_id: 'A0HELPDESK',
        response_url: 'https://hooks.slack.test/commands/T0TEAM001/1/abc',
        trigger_id: '1337.42.abcdef',
      });
      return post(form.toString(), { contentType: 'application/x-www-form-urlencoded' });
    },
    settle: () =>
      inFlight.settle(
        () => bot.drain(),
        () => api.calls.length,
      ),
    async close() {
      await bot.close();
      if (ownApi) {
        nock.cleanAll();
        nock.enableNetConnect();
      }
      cleanup();
    },
  };
}

/** Waits until a condition holds (the bot acknowledges before it works). */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An event_callback body as Slack sends it (and as startSlackHarness's event() builds it), to send to any replica. */
export function eventCallbackBody(event: Record<string, unknown>, eventId: string): string {
  return JSON.stringify(envelope({ event_ts: event.ts, ...event }, eventId));
}

/** The Events API envelope (test/fixtures/payloads/slack/event_callback.json) around an event. */
function envelope(event: Record<string, unknown>, eventId: string): Record<string, unknown> {
  return payload('slack/event_callback', { team: TEAM, botUser: BOT_USER, event, eventId });
}

/**
 * A person's message event (test/fixtures/payloads/slack/message.json): in a DM ("im") or a
 * channel, top-level or in a thread, with the rich-text block Slack sends beside the text.
 */
export function messageEvent(input: {
  user: string;
  channel: string;
  channelType: 'im' | 'channel';
  text: string;
  ts: string;
  threadTs?: string;
}): Record<string, unknown> {
  return payload('slack/message', {
    clientMsgId: `0a0b0c0d-0000-4000-8000-${input.ts.replace('.', '').slice(-12).padStart(12, '0')}`,
    text: input.text,
    user: input.user,
    ts: input.ts,
    threadTs: input.threadTs,
    team: TEAM,
    channel: input.channel,
    channelType: input.channelType,
  });
}

/** A block_actions payload as Slack sends it for a button in App Home. */
export function homeButtonPress(input: {
  user: string;
  actionId: string;
  value?: string;
  viewId?: string;
}): Record<string, unknown> {
  const viewId = input.viewId ?? 'V0HOME0001';
  return {
    type: 'block_actions',
    user: { id: input.user, team_id: TEAM },
    team: { id: TEAM },
    trigger_id: '1.2.home',
    container: { type: 'view', view_id: viewId },
    view: { id: viewId, type: 'home', callback_id: '' },
    actions: [
      {
        action_id: input.actionId,
        block_id: 'h',
        type: 'button',
        ...(input.value !== undefined ? { value: input.value } : {}),
        action_ts: '1',
      },
    ],
  };
}

/** A block_actions payload as Slack sends it for a button in a message. */
export function buttonPress(input: {
  user: string;
  actionId: string;
  value?: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  blockId?: string;
}): Record<string, unknown> {
  return payload('slack/block_actions', {
    user: input.user,
    userName: input.user.toLowerCase(),
    team: TEAM,
    botUser: BOT_USER,
    channel: input.channel,
    messageTs: input.messageTs,
    threadTs: input.threadTs,
    actionId: input.actionId,
    blockId: input.blockId ?? 'b1',
    value: input.value,
  });
}

/** A view_submission payload for a modal, with input values keyed by block id. */
let viewCounter = 0;

/** `viewId`: the opened modal's id (Slack keeps it across submissions of one modal); a new one otherwise. */
export function viewSubmission(input: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
}): Record<string, unknown> {
  return payload('slack/view_submission', {
    team: TEAM,
    user: input.user,
    userName: input.user.toLowerCase(),
    viewId: input.viewId ?? `V0MODAL${String(++viewCounter).padStart(4, '0')}`,
    callbackId: input.callbackId,
    privateMetadata: input.privateMetadata,
    values: Object.fromEntries(Object.entries(input.values).map(([block, value]) => [block, { value }])),
  });
}

/** Text of a block_kit action id by the core's action id (buttons carry a "#n" suffix). */
export function buttonsOf(call: ApiCall | undefined): Array<{ action_id: string; value?: string; text: string }> {
  const blocks = (call?.args.blocks ?? []) as Array<{
    type: string;
    elements?: Array<{ action_id: string; value?: string; text: { text: string } }>;
  }>;
  return blocks.flatMap((block) =>
    block.type === 'actions'
      ? (block.elements ?? []).map((e) => ({
          action_id: e.action_id,
          ...(e.value !== undefined ? { value: e.value } : {}),
          text: e.text.text,
        }))
      : [],
  );
}
