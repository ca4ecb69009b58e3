/**
 * One driver per chat for the channel contract suite (test/channels/channel-contract.test.ts):
 * the same conversation is written once against this interface and run on every chat. Each
 * driver talks to the real bot the way its platform does (Slack: signed Events API and
 * interaction payloads into /slack/events; Teams: Bot Framework activities into /api/messages;
 * the local chat: typed lines) and reads back what people would see (the fake Web API's and the
 * fake Bot Connector's recorded calls, the terminal's lines), normalised to plain text and
 * labelled buttons. Payload shapes come from test/fixtures/payloads (see payload-fixtures.ts).
 */
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { LocalNotifier } from '../../src/channels/local/local-notifier.js';
import { coreActionId } from '../../src/channels/slack/block-kit.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import type { TicketService } from '../../src/core/tickets/ticket-service.js';
import type { CorePorts } from '../../src/store/core-ports.js';
import { lexicalEnv } from './lexical-env.js';
import {
  buttonPress,
  buttonsOf,
  DM,
  EMPLOYEE,
  ENGINEER,
  FakeSlackApi,
  messageEvent,
  viewSubmission,
  type ApiCall,
  type SlackHarness,
} from './slack.js';
import {
  cardAction,
  cardOf as teamsCardOf,
  ENGINEER_AAD,
  FakeConnector,
  PERSONAL,
  REQUESTER_AAD,
  teamsExecute,
  teamsMessage,
  type ConnectorCall,
  type TeamsHarness,
} from './teams.js';
import { databaseEnvFor } from './test-database.js';
import { tempDir } from './test-app.js';
import { annsLocalChat } from './local-terminal.js';

/** A message the person was shown, as plain text and the buttons under it. */
export interface SeenMessage {
  text: string;
  choices: Array<{ label: string; id: string }>;
}

/** A triage card as engineers see it. `assignee` is how the chat shows the engineer (see engineerShownAs). */
export interface CardView {
  status: string;
  priority: string;
  assignee: string | null;
  buttons: string[];
  /** Everything the card says, for looser checks (a rating, a key). */
  text: string;
}

/** A press on a ticket's card: who presses which button, with the form's values when it asks for some. */
export interface CardPress {
  who: 'engineer' | 'employee';
  /** The ticket whose card the press happens on. */
  key: string;
  label: string;
  form?: Record<string, string>;
  /** Take the button from this ticket's card instead (a forged press: another card's button). */
  buttonFrom?: string;
}

/** The steps a chat may not have, each with the reason it cannot be run there. */
export type ContractGap = 'cardButtons' | 'engineerReply' | 'rating' | 'forgedCardButton';

