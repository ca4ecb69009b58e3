import path from 'node:path';
import nock from 'nock';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { launchBot, startBot, type RunningBot } from '../../src/server.js';
import { heldLibraryLoad } from './slack.js';
import { InFlight } from './in-flight.js';
import { payload } from './payload-fixtures.js';
import { databaseEnvFor } from './test-database.js';
import { tempDir } from './test-app.js';
import { lexicalEnv } from './lexical-env.js';
import { loadWithSharedModels } from './shared-models.js';

export const SERVICE = 'https://smba.test';
export const SERVICE_URL = `${SERVICE}/teams/`;
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT_ID = '28:00000000-0000-4000-8000-00000000b07a';
export const TEAMS_TRIAGE_L2 = '19:triage2@thread.tacv2';
export const TEAMS_TRIAGE_L3 = '19:triage3@thread.tacv2';
export const REQUESTER_AAD = '11111111-1111-4111-8111-111111111111';
export const ENGINEER_AAD = '22222222-2222-4222-8222-222222222222';
export const ENGINEER_2_AAD = '33333333-3333-4333-8333-333333333333';
export const PERSONAL = 'a:1personal-chat-with-requester';

/** A call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** The Bot Connector at the network edge: records every call and answers like the service does. */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private n = 1000;
  readonly failures: number[] = [];

  constructor() {
    const record = (method: string) => (uri: string, body: unknown) => {
      const call = { method, path: decodeURIComponent(uri), body: (body ?? {}) as Record<string, unknown> };
      const failure = this.failures.shift();
      if (failure) {
        this.calls.push({ ...call, method: `${method}!${failure}` });
        return [failure, { error: { code: 'ServiceError', message: 'scripted' } }];
      }
      this.calls.push(call);
      this.n += 1;
      if (method === 'POST' && /\/v3\/conversations$/.test(call.path)) {
        const channel = ((call.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ??
          'unknown') as string;
        return [201, { id: `${channel};messageid=${this.n}`, activityId: String(this.n) }];
      }
      return [200, { id: String(this.n) }];
    };
    nock(SERVICE).persist().post(/.*/).reply(record('POST')).put(/.*/).reply(record('PUT'));
  }

  /** Messages posted into a conversation (replies and proactive posts). */
  postsTo(conversationId: string): ConnectorCall[] {
    return this.calls.filter(
      (c) => c.method === 'POST' && c.path.startsWith(`/teams/v3/conversations/${conversationId}/activities`),
    );
  }

  updatesIn(conversationId: string): ConnectorCall[] {
    return this.calls.filter(
      (c) => c.method === 'PUT' && c.path.startsWith(`/teams/v3/conversations/${conversationId}/activities`),
    );
  }

  created(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path === '/teams/v3/conversations');
  }

  static textOf(call: ConnectorCall | undefined): string {
    return call ? JSON.stringify(call.body) : '';
  }
}

export interface TeamsHarness {
  bot: RunningBot;
  connector: FakeConnector;
  url: string;
  send(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/** Teams on the real HTTP server (and Slack too when its variables are given), its data in a temp folder (test-database.ts). */
/** `holdKnowledge`: as for startSlackHarness, the knowledge base loads once it settles and the harness returns when the bot listens. */
export async function startTeamsHarness(
  env: Record<string, string> = {},
  options: { holdKnowledge?: Promise<void> } = {},
): Promise<TeamsHarness> {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const connector = new FakeConnector();
  const { dir, cleanup } = tempDir('helpdesk-teams-');
  const config = loadConfig({
    DATA_DIR: dir,
    ...databaseEnvFor(dir),
    ...lexicalEnv,
    KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
    PORT: '0',
    TEAMS_ENABLED: '1',
    TEAMS_SERVICE_URL: SERVICE_URL,
    TEAMS_TRIAGE_L2,
    TEAMS_TRIAGE_L3,
    TEAMS_ENGINEERS: `${ENGINEER_AAD},${ENGINEER_2_AAD}`,
    ...env,
  });
  const bot = await (options.holdKnowledge ? launchBot : startBot)(config, silentLogger, {
    host: '127.0.0.1',
    slackRetry: { retries: 2, minTimeout: 50, maxTimeout: 100 },
    queue: { pollMs: 100, backoffMs: 50, maxBackoffMs: 400, leaseMs: 5_000 },
    loadLibrary: options.holdKnowledge ? heldLibraryLoad(options.holdKnowledge) : loadWithSharedModels,
  });
  const url = `http://127.0.0.1:${bot.port}`;
  const inFlight = new InFlight();
  inFlight.watchApp(bot.app);
  return {
    bot,
    connector,
    url,
    send: (activity, headers = {}) =>
      inFlight.track(
        fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(activity),
        }),
      ),
    settle: () =>
      inFlight.settle(
        () => bot.drain(),
        () => connector.calls.length,
      ),
    async close() {
      await bot.close();
      nock.cleanAll();
      nock.enableNetConnect();
      cleanup();
    },
  };
}

