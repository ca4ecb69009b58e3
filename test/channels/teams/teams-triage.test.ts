import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardOf,
  ENGINEER_2_AAD,
  ENGINEER_AAD,
  FakeConnector,
  PERSONAL,
  REQUESTER_AAD,
  startTeamsHarness,
  TEAMS_TRIAGE_L2,
  TEAMS_TRIAGE_L3,
  teamsExecute,
  teamsMessage,
  type TeamsHarness,
} from '../../support/teams.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

const engineer = { aad: ENGINEER_AAD, name: 'Erin Engineer' };
const engineer2 = { aad: ENGINEER_2_AAD, name: 'Eli Engineer' };
const requester = { aad: REQUESTER_AAD, name: 'Riley Requester' };

/** A requester asks for a person: the ticket's card opens a new thread in the L2 channel. */
async function openTicket(): Promise<{ key: string; thread: string; cardId: string; card: Record<string, unknown> }> {
  await h.send(teamsMessage({ text: 'my second monitor stays black' }));
  await h.send(teamsMessage({ text: 'talk to a human' }));
  await h.settle();
  const created = h.connector.created().at(-1)!;
  const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  const response = h.connector.calls.indexOf(created);
  expect(response).toBeGreaterThanOrEqual(0);
  const thread = await h.bot.app.store.prisma.ticketThread.findFirstOrThrow({
    where: { ticketKey: ticket.key, channel: 'teams' },
  });
  const card = (created.body.activity as { attachments: Array<{ content: Record<string, unknown> }> }).attachments[0]!
    .content;
  return { key: ticket.key, thread: `${thread.address};messageid=${thread.threadId}`, cardId: thread.threadId, card };
}