/** What the suite needs of a chat. */
export interface ChannelDriver {
  /** The core behind the chat, to check what changed without going through the chat. */
  readonly app: { tickets: TicketService; store: CorePorts };
  /** How the engineer who acts in the suite appears on a card's assignee line. */
  readonly engineerShownAs: string;
  /** The employee writes in their conversation with the bot; resolves to the replies they see. */
  employeeSays(text: string): Promise<SeenMessage[]>;
  /** The employee presses the newest button with this label in their conversation. */
  employeePresses(label: string): Promise<SeenMessage[]>;
  /** The employee presses a button the bot never sent (an unknown action id). */
  employeePressesUnknownButton(): Promise<SeenMessage[]>;
  /**
   * The employee presses the newest button with this label with its value replaced (a forged
   * button: the same action, another reference). Absent where buttons carry no value the person
   * could change (the terminal's choices are numbers).
   */
  employeePressesForged?(label: string, value: string): Promise<SeenMessage[]>;
  /** What reached the employee's conversation since the last look (replies and ticket updates). */
  requesterSees(): Promise<SeenMessage[]>;
  /** The ticket's triage card as it is now. */
  cardOf(key: string): Promise<CardView>;
  /** A button pressed on a ticket's card (and its form submitted); resolves to what the presser is told. */
  pressOnCard(press: CardPress): Promise<string[]>;
  /** An engineer writes under the ticket's card, for the requester. */
  engineerRepliesInCardThread(key: string, text: string): Promise<void>;
  /** The lines written in the ticket's card thread (for engineers), oldest first. */
  engineersSee(key: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A ticket key such as HD-1001 in a text. */
export function ticketKeyIn(text: string): string | undefined {
  return /\b([A-Z][A-Z0-9]{0,9}-\d{1,9})\b/.exec(text)?.[1];
}

// --- Slack ---------------------------------------------------------------------------------------

/** The employee's DM thread and the triage cards, over the Slack harness (test/support/slack.ts). */
export function slackDriver(h: SlackHarness): ChannelDriver {
  let ts = 1_700_005_000;
  const nextTs = () => `${++ts}.000100`;
  let root: string | undefined;
  let seen = 0;
  const shown: Array<{ call: ApiCall; message: SeenMessage }> = [];

  /** Calls that show something to the employee: replies in their thread, ephemeral notes, DMs. */
  const toEmployee = (call: ApiCall) =>
    (call.method === 'chat.postMessage' && call.args.channel === DM && call.args.thread_ts === root) ||
    (call.method === 'chat.postEphemeral' && call.args.user === EMPLOYEE) ||
    (call.method === 'chat.postMessage' && call.args.channel === EMPLOYEE);

  const read = async (): Promise<SeenMessage[]> => {
    await h.settle();
    const fresh = h.api.calls.slice(seen).filter(toEmployee);
    seen = h.api.calls.length;
    const messages = fresh.map((call) => ({ call, message: slackMessage(call) }));
    shown.push(...messages);
    return messages.map((m) => m.message);
  };

  async function card(key: string): Promise<{ address: string; ts: string; call: ApiCall }> {
    const thread = (await h.bot.app.store.ticketThreads.ofTicket(key))
      .filter((t) => t.channel === 'slack' && t.role === 'triage')
      .at(-1);
    if (!thread) throw new Error(`no Slack triage card for ${key}`);
    const call =
      h.api
        .of('chat.update')
        .filter((c) => c.args.channel === thread.address && c.args.ts === thread.threadId)
        .at(-1) ??
      h.api
        .of('chat.postMessage')
        .find((c) => c.response?.channel === thread.address && c.response.ts === thread.threadId);
    if (!call) throw new Error(`the card of ${key} was never posted`);
    return { address: thread.address, ts: thread.threadId, call };
  }

  return {
    app: h.bot.app,
    engineerShownAs: ENGINEER,
    async employeeSays(text) {
      await read();
      const at = nextTs();
      root ??= at;
      await h.event(
        messageEvent({
          user: EMPLOYEE,
          channel: DM,
          channelType: 'im',
          text,
          ts: at,
          ...(at !== root ? { threadTs: root } : {}),
        }),
      );
      return read();
    },
    async employeePresses(label) {
      await read();
      const found = [...shown].reverse().find((m) => m.message.choices.some((c) => c.label === label));
      const button = found && buttonsOf(found.call).find((b) => b.text === label);
      if (!found || !button) throw new Error(`no "${label}" button shown to the employee`);
      const messageTs = String(found.call.response?.ts ?? found.call.response?.message_ts);
      await h.interaction(
        buttonPress({
          user: EMPLOYEE,
          actionId: button.action_id,
          ...(button.value !== undefined ? { value: button.value } : {}),
          channel: DM,
          messageTs,
          ...(root ? { threadTs: root } : {}),
        }),
      );
      return read();
    },
    async employeePressesForged(label, value) {
      await read();
      const found = [...shown].reverse().find((m) => m.message.choices.some((c) => c.label === label));
      const button = found && buttonsOf(found.call).find((b) => b.text === label);
      if (!found || !button) throw new Error(`no "${label}" button shown to the employee`);
      await h.interaction(
        buttonPress({
          user: EMPLOYEE,
          actionId: button.action_id,
          value,
          channel: DM,
          messageTs: String(found.call.response?.ts ?? found.call.response?.message_ts),
          ...(root ? { threadTs: root } : {}),
        }),
      );
      return read();
    },
    async employeePressesUnknownButton() {
      await read();
      const last = shown.at(-1);
      await h.interaction(
        buttonPress({
          user: EMPLOYEE,
          actionId: 'helpdesk.no_such_button',
          value: 'anything',
          channel: DM,
          messageTs: String(last?.call.response?.ts ?? nextTs()),
          ...(root ? { threadTs: root } : {}),
        }),
      );
      return read();
    },
    requesterSees: read,
    async cardOf(key) {
      await h.settle();
      const { call } = await card(key);
      const fields = ((call.args.blocks ?? []) as Array<{ fields?: Array<{ text: string }> }>)
        .flatMap((b) => b.fields ?? [])
        .map((f) => f.text);
      const field = (title: string) => fields.find((f) => f.startsWith(`*${title}*\n`))?.slice(title.length + 3) ?? '';
      const assignee = field('Assignee');
      return {
        status: field('Status').split(' ').at(-1) ?? '',
        priority: field('Priority'),
        assignee: assignee === '_unclaimed_' ? null : (/^<@([A-Z0-9]+)>$/.exec(assignee)?.[1] ?? assignee),
        buttons: buttonsOf(call).map((b) => b.text),
        text: FakeSlackApi.textOf(call),
      };
    },
    async pressOnCard(press) {
      await read();
      const user = press.who === 'engineer' ? ENGINEER : EMPLOYEE;
      const at = await card(press.key);
      const from = press.buttonFrom ? await card(press.buttonFrom) : at;
      const button = buttonsOf(from.call).find((b) => b.text === press.label);
      if (!button)
        throw new Error(
          `no "${press.label}" on the card of ${press.buttonFrom ?? press.key}: ${buttonsOf(from.call)
            .map((b) => b.text)
            .join(', ')}`,
        );
      const before = h.api.calls.length;
      const modals = h.api.of('views.open').length;
      await h.interaction(
        buttonPress({
          user,
          actionId: button.action_id,
          ...(button.value !== undefined ? { value: button.value } : {}),
          channel: at.address,
          messageTs: at.ts,
          blockId: `ticket:${press.buttonFrom ?? press.key}`,
        }),
      );
      await h.settle();
      const told: string[] = [];
      const modal = h.api.of('views.open')[modals];
      if (modal && press.form) {
        const view = modal.args.view as { callback_id: string; private_metadata: string };
        const values = Object.fromEntries(
          Object.entries(press.form).map(([block, value]) => [
            block,
            ['tier', 'priority', 'category'].includes(block)
              ? { type: 'static_select', selected_option: { value } }
              : { type: 'plain_text_input', value },
          ]),
        );
        const response = await h.interaction(
          viewSubmission({ user, callbackId: view.callback_id, privateMetadata: view.private_metadata, values }),
        );
        const body = await response.text();
        if (body) told.push(...Object.values((JSON.parse(body) as { errors?: Record<string, string> }).errors ?? {}));
        await h.settle();
      }
      told.unshift(
        ...h.api.calls
          .slice(before)
          .filter((c) => c.method === 'chat.postEphemeral' && c.args.user === user)
          .map((c) => String(c.args.text)),
      );
      return told;
    },
    async engineerRepliesInCardThread(key, text) {
      const at = await card(key);
      await h.event(
        messageEvent({
          user: ENGINEER,
          channel: at.address,
          channelType: 'channel',
          text,
          ts: nextTs(),
          threadTs: at.ts,
        }),
      );
      await h.settle();
    },
    async engineersSee(key) {
      await h.settle();
      const at = await card(key);
      return h.api
        .of('chat.postMessage')
        .filter((c) => c.args.channel === at.address && c.args.thread_ts === at.ts)
        .map((c) => FakeSlackApi.textOf(c));
    },
    close: () => h.close(),
  };
}

function slackMessage(call: ApiCall): SeenMessage {
  const blocks = (call.args.blocks ?? []) as Array<{ text?: { text?: string }; elements?: Array<{ text?: unknown }> }>;
  const texts = blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : undefined))])
    .filter((t): t is string => typeof t === 'string');
  return {
    text: [String(call.args.text ?? ''), ...texts].join('\n'),
    choices: buttonsOf(call).map((b) => ({ label: b.text, id: coreActionId(b.action_id) })),
  };
}

