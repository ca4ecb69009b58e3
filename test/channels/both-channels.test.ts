import { afterEach, describe, expect, it } from 'vitest';
import {
  API,
  BOT_TOKEN,
  buttonPress,
  buttonsOf,
  DM,
  EMPLOYEE,
  ENGINEER as SLACK_ENGINEER,
  FakeSlackApi,
  interactionBody,
  signedSlackPost,
  SIGNING_SECRET,
  TRIAGE_L3 as SLACK_TRIAGE_L3,
} from '../support/slack.js';
import {
  cardAction,
  ENGINEER_AAD,
  FakeConnector,
  PERSONAL,
  startTeamsHarness,
  TEAMS_TRIAGE_L2,
  teamsExecute,
  teamsMessage,
  type TeamsHarness,
} from '../support/teams.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** Slack and Teams in one process, on one database: L2 triages in Teams, L3 in Slack. */
async function start(): Promise<FakeSlackApi> {
  const slack = new FakeSlackApi();
  h = await startTeamsHarness({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${API}/api/`,
    SLACK_TRIAGE_L3,
    SLACK_ENGINEERS: SLACK_ENGINEER,
    TEAMS_TRIAGE_L3: '',
  });
  return slack;
}

const teamsEngineer = { aad: ENGINEER_AAD, name: 'Erin Engineer' };

describe('Slack and Teams at once', () => {
  it('a ticket opened in Teams and escalated to L3 is claimed in Slack, and the requester hears it in Teams', async () => {
    const slack = await start();
    await h.send(teamsMessage({ text: 'my second monitor stays black' }));
    await h.send(teamsMessage({ text: 'talk to a human' }));
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket.channel).toBe('teams');
    const teamsCard = (
      h.connector.created()[0]!.body.activity as { attachments: Array<{ content: Record<string, unknown> }> }
    ).attachments[0]!.content;
    const thread = await h.bot.app.store.prisma.ticketThread.findFirstOrThrow({ where: { channel: 'teams' } });
    const escalate = cardAction(teamsCard, 'Escalate') as { verb: string; data: Record<string, unknown> };
    await h.send(
      teamsExecute({
        verb: escalate.verb,
        data: { ...escalate.data, tier: 'L3', reason: 'Driver problem' },
        from: teamsEngineer,
        conversationId: `${thread.address};messageid=${thread.threadId}`,
        replyToId: thread.threadId,
      }),
    );
    await h.settle();
    const slackCard = slack.of('chat.postMessage').find((c) => c.args.channel === SLACK_TRIAGE_L3)!;
    expect(FakeSlackApi.textOf(slackCard)).toContain(ticket.key);

    const claim = buttonsOf(slackCard).find((b) => b.text === 'Claim')!;
    await signedSlackPost(
      h.url,
      interactionBody(
        buttonPress({
          user: SLACK_ENGINEER,
          actionId: claim.action_id,
          value: claim.value!,
          channel: SLACK_TRIAGE_L3,
          messageTs: String(slackCard.response!.ts),
        }),
      ),
      {
        contentType: 'application/x-www-form-urlencoded',
      },
    );
    await h.settle();
    expect((await h.bot.app.tickets.get(ticket.key)).assigneeId).toBe(SLACK_ENGINEER);
    expect(FakeConnector.textOf(h.connector.postsTo(PERSONAL).at(-1))).toMatch(
      new RegExp(`is now working on \\*\\*${ticket.key}\\*\\*`),
    );
    // The Teams card of L2 shows the change too.
    expect(
      JSON.stringify(h.connector.updatesIn(`${thread.address};messageid=${thread.threadId}`).at(-1)!.body),
    ).toContain('claimed');
  });

  it("a ticket opened in Slack is triaged in Teams, and the claim reaches the requester's Slack thread", async () => {
    const slack = await start();
    const event = (text: string, ts: string, threadTs?: string) =>
      signedSlackPost(
        h.url,
        JSON.stringify({
          type: 'event_callback',
          team_id: 'T0TEAM001',
          event_id: `Ev${ts.replace('.', '')}`,
          event: {
            type: 'message',
            channel: DM,
            channel_type: 'im',
            user: EMPLOYEE,
            text,
            ts,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          },
        }),
      );
    await event('my second monitor stays black', '1700004000.000100');
    await event('talk to a human', '1700004001.000100', '1700004000.000100');
    await h.settle();
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket.channel).toBe('slack');
    const created = h.connector.created()[0]!;
    expect(created.body).toMatchObject({ channelData: { channel: { id: TEAMS_TRIAGE_L2 } } });
    const thread = await h.bot.app.store.prisma.ticketThread.findFirstOrThrow({ where: { channel: 'teams' } });
    const card = (created.body.activity as { attachments: Array<{ content: Record<string, unknown> }> }).attachments[0]!
      .content;
    const claim = cardAction(card, 'Claim') as { verb: string; data: Record<string, unknown> };
    await h.send(
      teamsExecute({
        verb: claim.verb,
        data: claim.data,
        from: teamsEngineer,
        conversationId: `${thread.address};messageid=${thread.threadId}`,
        replyToId: thread.threadId,
      }),
    );
    await h.settle();
    const update = slack
      .of('chat.postMessage')
      .filter((c) => c.args.channel === DM && c.args.thread_ts === '1700004000.000100')
      .at(-1);
    expect(FakeSlackApi.textOf(update)).toMatch(new RegExp(`Erin Engineer is now working on \\*${ticket.key}\\*`));
  });
});