async function execute(
  from: { aad: string; name: string },
  card: Record<string, unknown>,
  title: string,
  inputs: Record<string, unknown>,
  thread: string,
  cardId: string,
) {
  const action = cardAction(card, title) as { verb: string; data: Record<string, unknown> };
  const response = await h.send(
    teamsExecute({
      verb: action.verb,
      data: { ...action.data, ...inputs },
      from,
      conversationId: thread,
      replyToId: cardId,
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { statusCode: number; type: string; value: unknown };
}

function toRequester() {
  return h.connector.postsTo(PERSONAL);
}

describe('Teams: triage', () => {
  it('posts a card in a new thread of the L2 channel with Claim (Action.Execute, Action.Submit fallback), Escalate and Resolve', async () => {
    h = await startTeamsHarness();
    const { key, card } = await openTicket();
    expect(h.connector.created()[0]!.body).toMatchObject({ channelData: { channel: { id: TEAMS_TRIAGE_L2 } } });
    const text = JSON.stringify(card);
    expect(text).toContain(key);
    expect(text).toContain('Riley Requester');
    expect(text).toMatch(/Question: my second monitor stays black/);
    expect(text).toMatch(/First response due/);
    const claim = cardAction(card, 'Claim') as { type: string; verb: string; fallback: { type: string } };
    expect(claim).toMatchObject({ type: 'Action.Execute', verb: 'ticket.claim', fallback: { type: 'Action.Submit' } });
    expect((card.actions as Array<{ title: string }>).map((a) => a.title)).toEqual([
      'Claim',
      'Assign',
      'Escalate',
      'Resolve',
      'Priority',
      'Category',
    ]);
  });

  it("claims through Action.Execute: the presser gets the refreshed card, everyone's card is updated, the requester is told; others are refused", async () => {
    h = await startTeamsHarness();
    const { key, card, thread, cardId } = await openTicket();
    const refused = await execute(requester, card, 'Claim', {}, thread, cardId);
    expect(refused).toMatchObject({
      type: 'application/vnd.microsoft.activity.message',
      value: expect.stringMatching(/Only engineers can claim/),
    });
    const [first, second] = await Promise.all([
      execute(engineer, card, 'Claim', {}, thread, cardId),
      execute(engineer2, card, 'Claim', {}, thread, cardId),
    ]);
    await h.settle();
    const ticket = await h.bot.app.tickets.get(key);
    expect(ticket.status).toBe('claimed');
    const results = [first, second];
    expect(results.filter((r) => r.type === 'application/vnd.microsoft.card.adaptive')).toHaveLength(1);
    expect(JSON.stringify(results.find((r) => r.type !== 'application/vnd.microsoft.card.adaptive'))).toMatch(
      /already claimed by|Someone else changed/,
    );
    const update = h.connector.updatesIn(thread).at(-1)!;
    expect(update.path).toContain(`/activities/${cardId}`);
    expect(JSON.stringify(update.body)).toContain(ticket.assigneeName!);
    expect(FakeConnector.textOf(toRequester().at(-1))).toMatch(new RegExp(`is now working on \\*\\*${key}\\*\\*`));
  });

  it('claims through the Action.Submit fallback as well', async () => {
    h = await startTeamsHarness();
    const { key, card, thread } = await openTicket();
    const submit = (cardAction(card, 'Claim') as { fallback: { data: Record<string, unknown> } }).fallback.data;
    await h.send(
      teamsMessage({ value: submit, from: engineer, conversation: { id: thread, conversationType: 'channel' } }),
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).assigneeId).toBe(ENGINEER_AAD);
    expect(h.connector.postsTo(thread).some((c) => /You claimed/.test(FakeConnector.textOf(c)))).toBe(true);
  });

  it("carries replies both ways: an engineer's mention in the card thread reaches the requester; the requester's reply reaches the thread", async () => {
    h = await startTeamsHarness();
    const { thread } = await openTicket();
    await h.send(
      teamsMessage({
        text: 'Which dock model do you use?',
        mention: true,
        from: engineer,
        conversation: { id: thread, conversationType: 'channel' },
      }),
    );
    await h.settle();
    expect(FakeConnector.textOf(toRequester().at(-1))).toContain('Which dock model do you use?');
    await h.send(teamsMessage({ text: 'A Dell WD19' }));
    await h.settle();
    expect(h.connector.postsTo(thread).some((c) => FakeConnector.textOf(c).includes('A Dell WD19'))).toBe(true);
    const before = toRequester().length;
    await h.send(
      teamsMessage({
        text: '(internal) firmware bug',
        mention: true,
        from: engineer,
        conversation: { id: thread, conversationType: 'channel' },
      }),
    );
    await h.settle();
    expect(toRequester()).toHaveLength(before);
  });

  it('escalates with the tier and reason from the card: a new thread in the L3 channel, the requester told', async () => {
    h = await startTeamsHarness();
    const { key, card, thread, cardId } = await openTicket();
    const result = await execute(
      engineer,
      card,
      'Escalate',
      { tier: 'L3', reason: 'Needs a driver rollout' },
      thread,
      cardId,
    );
    expect(result.type).toBe('application/vnd.microsoft.card.adaptive');
    await h.settle();
    expect(await h.bot.app.tickets.get(key)).toMatchObject({ tier: 'L3', status: 'escalated' });
    expect(h.connector.created().some((c) => JSON.stringify(c.body).includes(TEAMS_TRIAGE_L3))).toBe(true);
    expect(FakeConnector.textOf(toRequester().at(-1))).toMatch(/escalated to the L3 team/);
  });

  it('escalates to the vendor with its name and case from the card, shows them, and saves the contact from "Vendor details"', async () => {
    h = await startTeamsHarness();
    const { key, card, thread, cardId } = await openTicket();
    const result = await execute(
      engineer,
      card,
      'Escalate',
      { tier: 'L4', reason: 'Firmware bug', vendorName: 'Acme Displays', vendorCaseRef: 'CS-4471' },
      thread,
      cardId,
    );
    expect(result.type).toBe('application/vnd.microsoft.card.adaptive');
    const refreshed = result.value as Record<string, unknown>;
    // Card text is markdown-escaped (CS\\-4471).
    expect(JSON.stringify(refreshed)).toContain('{"title":"Vendor (L4)","value":"Acme Displays · case CS\\\\-4471"}');
    await execute(
      engineer,
      refreshed,
      'Save',
      { vendorName: 'Acme Displays', vendorCaseRef: 'CS-4471', vendorContact: 'support@acme.example' },
      thread,
      cardId,
    );
    await h.settle();
    expect(await h.bot.app.tickets.get(key)).toMatchObject({
      tier: 'L4',
      vendorName: 'Acme Displays',
      vendorContact: 'support@acme.example',
    });
    expect(FakeConnector.textOf(toRequester().at(-1))).toMatch(
      /is with our vendor Acme Displays \(their case CS\\*-4471\)/,
    );
    const refused = await execute(requester, refreshed, 'Save', { vendorName: 'Evil Corp' }, thread, cardId);
    expect(JSON.stringify(refused)).toMatch(/Only engineers/);
  });

  it('resolves from the card, asks the requester to rate, and records the rating', async () => {
    h = await startTeamsHarness();
    const { key, card, thread, cardId } = await openTicket();
    const missing = await execute(engineer, card, 'Resolve', {}, thread, cardId);
    expect(JSON.stringify(missing)).toMatch(/Say how it was resolved/);
    await execute(engineer, card, 'Resolve', { resolution: 'Updated the dock firmware' }, thread, cardId);
    await h.settle();
    const resolved = cardOf(toRequester().at(-1))!;
    expect(JSON.stringify(resolved)).toMatch(/is resolved: Updated the dock firmware/);
    const five = cardAction(resolved, '😀 5') as { data: Record<string, unknown> };
    await h.send(
      teamsMessage({ value: five.data, from: engineer, conversation: { id: PERSONAL, conversationType: 'personal' } }),
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).satisfaction).toBeNull();
    await h.send(teamsMessage({ value: five.data }));
    await h.settle();
    expect((await h.bot.app.tickets.get(key)).satisfaction).toBe(5);
    expect(JSON.stringify(h.connector.updatesIn(thread).at(-1)!.body)).toContain('(5/5)');
  });

  it('refuses a card button whose value names another ticket', async () => {
    h = await startTeamsHarness();
    const { key, card, thread, cardId } = await openTicket();
    const claim = cardAction(card, 'Claim') as { verb: string; data: Record<string, unknown> };
    const response = await h.send(
      teamsExecute({
        verb: claim.verb,
        data: { helpdesk: { action: 'ticket.claim', value: 'HD-9999' } },
        from: engineer,
        conversationId: thread,
        replyToId: cardId,
      }),
    );
    expect(JSON.stringify(await response.json())).toMatch(/does not belong to this ticket card/);
    expect((await h.bot.app.tickets.get(key)).status).toBe('new');
  });
});