// --- Teams ---------------------------------------------------------------------------------------

const TEAMS_ENGINEER = { aad: ENGINEER_AAD, name: 'Erin Engineer' };
const TEAMS_REQUESTER_KEY = `/teams/v3/conversations/${PERSONAL}/activities`;

/** The employee's personal chat and the triage threads, over the Teams harness (test/support/teams.ts). */
export function teamsDriver(h: TeamsHarness): ChannelDriver {
  let seen = 0;
  const shown: Array<{ call: ConnectorCall; message: SeenMessage }> = [];

  const read = async (): Promise<SeenMessage[]> => {
    await h.settle();
    const fresh = h.connector.calls
      .slice(seen)
      .filter((c) => c.method === 'POST' && c.path.startsWith(TEAMS_REQUESTER_KEY));
    seen = h.connector.calls.length;
    const messages = fresh.map((call) => ({ call, message: teamsMessageSeen(call.body) }));
    shown.push(...messages);
    return messages.map((m) => m.message);
  };

  async function thread(key: string): Promise<{ conversationId: string; activityId: string; channel: string }> {
    const found = (await h.bot.app.store.ticketThreads.ofTicket(key))
      .filter((t) => t.channel === 'teams' && t.role === 'triage')
      .at(-1);
    if (!found) throw new Error(`no Teams triage card for ${key}`);
    return {
      conversationId: `${found.address};messageid=${found.threadId}`,
      activityId: found.threadId,
      channel: found.address,
    };
  }

  async function card(key: string): Promise<Record<string, unknown>> {
    const at = await thread(key);
    const update = h.connector
      .updatesIn(at.conversationId)
      .filter((c) => c.path.endsWith(`/activities/${at.activityId}`))
      .at(-1);
    if (update) return teamsCardOf(update)!;
    const created = h.connector
      .created()
      .filter((c) => FakeConnector.textOf(c).includes(key))
      .at(-1);
    const attachments = (
      created?.body.activity as { attachments?: Array<{ content: Record<string, unknown> }> } | undefined
    )?.attachments;
    if (!attachments?.[0]) throw new Error(`the card of ${key} was never posted`);
    return attachments[0].content;
  }

  return {
    app: h.bot.app,
    engineerShownAs: TEAMS_ENGINEER.name,
    async employeeSays(text) {
      await read();
      await h.send(teamsMessage({ text }));
      return read();
    },
    async employeePresses(label) {
      await read();
      const found = [...shown].reverse().find((m) => m.message.choices.some((c) => c.label === label));
      const content = found && teamsCardOf(found.call);
      if (!content) throw new Error(`no "${label}" button shown to the employee`);
      await h.send(teamsMessage({ value: cardAction(content, label).data as Record<string, unknown> }));
      return read();
    },
    async employeePressesForged(label, value) {
      await read();
      const found = [...shown].reverse().find((m) => m.message.choices.some((c) => c.label === label));
      const content = found && teamsCardOf(found.call);
      if (!content) throw new Error(`no "${label}" button shown to the employee`);
      const data = cardAction(content, label).data as { helpdesk: { action: string; value?: string } };
      await h.send(teamsMessage({ value: { ...data, helpdesk: { ...data.helpdesk, value } } }));
      return read();
    },
    async employeePressesUnknownButton() {
      await read();
      await h.send(teamsMessage({ value: { helpdesk: { action: 'helpdesk.no_such_button', value: 'anything' } } }));
      return read();
    },
    requesterSees: read,
    async cardOf(key) {
      await h.settle();
      const content = await card(key);
      const facts =
        ((content.body ?? []) as Array<{ type: string; facts?: Array<{ title: string; value: string }> }>).find(
          (b) => b.type === 'FactSet',
        )?.facts ?? [];
      const fact = (title: string) => facts.find((f) => f.title === title)?.value ?? '';
      return {
        status: fact('Status'),
        priority: fact('Priority'),
        assignee: fact('Assignee') === 'unclaimed' ? null : fact('Assignee'),
        buttons: ((content.actions ?? []) as Array<{ title: string }>).map((a) => a.title),
        text: JSON.stringify(content),
      };
    },
    async pressOnCard(press) {
      await read();
      const at = await thread(press.key);
      const action = cardButton(await card(press.buttonFrom ?? press.key), press.label);
      const from = press.who === 'engineer' ? TEAMS_ENGINEER : { aad: REQUESTER_AAD, name: 'Riley Requester' };
      const response = await h.send(
        teamsExecute({
          verb: action.verb,
          title: action.title,
          data: { ...action.data, ...press.form },
          from,
          conversationId: at.conversationId,
          replyToId: at.activityId,
        }),
      );
      const body = (await response.json()) as { type?: string; value?: unknown };
      await h.settle();
      // The presser gets the refreshed card, or a sentence.
      return [body.type === 'application/vnd.microsoft.card.adaptive' ? '(the refreshed card)' : String(body.value)];
    },
    async engineerRepliesInCardThread(key, text) {
      const at = await thread(key);
      await h.send(
        teamsMessage({
          text,
          mention: true,
          from: TEAMS_ENGINEER,
          conversation: { id: at.conversationId, conversationType: 'channel' },
        }),
      );
      await h.settle();
    },
    async engineersSee(key) {
      await h.settle();
      const at = await thread(key);
      return h.connector.postsTo(at.conversationId).map((c) => FakeConnector.textOf(c));
    },
    close: () => h.close(),
  };
}

