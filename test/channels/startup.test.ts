import { afterEach, describe, expect, it } from 'vitest';
import { startingMessage } from '../../src/core/apology.js';
import { actions } from '../../src/core/conversation/turn.js';
import { ticketActions } from '../../src/core/tickets/triage-card.js';
import { sealMetadata } from '../../src/channels/slack/modal-seal.js';
import { TICKET_ACTION_CALLBACK, TICKET_FORM_CALLBACK } from '../../src/channels/slack/block-kit.js';
import {
  DM,
  EMPLOYEE,
  ENGINEER,
  FakeSlackApi,
  SIGNING_SECRET,
  startSlackHarness,
  viewSubmission,
  type SlackHarness,
} from '../support/slack.js';
import {
  cardOf,
  ENGINEER_AAD,
  FakeConnector,
  PERSONAL,
  startTeamsHarness,
  teamsExecute,
  teamsMessage,
  type TeamsHarness,
} from '../support/teams.js';

// Nobody here has spoken to the bot yet: the deployment's language (English).
const STARTING_MESSAGE = startingMessage('en');

/**
 * A bot whose knowledge base takes long to load (held here until the test lets it go: no sleeps)
 * listens at once, says "starting" on /healthz, keeps what arrives in the inbox and answers it
 * once ready; what must be answered inside the request is asked to try again.
 */
function held(): { hold: Promise<void>; release: () => void } {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  return { hold, release };
}

async function health(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: await res.json() };
}

describe('start-up: Slack', () => {
  let h: SlackHarness | undefined;
  let gate: ReturnType<typeof held> | undefined;
  afterEach(async () => {
    gate?.release();
    await h?.close();
    h = undefined;
  });

  it('acknowledges and keeps a DM that arrives before the knowledge base is loaded, and answers it once ready', async () => {
    gate = held();
    h = await startSlackHarness({ KB_WATCH: '0' }, { holdKnowledge: gate.hold });
    expect(h.bot.app.isReady).toBe(false);
    expect(await health(h.url)).toEqual({ status: 503, body: { status: 'starting', checks: { database: 'ok' } } });

    const ack = await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'how do I reset my password',
      ts: '1700009000.000100',
    });
    expect(ack.status).toBe(200);
    // Kept in the inbox, and nothing answered: the worker has not started.
    const kept = await h.bot.app.store.prisma.queueItem.findMany({ where: { kind: 'slack.inbound' } });
    expect(kept.map((item) => item.status)).toEqual(['pending']);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(0);

    gate.release();
    await h.bot.ready;
    await h.settle();
    const answer = h.api.of('chat.postMessage')[0]!;
    expect(answer.args.channel).toBe(DM);
    expect(answer.args.thread_ts).toBe('1700009000.000100');
    expect(FakeSlackApi.textOf(answer)).toMatch(/password/i);
    expect(await health(h.url)).toEqual({ status: 200, body: { status: 'ok', checks: { database: 'ok' } } });
    expect(
      (await h.bot.app.store.prisma.queueItem.findMany({ where: { kind: 'slack.inbound' } })).map(
        (item) => item.status,
      ),
    ).toEqual(['done']);
  });

  it('asks a form, a ticket action and /helpdesk (the form) to try again in a moment while it starts, without an error', async () => {
    gate = held();
    h = await startSlackHarness({ KB_WATCH: '0' }, { holdKnowledge: gate.hold });

    const form = await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: TICKET_FORM_CALLBACK,
        privateMetadata: sealMetadata(SIGNING_SECRET, { kind: actions.submitTicketForm }, EMPLOYEE),
        values: {
          subject: { value: { type: 'plain_text_input', value: 'VPN down' } },
          description: { value: { type: 'plain_text_input', value: 'since the update' } },
        },
      }),
    );
    expect(form.status).toBe(200);
    expect(await form.json()).toEqual({ response_action: 'errors', errors: { subject: STARTING_MESSAGE } });

    const action = await h.interaction(
      viewSubmission({
        user: ENGINEER,
        callbackId: TICKET_ACTION_CALLBACK,
        privateMetadata: sealMetadata(SIGNING_SECRET, { kind: ticketActions.resolve, ticketKey: 'IT-1' }, ENGINEER),
        values: { resolution: { value: { type: 'plain_text_input', value: 'fixed' } } },
      }),
    );
    expect(action.status).toBe(200);
    expect(await action.json()).toEqual({ response_action: 'errors', errors: { resolution: STARTING_MESSAGE } });

    const command = await h.command('');
    expect(command.status).toBe(200);
    expect(await command.json()).toMatchObject({ response_type: 'ephemeral', text: STARTING_MESSAGE });
    expect(h.api.of('views.open')).toHaveLength(0);

    // Once ready the same command opens the form.
    gate.release();
    await h.bot.ready;
    expect((await h.command('')).status).toBe(200);
    await h.settle();
    expect(h.api.of('views.open')).toHaveLength(1);
  });

  it('fails its start when the knowledge base cannot load, leaving what it kept in the inbox', async () => {
    gate = held();
    h = await startSlackHarness({ KB_WATCH: '0', KB_DIR: '/nonexistent/helpdesk-kb' }, { holdKnowledge: gate.hold });
    expect(
      (
        await h.event({
          type: 'message',
          channel: DM,
          channel_type: 'im',
          user: EMPLOYEE,
          text: 'vpn',
          ts: '1700009100.000100',
        })
      ).status,
    ).toBe(200);
    gate.release();
    await expect(h.bot.ready).rejects.toThrow(/knowledge base folder .* does not exist/);
    expect(
      (await h.bot.app.store.prisma.queueItem.findMany({ where: { kind: 'slack.inbound' } })).map(
        (item) => item.status,
      ),
    ).toEqual(['pending']);
  });
});

describe('start-up: Teams', () => {
  let h: TeamsHarness | undefined;
  let gate: ReturnType<typeof held> | undefined;
  afterEach(async () => {
    gate?.release();
    await h?.close();
    h = undefined;
  });

  it('keeps a message that arrives before the knowledge base is loaded and answers it once ready; a card button answered in the request is asked to wait', async () => {
    gate = held();
    h = await startTeamsHarness({ KB_WATCH: '0' }, { holdKnowledge: gate.hold });
    expect(await health(h.url)).toMatchObject({ status: 503, body: { status: 'starting' } });

    const sent = await h.send(teamsMessage({ text: 'how do I reset my password' }));
    expect(sent.status).toBeLessThan(300);
    const execute = await h.send(
      teamsExecute({
        verb: ticketActions.claim,
        data: { helpdesk: { action: ticketActions.claim, value: 'IT-1' } },
        from: { aad: ENGINEER_AAD, name: 'Erin Engineer' },
        conversationId: '19:triage2@thread.tacv2;messageid=1',
        replyToId: '1',
      }),
    );
    expect(execute.status).toBe(200);
    expect(JSON.stringify(await execute.json())).toContain(STARTING_MESSAGE);
    await h.settle();
    expect(h.connector.postsTo(PERSONAL)).toHaveLength(0);

    gate.release();
    await h.bot.ready;
    await h.settle();
    const reply = h.connector.postsTo(PERSONAL)[0];
    expect(cardOf(reply)).toBeDefined();
    expect(FakeConnector.textOf(reply)).toMatch(/password/i);
    expect((await health(h.url)).status).toBe(200);
  });
});
