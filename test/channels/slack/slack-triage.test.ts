import { afterEach, describe, expect, it } from 'vitest';
import {
  buttonPress,
  buttonsOf,
  DM,
  EMPLOYEE,
  ENGINEER,
  ENGINEER_2,
  FakeSlackApi,
  startSlackHarness,
  TRIAGE_L2,
  TRIAGE_L3,
  TRIAGE_VENDOR,
  viewSubmission,
  type ApiCall,
  type SlackHarness,
} from '../../support/slack.js';

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

const THREAD = '1700002000.000100';

/** An employee asks, then asks for a person: the ticket's card lands in a triage channel. */
async function openTicket(
  question = 'my second monitor stays black',
  channel = TRIAGE_L2,
): Promise<{ key: string; card: ApiCall }> {
  await h.event({ type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text: question, ts: THREAD });
  await h.event({
    type: 'message',
    channel: DM,
    channel_type: 'im',
    user: EMPLOYEE,
    text: 'talk to a human',
    ts: '1700002001.000100',
    thread_ts: THREAD,
  });
  await h.settle();
  const card = h.api.of('chat.postMessage').find((c) => c.args.channel === channel);
  expect(card, `a card in ${channel}`).toBeDefined();
  const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  return { key: ticket.key, card: card! };
}

function press(user: string, card: ApiCall, label: string, channel = TRIAGE_L2) {
  const button = buttonsOf(card).find((b) => b.text === label);
  if (!button)
    throw new Error(
      `no "${label}" button on the card: ${buttonsOf(card)
        .map((b) => b.text)
        .join(', ')}`,
    );
  return h.interaction(
    buttonPress({
      user,
      actionId: button.action_id,
      value: button.value!,
      channel,
      messageTs: String(card.response!.ts),
    }),
  );
}

/** An engineer presses Escalate on the card and submits the modal with these values. */
async function escalateByModal(card: ApiCall, values: Record<string, Record<string, unknown>>): Promise<void> {
  await press(ENGINEER, card, 'Escalate');
  await h.settle();
  const modal = h.api.of('views.open').at(-1)!.args.view as { callback_id: string; private_metadata: string };
  await h.interaction(
    viewSubmission({ user: ENGINEER, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values }),
  );
  await h.settle();
}

function toRequester(): ApiCall[] {
  return h.api.of('chat.postMessage').filter((c) => c.args.channel === DM && c.args.thread_ts === THREAD);
}