/**
 * The Action.Execute a card's button runs: the button itself, or for a button that opens a
 * show-card (Resolve, Priority...) the show-card's own submit button, which carries its inputs.
 */
function cardButton(
  content: Record<string, unknown>,
  label: string,
): { verb: string; data: Record<string, unknown>; title: string } {
  const top = ((content.actions ?? []) as Array<{ type: string; title: string; card?: { actions?: unknown[] } }>).find(
    (a) => a.title === label,
  );
  if (top?.type === 'Action.ShowCard') {
    const inner = (top.card?.actions ?? []).find((a) => (a as { type?: string }).type === 'Action.Execute');
    if (inner) return inner as { verb: string; data: Record<string, unknown>; title: string };
  }
  return cardAction(content, label) as { verb: string; data: Record<string, unknown>; title: string };
}

/** A posted activity as the person reads it: its text, the card's text blocks and facts, and the card's buttons. */
function teamsMessageSeen(activity: Record<string, unknown>): SeenMessage {
  const content = teamsCardOf({ method: 'POST', path: '', body: activity });
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') texts.push(o.text);
      if (o.type === 'FactSet' && Array.isArray(o.facts))
        for (const f of o.facts as Array<{ title: string; value: string }>) texts.push(`${f.title}: ${f.value}`);
      if (o.type !== 'Action.ShowCard') Object.values(o).forEach(walk);
    }
  };
  walk(content?.body);
  const actions = (content?.actions ?? []) as Array<{
    type: string;
    title: string;
    data?: { helpdesk?: { action?: string } };
  }>;
  return {
    text: [typeof activity.text === 'string' ? activity.text : '', ...texts].join('\n'),
    choices: actions.map((a) => ({ label: a.title, id: a.data?.helpdesk?.action ?? a.type })),
  };
}