/** A message activity as Teams sends it (test/fixtures/payloads/teams/message.json), in a personal chat unless a conversation is given. */
export function teamsMessage(input: {
  text?: string;
  value?: Record<string, unknown>;
  from?: { aad: string; name: string };
  conversation?: { id: string; conversationType: 'personal' | 'channel' | 'groupChat' };
  mention?: boolean;
  replyToId?: string;
  id?: string;
  /** The sender's Teams client's time zone (activity.localTimezone); absent, the activity carries none. */
  localTimezone?: string;
}): Record<string, unknown> {
  const from = input.from ?? { aad: REQUESTER_AAD, name: 'Riley Requester' };
  const conversation = input.conversation ?? { id: PERSONAL, conversationType: 'personal' };
  const text = input.mention ? `<at>IT Help</at> ${input.text ?? ''}` : input.text;
  const inChannel = conversation.conversationType === 'channel';
  return payload('teams/message', {
    id: input.id ?? nextActivityId(),
    timestamp: new Date().toISOString(),
    serviceUrl: SERVICE_URL,
    ...sender(from),
    conversationType: conversation.conversationType,
    conversationId: conversation.id,
    tenant: TENANT,
    isGroup: conversation.conversationType !== 'personal' ? true : undefined,
    botId: BOT_ID,
    text,
    value: input.value,
    replyToId: input.replyToId,
    localTimezone: input.localTimezone,
    mention: input.mention
      ? { type: 'mention', text: '<at>IT Help</at>', mentioned: { id: BOT_ID, name: 'IT Help' } }
      : undefined,
    channel: inChannel ? { id: conversation.id.split(';')[0] } : undefined,
    team: inChannel ? { id: TEAM_ID } : undefined,
  });
}

const TEAM_ID = '19:team@thread.tacv2';

function nextActivityId(): string {
  return `1700000${String(++counter).padStart(6, '0')}`;
}

/** The "from" of an activity: Teams' user id beside the person's Entra (AAD) object id. */
function sender(from: { aad: string; name: string }): Record<string, string> {
  return { fromId: `29:1${from.aad.slice(0, 8)}`, fromName: from.name, fromAad: from.aad };
}

/** An Action.Execute invoke from a card (test/fixtures/payloads/teams/invoke.adaptiveCard-action.json). */
export function teamsExecute(input: {
  verb: string;
  data: Record<string, unknown>;
  from: { aad: string; name: string };
  conversationId: string;
  replyToId: string;
  title?: string;
}): Record<string, unknown> {
  return payload('teams/invoke.adaptiveCard-action', {
    id: `f:${nextActivityId()}`,
    timestamp: new Date().toISOString(),
    serviceUrl: SERVICE_URL,
    ...sender(input.from),
    tenant: TENANT,
    conversationId: input.conversationId,
    botId: BOT_ID,
    channel: input.conversationId.split(';')[0],
    team: TEAM_ID,
    replyToId: input.replyToId,
    title: input.title,
    verb: input.verb,
    data: input.data,
  });
}

/** The data of a card's action by its title (searching show-cards too). */
export function cardAction(card: unknown, title: string): Record<string, unknown> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (
        typeof o.type === 'string' &&
        o.type.startsWith('Action.') &&
        o.title === title &&
        o.type !== 'Action.ShowCard'
      )
        found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found[0]) throw new Error(`no action "${title}"`);
  return found[0];
}

/** The Adaptive Card attached to a posted activity. */
export function cardOf(call: ConnectorCall | undefined): Record<string, unknown> | undefined {
  const attachments = call?.body.attachments as
    Array<{ contentType: string; content: Record<string, unknown> }> | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