describe('Slack: triage', () => {
  it('posts a card with key, priority, requester, what the bot tried, SLA due and the buttons its status allows', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const text = FakeSlackApi.textOf(card);
    expect(text).toContain(key);
    expect(text).toContain('P3');
    expect(text).toContain(`<@${EMPLOYEE}>`);
    expect(text).toMatch(/Question: my second monitor stays black/);
    expect(text).toMatch(/First response due <!date\^\d+/);
    expect(buttonsOf(card).map((b) => b.text)).toEqual([
      'Claim',
      'Assign',
      'Escalate',
      'Resolve',
      'Priority',
      'Category',
    ]);
  });

  it('lets only engineers claim: others get an ephemeral refusal and nothing changes', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await press(EMPLOYEE, card, 'Claim');
    await h.settle();
    expect(h.api.of('chat.postEphemeral').at(-1)!.args).toMatchObject({ user: EMPLOYEE, channel: TRIAGE_L2 });
    expect(String(h.api.of('chat.postEphemeral').at(-1)!.args.text)).toMatch(/Only engineers can claim/);
    expect((await h.bot.app.tickets.get(key)).status).toBe('new');
  });

  it('decides a simultaneous claim in the database: one wins, the other is told who has it; card and requester update', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await Promise.all([press(ENGINEER, card, 'Claim'), press(ENGINEER_2, card, 'Claim')]);
    await h.settle();
    const ticket = await h.bot.app.tickets.get(key);
    expect(ticket.status).toBe('claimed');
    const loser = ticket.assigneeId === ENGINEER ? ENGINEER_2 : ENGINEER;
    const refusals = h.api.of('chat.postEphemeral').filter((c) => c.args.user === loser);
    expect(refusals).toHaveLength(1);
    expect(String(refusals[0]!.args.text)).toMatch(/already claimed by|Someone else changed/);
    const events = await h.bot.app.store.prisma.ticketEvent.count({
      where: { ticketId: ticket.id, toStatus: 'claimed' },
    });
    expect(events).toBe(1);
    const update = h.api.of('chat.update').at(-1)!;
    expect(update.args).toMatchObject({ channel: TRIAGE_L2, ts: card.response!.ts });
    expect(FakeSlackApi.textOf(update)).toContain(`<@${ticket.assigneeId}>`);
    expect(buttonsOf(update).map((b) => b.text)).toEqual(['Escalate', 'Resolve', 'Reassign', 'Priority', 'Category']);
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toMatch(
      new RegExp(`<@${ticket.assigneeId}> is now working on \\*${key}\\*`),
    );
  });

  it("carries engineers' replies in the card thread to the requester and the requester's replies back; internal notes stay", async () => {
    h = await startSlackHarness();
    const { card } = await openTicket();
    const cardTs = String(card.response!.ts);
    await h.event({
      type: 'message',
      channel: TRIAGE_L2,
      channel_type: 'channel',
      user: ENGINEER,
      text: 'Which dock model do you use?',
      ts: '1700002100.000100',
      thread_ts: cardTs,
    });
    await h.settle();
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toContain('Which dock model do you use?');
    expect(h.api.of('reactions.add').at(-1)!.args).toMatchObject({
      channel: TRIAGE_L2,
      timestamp: '1700002100.000100',
      name: 'outbox_tray',
    });

    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'A Dell WD19 <@U0BOSS0001>',
      ts: '1700002101.000100',
      thread_ts: THREAD,
    });
    await h.settle();
    const relayed = h.api
      .of('chat.postMessage')
      .filter((c) => c.args.channel === TRIAGE_L2 && c.args.thread_ts === cardTs)
      .at(-1);
    expect(FakeSlackApi.textOf(relayed)).toContain('A Dell WD19');
    expect(FakeSlackApi.textOf(relayed)).not.toContain('<@U0BOSS0001>');
    expect(h.api.of('reactions.add').at(-1)!.args).toMatchObject({ channel: DM, timestamp: '1700002101.000100' });

    // Mentioning the bot in the card thread is still a reply to the requester, not a question.
    await h.event({
      type: 'app_mention',
      channel: TRIAGE_L2,
      user: ENGINEER,
      text: '<@U0HELPBOT> is it the USB-C port?',
      ts: '1700002104.000100',
      thread_ts: cardTs,
    });
    await h.settle();
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toContain('is it the USB-C port?');
    expect(
      h.api
        .of('chat.postMessage')
        .some(
          (c) =>
            c.args.channel === TRIAGE_L2 && c.args.thread_ts === cardTs && FakeSlackApi.textOf(c).includes('Helpful'),
        ),
    ).toBe(false);

    const before = toRequester().length;
    await h.event({
      type: 'message',
      channel: TRIAGE_L2,
      channel_type: 'channel',
      user: ENGINEER,
      text: '(internal) known WD19 firmware bug',
      ts: '1700002102.000100',
      thread_ts: cardTs,
    });
    await h.settle();
    expect(toRequester()).toHaveLength(before);
    // A non-engineer in the triage thread is not relayed.
    await h.event({
      type: 'message',
      channel: TRIAGE_L2,
      channel_type: 'channel',
      user: 'U0RANDOM01',
      text: 'hi!',
      ts: '1700002103.000100',
      thread_ts: cardTs,
    });
    await h.settle();
    expect(toRequester()).toHaveLength(before);
    expect(String(h.api.of('chat.postEphemeral').at(-1)!.args.text)).toMatch(/Only engineers' replies/);
  });

  it('escalates through a modal: a new card in the L3 channel, the old card updated, the requester told', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await escalateByModal(card, {
      tier: { type: 'static_select', selected_option: { value: 'L3' } },
      reason: { type: 'plain_text_input', value: 'Needs a driver rollout' },
    });
    const ticket = await h.bot.app.tickets.get(key);
    expect(ticket).toMatchObject({ tier: 'L3', status: 'escalated' });
    const l3Card = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L3);
    expect(FakeSlackApi.textOf(l3Card)).toContain(key);
    expect(h.api.of('chat.update').some((c) => c.args.channel === TRIAGE_L2 && c.args.ts === card.response!.ts)).toBe(
      true,
    );
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toMatch(/escalated to the L3 team/);
  });

  it('resolves through a modal, asks the requester to rate, and records the rating on the card', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await press(ENGINEER, card, 'Claim');
    await h.settle();
    const claimed = h.api.of('chat.update').at(-1)!;
    await h.interaction(
      buttonPress({
        user: ENGINEER,
        actionId: buttonsOf(claimed).find((b) => b.text === 'Resolve')!.action_id,
        value: key,
        channel: TRIAGE_L2,
        messageTs: String(card.response!.ts),
      }),
    );
    await h.settle();
    const modal = h.api.of('views.open').at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      title: { text: string };
    };
    expect(modal.title.text).toBe(`Resolve ${key}`);
    await h.interaction(
      viewSubmission({
        user: ENGINEER,
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: { resolution: { type: 'plain_text_input', value: 'Updated the dock firmware' } },
      }),
    );
    await h.settle();
    const resolved = toRequester().at(-1)!;
    expect(FakeSlackApi.textOf(resolved)).toMatch(/is resolved: Updated the dock firmware/);
    const rate5 = buttonsOf(resolved).find((b) => b.value === `${key}:5`)!;
    expect(buttonsOf(resolved).map((b) => b.text)).toContain('Still broken: reopen');

    await h.interaction(
      buttonPress({
        user: ENGINEER,
        actionId: rate5.action_id,
        value: rate5.value!,
        channel: DM,
        messageTs: String(resolved.response!.ts),
        threadTs: THREAD,
      }),
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).satisfaction).toBeNull();
    await h.interaction(
      buttonPress({
        user: EMPLOYEE,
        actionId: rate5.action_id,
        value: rate5.value!,
        channel: DM,
        messageTs: String(resolved.response!.ts),
        threadTs: THREAD,
      }),
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).satisfaction).toBe(5);
    expect(FakeSlackApi.textOf(h.api.of('chat.update').at(-1))).toContain('(5/5)');
  });

  it('refuses a card button whose value names another ticket', async () => {
    h = await startSlackHarness();
    const first = await openTicket('my second monitor stays black');
    const claim = buttonsOf(first.card).find((b) => b.text === 'Claim')!;
    await h.interaction(
      buttonPress({
        user: ENGINEER,
        actionId: claim.action_id,
        value: 'HD-9999',
        channel: TRIAGE_L2,
        messageTs: String(first.card.response!.ts),
      }),
    );
    await h.settle();
    expect(String(h.api.of('chat.postEphemeral').at(-1)!.args.text)).toMatch(/does not belong to this ticket card/);
    expect((await h.bot.app.tickets.get(first.key)).status).toBe('new');
  });

  it('reassigns only to engineers, with the error shown in the form', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await press(ENGINEER, card, 'Claim');
    await h.settle();
    await h.interaction(
      buttonPress({
        user: ENGINEER,
        actionId: buttonsOf(h.api.of('chat.update').at(-1)).find((b) => b.text === 'Reassign')!.action_id,
        value: key,
        channel: TRIAGE_L2,
        messageTs: String(card.response!.ts),
      }),
    );
    await h.settle();
    const modal = h.api.of('views.open').at(-1)!.args.view as { callback_id: string; private_metadata: string };
    const refused = await h.interaction(
      viewSubmission({
        user: ENGINEER,
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: { assignee: { type: 'users_select', selected_user: EMPLOYEE } },
      }),
    );
    expect(await refused.json()).toMatchObject({
      response_action: 'errors',
      errors: { assignee: expect.stringMatching(/engineer roster/) },
    });
    const ok = await h.interaction(
      viewSubmission({
        user: ENGINEER,
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: { assignee: { type: 'users_select', selected_user: ENGINEER_2 } },
      }),
    );
    expect(ok.status).toBe(200);
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).assigneeId).toBe(ENGINEER_2);
  });

  it('routes a ticket by category to the channel configured for it', async () => {
    h = await startSlackHarness({ SLACK_TRIAGE_ROUTES: 'printing=C0PRINTING1' });
    const { key } = await openTicket('the printer on my floor is offline', 'C0PRINTING1');
    expect((await h.bot.app.tickets.get(key)).category).toBe('printing');
    expect(h.api.of('chat.postMessage').some((c) => c.args.channel === TRIAGE_L2)).toBe(false);
  });

  it('App Home shows engineers the queue: breaching soon, unclaimed and mine', async () => {
    h = await startSlackHarness();
    const { key } = await openTicket();
    await h.event({
      type: 'app_home_opened',
      user: ENGINEER,
      channel: 'D0ENGINEER1',
      tab: 'home',
      event_ts: '1700002300.000100',
    });
    await h.settle();
    const home = FakeSlackApi.textOf(h.api.of('views.publish').at(-1));
    expect(home).toContain('Queue: unclaimed (1)');
    expect(home).toContain('Queue: mine (0)');
    expect(home).toContain('Queue: breaching soon (0)');
    expect(home).toContain(key);
  });
});