// --- The local chat ------------------------------------------------------------------------------

/**
 * The terminal chat on the project's database, wired as main.ts wires it (LocalNotifier prints
 * triage lines and requester updates in the same output). One terminal plays both parts: the
 * driver types /as employee ann or /as engineer erin before each part's lines. It has no cards:
 * a card's Claim and Resolve are its /claim and /resolve commands, and /show is the card.
 */
export async function localDriver(env: Record<string, string> = {}): Promise<ChannelDriver> {
  const { dir, cleanup } = tempDir('helpdesk-local-');
  const config = loadConfig({
    DATA_DIR: dir,
    ...databaseEnvFor(dir),
    KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
    ...lexicalEnv,
    ...env,
  });
  const printed: string[] = [];
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => printed.push(...chunk.toString().split('\n').filter(Boolean)));
  const app = await createApp(
    config,
    silentLogger,
    new LocalNotifier((line) => output.write(`${line}\n`), config.defaultLanguage),
  );
  const chat = annsLocalChat(app, output);
  let role: 'employee' | 'engineer' = 'employee';
  let seen = 0;
  const shown: SeenMessage[] = [];
  const triage: string[] = [];
  const toRequester: SeenMessage[] = [];

  /** Types a line; returns what was printed for it, with notifier lines sorted out to where they would go. */
  async function type(line: string): Promise<string[]> {
    const from = printed.length;
    await chat.handleLine(line);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = printed.slice(from);
    const own: string[] = [];
    let continues: 'triage' | 'requester' | null = null;
    for (const l of lines) {
      // A notifier line's quotation and next step follow it on indented lines of their own.
      if (continues === 'triage' && l.startsWith('  ')) triage[triage.length - 1] += `\n${l}`;
      else if (continues === 'requester' && l.startsWith('  ')) toRequester[toRequester.length - 1]!.text += `\n${l}`;
      else if (l.startsWith('[triage ')) {
        triage.push(l);
        continues = 'triage';
      } else if (l.startsWith('[to ann] ')) {
        toRequester.push({ text: l, choices: [] });
        continues = 'requester';
      } else {
        own.push(l);
        continues = null;
      }
    }
    return own;
  }

  async function as(wanted: 'employee' | 'engineer'): Promise<void> {
    if (role === wanted) return;
    await type(wanted === 'engineer' ? '/as engineer erin' : '/as employee ann');
    role = wanted;
  }

  async function employeeLine(line: string): Promise<SeenMessage[]> {
    await as('employee');
    const own = await type(line);
    if (own.length > 0)
      toRequester.push({
        text: own.join('\n'),
        choices: own.flatMap((l) => {
          const m = /^\s+(\d+)\) (.+)$/.exec(l);
          return m ? [{ label: m[2]!, id: m[1]! }] : [];
        }),
      });
    return read();
  }

  async function read(): Promise<SeenMessage[]> {
    const fresh = toRequester.slice(seen);
    seen = toRequester.length;
    shown.push(...fresh);
    return fresh;
  }

  return {
    app,
    engineerShownAs: 'erin',
    employeeSays: (text) => employeeLine(text),
    async employeePresses(label) {
      await read();
      const choice = [...shown]
        .reverse()
        .find((m) => m.choices.length > 0)
        ?.choices.find((c) => c.label === label);
      if (!choice) throw new Error(`no "${label}" among the numbered choices last shown`);
      return employeeLine(choice.id);
    },
    employeePressesUnknownButton: () => employeeLine('99'),
    requesterSees: read,
    async cardOf(key) {
      const [line = ''] = await type(`/show ${key}`);
      const m = /^(\S+) \[(\w+)\] (P\d) (L\d) [^:]+: .*?(?: \(([^()]+)\))?$/.exec(line);
      if (!m) throw new Error(`not a ticket line: ${line}`);
      return { status: m[2]!, priority: m[3]!, assignee: m[5] ?? null, buttons: [], text: line };
    },
    async pressOnCard(press) {
      if (press.buttonFrom) throw new Error('the local chat has no cards to take a button from');
      await as(press.who);
      const command =
        press.label === 'Claim'
          ? `/claim ${press.key}`
          : press.label === 'Resolve'
            ? `/resolve ${press.key} ${press.form?.resolution ?? ''}`
            : undefined;
      if (!command) throw new Error(`no local command for "${press.label}"`);
      return type(command);
    },
    engineerRepliesInCardThread() {
      throw new Error('the local chat has no command for an engineer to write to the requester');
    },
    // The terminal's triage lines, of this ticket (each names its key).
    async engineersSee(key) {
      return triage.filter((line) => line.includes(key));
    },
    async close() {
      await app.close();
      cleanup();
    },
  };
}

/** The fields of a ticket that any change would move, to show that nothing changed. */
export async function ticketState(
  app: ChannelDriver['app'],
  keys: string[],
): Promise<Array<Partial<Ticket> & { events: number }>> {
  return Promise.all(
    keys.map(async (key) => {
      const t = await app.tickets.get(key);
      const events = (await app.tickets.history(t)).length;
      return {
        key: t.key,
        status: t.status,
        version: t.version,
        priority: t.priority,
        tier: t.tier,
        assigneeId: t.assigneeId,
        satisfaction: t.satisfaction,
        events,
      };
    }),
  );
}
