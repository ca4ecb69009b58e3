import { afterEach, describe, expect, it } from 'vitest';
import {
  cardAction,
  cardOf,
  FakeConnector,
  PERSONAL,
  startTeamsHarness,
  TEAMS_TRIAGE_L2,
  teamsMessage,
  type TeamsHarness,
} from '../../support/teams.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

const CHANNEL_THREAD = '19:general@thread.tacv2;messageid=1700000000001';

describe('Teams: employees', () => {
  it('answers in a personal chat with an Adaptive Card: the answer, its source and Helpful / Not helpful / Talk to a human', async () => {
    h = await startTeamsHarness();
    const response = await h.send(teamsMessage({ text: 'how do I reset my password' }));
    expect(response.status).toBe(200);
    await h.settle();
    const card = cardOf(h.connector.postsTo(PERSONAL)[0])!;
    expect(JSON.stringify(card)).toMatch(/password/i);
    expect(JSON.stringify(card)).toMatch(/Source: \[/);
    expect((card.actions as Array<{ title: string }>).map((a) => a.title)).toEqual([
      'Helpful',
      'Not helpful',
      'Talk to a human',
    ]);
  });

  it('answers an @mention in a channel thread, and ignores un-addressed chatter there', async () => {
    h = await startTeamsHarness();
    await h.send(
      teamsMessage({
        text: 'how do I reset my password',
        mention: true,
        conversation: { id: CHANNEL_THREAD, conversationType: 'channel' },
      }),
    );
    await h.settle();
    expect(h.connector.postsTo(CHANNEL_THREAD)).toHaveLength(1);
    expect(FakeConnector.textOf(h.connector.postsTo(CHANNEL_THREAD)[0])).toMatch(/password/i);
    await h.send(
      teamsMessage({
        text: 'same here',
        from: { aad: '44444444-4444-4444-8444-444444444444', name: 'Bystander' },
        conversation: { id: CHANNEL_THREAD, conversationType: 'channel' },
      }),
    );
    await h.send(
      teamsMessage({
        text: 'mine',
        conversation: { id: '19:general@thread.tacv2;messageid=1700000000002', conversationType: 'channel' },
      }),
    );
    await h.settle();
    expect(h.connector.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('offers "did you mean" choices and answers the one pressed (Action.Submit)', async () => {
    h = await startTeamsHarness();
    await h.send(teamsMessage({ text: 'wifi' }));
    await h.settle();
    const offer = cardOf(h.connector.postsTo(PERSONAL)[0])!;
    const actions = offer.actions as Array<{ title: string; data: Record<string, unknown> }>;
    expect(actions.at(-1)!.title).toBe('None of these');
    await h.send(teamsMessage({ value: actions[0]!.data }));
    await h.settle();
    const answer = cardOf(h.connector.postsTo(PERSONAL)[1])!;
    expect((answer.actions as Array<{ title: string }>).map((a) => a.title)).toContain('Helpful');
  });

  it('"ticket" shows the form; field errors appear in the form; a valid form opens the ticket and posts its triage card', async () => {
    h = await startTeamsHarness();
    await h.send(teamsMessage({ text: 'ticket' }));
    await h.settle();
    const form = cardOf(h.connector.postsTo(PERSONAL)[0])!;
    const formId = String((h.connector.postsTo(PERSONAL)[0]!.body as { id?: string }).id ?? '1001');
    const submit = cardAction(form, 'Open ticket').data as Record<string, unknown>;
    await h.send(
      teamsMessage({
        value: { ...submit, subject: 'vpn', description: 'broken', priority: 'P2', category: 'nope' },
        replyToId: formId,
      }),
    );
    await h.settle();
    const update = h.connector.updatesIn(PERSONAL).at(-1);
    expect(FakeConnector.textOf(update)).toMatch(/at least 5 characters/);
    expect(FakeConnector.textOf(update)).toMatch(/Choose one of the listed categories/);
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(0);
    await h.send(
      teamsMessage({
        value: {
          ...submit,
          subject: 'VPN drops every 10 minutes',
          description: 'GlobalProtect disconnects every ten minutes at home.',
          priority: 'P2',
          category: 'network',
        },
      }),
    );
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket).toMatchObject({
      channel: 'teams',
      priority: 'P2',
      category: 'network',
      conversationKey: `teams:${PERSONAL}`,
    });
    const created = h.connector.created()[0]!;
    expect(created.body).toMatchObject({ isGroup: true, channelData: { channel: { id: TEAMS_TRIAGE_L2 } } });
    expect(FakeConnector.textOf(created)).toContain(ticket.key);
  });

  it('refuses a malformed activity with 400 and stays up', async () => {
    h = await startTeamsHarness();
    expect((await h.send({ hello: 'world' })).status).toBe(400);
    const bad = await fetch(`${h.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(bad.status).toBe(400);
    expect((await h.send(teamsMessage({ text: 'how do I reset my password' }))).status).toBe(200);
    await h.settle();
    expect(h.connector.postsTo(PERSONAL)).toHaveLength(1);
  });

  it('processes a redelivered activity (same id) once', async () => {
    h = await startTeamsHarness();
    const activity = teamsMessage({ text: 'how do I reset my password', id: '1700000999999' });
    await h.send(activity);
    await h.send(activity);
    await h.settle();
    expect(h.connector.postsTo(PERSONAL)).toHaveLength(1);
  });

  it('runs a guided script with Adaptive Card choices', async () => {
    h = await startTeamsHarness();
    await h.send(teamsMessage({ text: 'cannot connect to the vpn' }));
    await h.settle();
    const prompt = cardOf(h.connector.postsTo(PERSONAL).at(-1))!;
    const titles = (prompt.actions as Array<{ title: string }>).map((a) => a.title);
    expect(titles).toEqual(['Yes, websites open', 'No, nothing loads', 'Start over', 'Talk to a human']);
    await h.send(teamsMessage({ value: cardAction(prompt, 'No, nothing loads').data as Record<string, unknown> }));
    await h.settle();
    expect(FakeConnector.textOf(h.connector.postsTo(PERSONAL).at(-1))).toMatch(/accept the Wi-Fi login page/);
  });
});