describe('Slack: SLA timers and the vendor tier', () => {
  it('reminds in the card thread (shown in the channel), then escalates automatically to a new L3 card with the reason', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const ticket = await h.bot.app.tickets.get(key);
    const due = ticket.responseDueAt!.getTime();
    await h.bot.app.timers.sweep(new Date(due - 5 * 60_000));
    await h.settle();
    const reminder = h.api
      .of('chat.postMessage')
      .find((c) => c.args.thread_ts === card.response!.ts && String(c.args.text).startsWith(':alarm_clock:'));
    // Web API arguments travel form-encoded.
    expect(reminder?.args).toMatchObject({ channel: TRIAGE_L2, reply_broadcast: 'true' });
    expect(String(reminder!.args.text)).toMatch(
      new RegExp(`Unclaimed at L2: \\*${key}\\*.*First response is due <!date\\^${Math.floor(due / 1000)}`),
    );

    await h.bot.app.timers.sweep(new Date(due + 60_000));
    await h.settle();
    expect(await h.bot.app.tickets.get(key)).toMatchObject({ tier: 'L3', status: 'escalated' });
    const l3Card = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L3);
    expect(FakeSlackApi.textOf(l3Card)).toContain(key);
    const line = h.api
      .of('chat.postMessage')
      .find((c) => c.args.thread_ts === card.response!.ts && String(c.args.text).startsWith(':arrow_double_up:'));
    expect(String(line!.args.text)).toMatch(
      /The bot escalated it from L2 to L3\.\n>Escalated automatically: Nobody at L2 claimed it within the P3 response target/,
    );
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toMatch(/escalated to the L3 team/);
  });

  it('escalates to the vendor with its name and case, shows them on the L4 card, and records the contact later', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    await escalateByModal(card, {
      tier: { type: 'static_select', selected_option: { value: 'L4' } },
      reason: { type: 'plain_text_input', value: 'Monitor firmware bug; vendor case opened' },
      vendor_name: { type: 'plain_text_input', value: 'Acme Displays' },
      vendor_case: { type: 'plain_text_input', value: 'CS-4471' },
    });
    const vendorCard = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_VENDOR);
    expect(FakeSlackApi.textOf(vendorCard)).toContain('*Vendor (L4)*\\nAcme Displays · case CS-4471');
    expect(buttonsOf(vendorCard!).map((b) => b.text)).toContain('Vendor details');
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toMatch(/escalated to our vendor \(L4\)/);

    await press(ENGINEER, vendorCard!, 'Vendor details', TRIAGE_VENDOR);
    await h.settle();
    const form = h.api.of('views.open').at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string } }>;
    };
    expect(form.blocks.find((b) => b.block_id === 'vendor_case')?.element?.initial_value).toBe('CS-4471');
    await h.interaction(
      viewSubmission({
        user: ENGINEER,
        callbackId: form.callback_id,
        privateMetadata: form.private_metadata,
        values: {
          vendor_name: { type: 'plain_text_input', value: 'Acme Displays' },
          vendor_case: { type: 'plain_text_input', value: 'CS-4471' },
          vendor_contact: { type: 'plain_text_input', value: 'support@acme.example' },
        },
      }),
    );
    await h.settle();
    expect(await h.bot.app.tickets.get(key)).toMatchObject({
      tier: 'L4',
      vendorName: 'Acme Displays',
      vendorCaseRef: 'CS-4471',
      vendorContact: 'support@acme.example',
    });
    const updated = h.api
      .of('chat.update')
      .filter((c) => c.args.channel === TRIAGE_VENDOR)
      .at(-1);
    expect(FakeSlackApi.textOf(updated)).toContain('Acme Displays · case CS-4471 · support@acme.example');
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toMatch(
      /is with our vendor Acme Displays \(their case CS-4471\)/,
    );
  });
});
