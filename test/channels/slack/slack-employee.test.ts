import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonPress,
  buttonsOf,
  DM,
  EMPLOYEE,
  FakeSlackApi,
  homeButtonPress,
  startSlackHarness,
  TRIAGE_L2,
  viewSubmission,
  type SlackHarness,
} from '../../support/slack.js';

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h.close();
});

const CHANNEL = 'C0GENERAL1';

describe('Slack: employees', () => {
  it('answers a DM in a thread with the article, its source and Helpful / Not helpful / Talk to a human', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'how do I reset my password',
      ts: '1700000600.000100',
    });
    await h.settle();
    const answer = h.api.of('chat.postMessage')[0]!;
    expect(answer.args.channel).toBe(DM);
    expect(answer.args.thread_ts).toBe('1700000600.000100');
    const blocks = answer.args.blocks as Array<{ type: string; elements?: Array<{ text: string }> }>;
    expect(blocks[0]!.type).toBe('section');
    expect(JSON.stringify(blocks.find((b) => b.type === 'context'))).toMatch(
      /Source: <knowledge-base\/accounts\/.*password.*\|/,
    );
    expect(buttonsOf(answer).map((b) => b.text)).toEqual(['Helpful', 'Not helpful', 'Talk to a human']);
  });

  it('continues a channel conversation in its thread without a new mention, and ignores others in that thread', async () => {
    await h.event({
      type: 'app_mention',
      channel: CHANNEL,
      user: EMPLOYEE,
      text: '<@U0HELPBOT> how do I reset my password',
      ts: '1700000700.000100',
    });
    await h.settle();
    expect(h.api.of('chat.postMessage')[0]!.args.thread_ts).toBe('1700000700.000100');
    await h.event({
      type: 'message',
      channel: CHANNEL,
      channel_type: 'channel',
      user: EMPLOYEE,
      text: 'how do I set up the printer',
      ts: '1700000701.000100',
      thread_ts: '1700000700.000100',
    });
    await h.settle();
    const followUp = h.api.of('chat.postMessage')[1]!;
    expect(followUp.args.thread_ts).toBe('1700000700.000100');
    expect(FakeSlackApi.textOf(followUp)).toMatch(/print/i);
    await h.event({
      type: 'message',
      channel: CHANNEL,
      channel_type: 'channel',
      user: 'U0BYSTANDER',
      text: 'same here',
      ts: '1700000702.000100',
      thread_ts: '1700000700.000100',
    });
    await h.event({
      type: 'message',
      channel: CHANNEL,
      channel_type: 'channel',
      user: EMPLOYEE,
      text: 'top-level chatter, no mention',
      ts: '1700000703.000100',
    });
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(2);
  });

  it('offers "did you mean" candidates as buttons and answers the one pressed', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'wifi',
      ts: '1700000800.000100',
    });
    await h.settle();
    const offer = h.api.of('chat.postMessage')[0]!;
    const candidates = buttonsOf(offer).filter((b) => b.action_id.startsWith('article.show'));
    expect(candidates.length).toBeGreaterThan(0);
    expect(buttonsOf(offer).at(-1)!.text).toBe('None of these');
    await h.interaction(
      buttonPress({
        user: EMPLOYEE,
        actionId: candidates[0]!.action_id,
        value: candidates[0]!.value!,
        channel: DM,
        messageTs: '1700000801.000100',
        threadTs: '1700000800.000100',
      }),
    );
    await h.settle();
    const answer = h.api.of('chat.postMessage')[1]!;
    expect(answer.args.thread_ts).toBe('1700000800.000100');
    expect(buttonsOf(answer).map((b) => b.text)).toContain('Helpful');
  });

  it('records Helpful feedback from the button, and refuses a button value from another conversation', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'how do I reset my password',
      ts: '1700000900.000100',
    });
    await h.settle();
    const helpful = buttonsOf(h.api.of('chat.postMessage')[0])[0]!;
    await h.interaction(
      buttonPress({
        user: EMPLOYEE,
        actionId: helpful.action_id,
        value: helpful.value!,
        channel: DM,
        messageTs: '1700000901.000100',
        threadTs: '1700000900.000100',
      }),
    );
    await h.settle();
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[1])).toMatch(/glad that helped/);
    const feedback = await h.bot.app.store.prisma.feedback.findMany();
    expect(feedback).toMatchObject([{ userId: EMPLOYEE, helpful: true }]);
    // The same question id pressed from another thread is not trusted.
    await h.interaction(
      buttonPress({
        user: EMPLOYEE,
        actionId: helpful.action_id,
        value: helpful.value!,
        channel: DM,
        messageTs: '1700000999.000100',
        threadTs: '1700000998.000100',
      }),
    );
    await h.settle();
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[2])).toMatch(/expired or belongs to another conversation/);
    expect(await h.bot.app.store.prisma.feedback.count()).toBe(1);
  });

  it('/helpdesk <question> acknowledges at once and answers in the DM thread', async () => {
    const response = await h.command('how do I reset my password');
    expect(await response.json()).toMatchObject({ response_type: 'ephemeral' });
    await h.settle();
    const [root, answer] = h.api.of('chat.postMessage');
    expect(root!.args.channel).toBe(EMPLOYEE);
    expect(String(root!.args.text)).toMatch(/You asked/);
    expect(answer!.args.channel).toBe(DM);
    expect(answer!.args.thread_ts).toBe(root!.response!.ts);
    expect(FakeSlackApi.textOf(answer)).toMatch(/password/i);
  });

  it('/helpdesk alone opens the ticket form; field errors show in place; a valid form opens the ticket', async () => {
    await h.command('');
    await h.settle();
    const opened = h.api.of('views.open')[0]!;
    const view = opened.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id: string }>;
    };
    expect(view.blocks.map((b) => b.block_id)).toEqual(['subject', 'description', 'priority', 'category']);

    const bad = await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: {
          subject: { type: 'plain_text_input', value: 'vpn' },
          description: { type: 'plain_text_input', value: 'broken' },
          priority: { type: 'static_select', selected_option: { value: 'P2' } },
          category: { type: 'static_select', selected_option: { value: 'no-such-category' } },
        },
      }),
    );
    const errors = (await bad.json()) as { response_action: string; errors: Record<string, string> };
    expect(errors.response_action).toBe('errors');
    expect(Object.keys(errors.errors).sort()).toEqual(['category', 'description', 'subject']);
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(0);

    const good = await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: {
          subject: { type: 'plain_text_input', value: 'VPN drops every 10 minutes' },
          description: {
            type: 'plain_text_input',
            value: 'Since this morning GlobalProtect disconnects every ten minutes at home.',
          },
          priority: { type: 'static_select', selected_option: { value: 'P2' } },
          category: { type: 'static_select', selected_option: { value: 'network' } },
        },
      }),
    );
    expect(good.status).toBe(200);
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket).toMatchObject({
      subject: 'VPN drops every 10 minutes',
      priority: 'P2',
      category: 'network',
      requesterId: EMPLOYEE,
      status: 'new',
    });
    const card = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L2);
    expect(FakeSlackApi.textOf(card)).toContain(ticket.key);
  });

  it("the message shortcut opens a prefilled form, and the ticket is the message author's, in its thread", async () => {
    await h.interaction({
      type: 'message_action',
      callback_id: 'create_ticket_from_message',
      trigger_id: '1337.42.shortcut',
      team: { id: 'T0TEAM001', domain: 'example' },
      user: { id: 'U0REPORTER1', name: 'rita', team_id: 'T0TEAM001' },
      channel: { id: CHANNEL, name: 'general' },
      message_ts: '1700001000.000100',
      message: {
        type: 'message',
        user: EMPLOYEE,
        ts: '1700001000.000100',
        text: 'The 3rd floor printer says offline for everyone',
      },
      response_url: 'https://hooks.slack.test/app/1',
      token: 'legacy-verification-token',
    });
    await h.settle();
    const view = h.api.of('views.open')[0]!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ element: { initial_value?: string } }>;
    };
    expect(view.blocks[1]!.element.initial_value).toBe('The 3rd floor printer says offline for everyone');
    await h.interaction(
      viewSubmission({
        user: 'U0REPORTER1',
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: {
          subject: { type: 'plain_text_input', value: 'Printer offline on 3rd floor' },
          description: { type: 'plain_text_input', value: 'The 3rd floor printer says offline for everyone' },
          priority: { type: 'static_select', selected_option: { value: 'P3' } },
          category: { type: 'static_select', selected_option: { value: 'printing' } },
        },
      }),
    );
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket.requesterId).toBe(EMPLOYEE);
    expect(JSON.parse(ticket.collected)).toMatchObject({ reportedBy: 'U0REPORTER1' });
    expect(ticket.conversationKey).toBe(`slack:T0TEAM001:${CHANNEL}:1700001000.000100`);
    // The placeholder in the message's thread becomes the ticket confirmation.
    const update = h.api.of('chat.update').find((c) => c.args.channel === CHANNEL);
    expect(FakeSlackApi.textOf(update)).toContain(ticket.key);
  });

  it('a :ticket: reaction opens a ticket from the message for its author', async () => {
    h.api.history.set(`${CHANNEL}:1700001100.000100`, [
      { type: 'message', user: EMPLOYEE, ts: '1700001100.000100', text: 'Outlook keeps asking for my password' },
    ]);
    await h.event({
      type: 'reaction_added',
      user: 'U0REPORTER1',
      reaction: 'ticket',
      item: { type: 'message', channel: CHANNEL, ts: '1700001100.000100' },
      item_user: EMPLOYEE,
      event_ts: '1700001101.000100',
    });
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket).toMatchObject({ requesterId: EMPLOYEE, subject: 'Outlook keeps asking for my password' });
    expect(JSON.parse(ticket.collected)).toMatchObject({
      reportedBy: 'U0REPORTER1',
      permalink: expect.stringContaining('archives'),
    });
    const confirmation = h.api.of('chat.postMessage').find((c) => c.args.channel === CHANNEL);
    expect(confirmation!.args.thread_ts).toBe('1700001100.000100');
    // Other reactions do nothing.
    await h.event({
      type: 'reaction_added',
      user: 'U0REPORTER1',
      reaction: 'thumbsup',
      item: { type: 'message', channel: CHANNEL, ts: '1700001100.000100' },
      event_ts: '1700001102.000100',
    });
    await h.settle();
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(1);
  });

  it("refuses a :ticket: reaction on the bot's own message, in the reporter's language", async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'Wie kann ich mein Passwort zurücksetzen?',
      ts: '1700001150.000100',
    });
    await h.settle();
    h.api.history.set(`${CHANNEL}:1700001160.000100`, [
      { type: 'message', bot_id: 'B0HELPDESK', ts: '1700001160.000100', text: 'Here is the article' },
    ]);
    await h.event({
      type: 'reaction_added',
      user: EMPLOYEE,
      reaction: 'ticket',
      item: { type: 'message', channel: CHANNEL, ts: '1700001160.000100' },
      event_ts: '1700001161.000100',
    });
    await h.settle();
    expect(String(h.api.of('chat.postEphemeral').at(-1)?.args.text)).toBe(
      'Tickets kann ich nur aus Nachrichten von Personen eröffnen.',
    );
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(0);
  });

  it("App Home shows an employee their tickets without the engineers' queue", async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'talk to a human',
      ts: '1700001200.000100',
    });
    await h.settle();
    await h.event({ type: 'app_home_opened', user: EMPLOYEE, channel: DM, tab: 'home', event_ts: '1700001201.000100' });
    await h.settle();
    const home = h.api.of('views.publish')[0]!;
    expect(home.args.user_id).toBe(EMPLOYEE);
    const text = FakeSlackApi.textOf(home);
    expect(text).toContain('My tickets');
    expect(text).toContain('HD-1001');
    expect(text).not.toContain('Queue');
  });

  it('App Home lets an employee comment on an open ticket and reopen a resolved one', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'talk to a human',
      ts: '1700001300.000100',
    });
    await h.settle();
    const key = (await h.bot.app.store.prisma.ticket.findFirstOrThrow()).key;
    const homeButton = (label: string) => {
      const view = h.api.of('views.publish').at(-1)!.args.view as {
        blocks: Array<{ accessory?: { action_id: string; value?: string; text: { text: string } } }>;
      };
      const found = view.blocks.map((b) => b.accessory).find((a) => a?.text.text === label);
      if (!found) throw new Error(`no ${label} button in App Home`);
      return found;
    };
    const pressHome = async (label: string, user = EMPLOYEE) => {
      const b = homeButton(label);
      await h.interaction(
        homeButtonPress({ user, actionId: b.action_id, ...(b.value !== undefined ? { value: b.value } : {}) }),
      );
      await h.settle();
      return h.api.of('views.open').at(-1)!.args.view as { callback_id: string; private_metadata: string };
    };
    await h.event({ type: 'app_home_opened', user: EMPLOYEE, channel: DM, tab: 'home', event_ts: '1700001301.000100' });
    await h.settle();
    const commentForm = await pressHome('Comment');
    await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: commentForm.callback_id,
        privateMetadata: commentForm.private_metadata,
        values: { text: { type: 'plain_text_input', value: 'It also happens on the guest Wi-Fi' } },
      }),
    );
    await h.settle();
    const card = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L2)!;
    const relayed = h.api
      .of('chat.postMessage')
      .find((c) => c.args.channel === TRIAGE_L2 && c.args.thread_ts === card.response!.ts);
    expect(FakeSlackApi.textOf(relayed)).toContain('It also happens on the guest Wi-Fi');

    await h.bot.app.tickets.resolve(key, { id: 'U0ENGINEER1', role: 'engineer' }, 'Fixed the access point');
    await h.settle();
    await h.event({ type: 'app_home_opened', user: EMPLOYEE, channel: DM, tab: 'home', event_ts: '1700001302.000100' });
    await h.settle();
    const reopenForm = await pressHome('Reopen');
    await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: reopenForm.callback_id,
        privateMetadata: reopenForm.private_metadata,
        values: { reason: { type: 'plain_text_input', value: 'Dropped again this morning' } },
      }),
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).status).toBe('reopened');
    // The home view is refreshed after the change.
    expect(FakeSlackApi.textOf(h.api.of('views.publish').at(-1))).toContain('reopened');
  });

  it('runs a guided script in the thread with Block Kit buttons for its choices', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'cannot connect to the vpn',
      ts: '1700001400.000100',
    });
    await h.settle();
    const prompt = h.api.of('chat.postMessage').at(-1)!;
    expect(prompt.args.thread_ts).toBe('1700001400.000100');
    expect(buttonsOf(prompt).map((b) => b.text)).toEqual([
      'Yes, websites open',
      'No, nothing loads',
      'Start over',
      'Talk to a human',
    ]);
    const no = buttonsOf(prompt).find((b) => b.text === 'No, nothing loads')!;
    expect(no.action_id).toMatch(/^script\.choice#/);
    await h.interaction(
      buttonPress({
        user: EMPLOYEE,
        actionId: no.action_id,
        value: no.value!,
        channel: DM,
        messageTs: String(prompt.response!.ts),
        threadTs: '1700001400.000100',
      }),
    );
    await h.settle();
    const next = h.api.of('chat.postMessage').at(-1)!;
    expect(next.args.thread_ts).toBe('1700001400.000100');
    expect(FakeSlackApi.textOf(next)).toMatch(/accept the Wi-Fi login page/);
  });
});
