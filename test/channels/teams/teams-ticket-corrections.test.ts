import { afterEach, describe, expect, it } from 'vitest';
import { triageCardJson } from '../../../src/channels/teams/adaptive-cards.js';
import { SlaPolicy } from '../../../src/core/tickets/sla-policy.js';
import { ticketStatuses, tiers, type Ticket } from '../../../src/core/tickets/ticket.js';
import { triageCard } from '../../../src/core/tickets/triage-card.js';
import {
  cardAction,
  ENGINEER_2_AAD,
  ENGINEER_AAD,
  FakeConnector,
  PERSONAL,
  REQUESTER_AAD,
  startTeamsHarness,
  teamsExecute,
  teamsMessage,
  type TeamsHarness,
} from '../../support/teams.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

const engineer = { aad: ENGINEER_AAD, name: 'Erin Engineer' };
const requester = { aad: REQUESTER_AAD, name: 'Riley Requester' };
const SECURITY = '19:security@thread.tacv2';

/** A requester asks for a person: the ticket's card opens a new thread in the L2 channel. */
async function openTicket(): Promise<{ key: string; thread: string; cardId: string; card: Record<string, unknown> }> {
  await h.send(teamsMessage({ text: 'my second monitor stays black' }));
  await h.send(teamsMessage({ text: 'talk to a human' }));
  await h.settle();
  const created = h.connector.created().at(-1)!;
  const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  const thread = await h.bot.app.store.prisma.ticketThread.findFirstOrThrow({
    where: { ticketKey: ticket.key, channel: 'teams' },
  });
  const card = (created.body.activity as { attachments: Array<{ content: Record<string, unknown> }> }).attachments[0]!
    .content;
  return { key: ticket.key, thread: `${thread.address};messageid=${thread.threadId}`, cardId: thread.threadId, card };
}

/** Presses a show-card's button (Action.Execute) with the inputs; `forged` replaces the button's own data. */
async function execute(
  from: { aad: string; name: string },
  opened: Awaited<ReturnType<typeof openTicket>>,
  title: string,
  inputs: Record<string, unknown>,
  forged?: Record<string, unknown>,
) {
  const action = cardAction(opened.card, title) as { verb: string; data: Record<string, unknown> };
  const response = await h.send(
    teamsExecute({
      verb: action.verb,
      data: { ...(forged ?? action.data), ...inputs },
      from,
      conversationId: opened.thread,
      replyToId: opened.cardId,
    }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { type: string; value: unknown };
  await h.settle();
  return body;
}

/** The show-card's input with this id. */
function input(card: Record<string, unknown>, id: string): Record<string, unknown> {
  const found = JSON.stringify(card).match(new RegExp(`\\{"type":"Input\\.ChoiceSet","id":"${id}".*?\\]\\}`));
  if (!found) throw new Error(`no input ${id}`);
  return JSON.parse(found[0]) as Record<string, unknown>;
}

const eventsOf = async (key: string, type: string) =>
  h.bot.app.store.prisma.ticketEvent.findMany({ where: { ticket: { key }, type } });

describe('Teams: engineers correct a ticket on its card', () => {
  it('changes the priority from the card: the presser gets the new card, the thread a line, the requester the new priority', async () => {
    h = await startTeamsHarness();
    const opened = await openTicket();
    const before = await h.bot.app.tickets.get(opened.key);
    expect(input(opened.card, 'priority')).toMatchObject({
      value: before.priority,
      choices: [{ value: 'P1' }, { value: 'P2' }, { value: 'P3' }, { value: 'P4' }],
    });
    const result = await execute(engineer, opened, 'Change priority', {
      priority: 'P1',
      priorityReason: 'the whole floor',
    });
    expect(result.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(result.value)).toContain('{"title":"Priority","value":"P1"}');
    const after = await h.bot.app.tickets.get(opened.key);
    expect(after.priority).toBe('P1');
    expect(after.responseDueAt!.getTime()).toBe(before.createdAt.getTime() + 15 * 60_000);
    expect(JSON.parse((await eventsOf(opened.key, 'priority'))[0]!.detail)).toMatchObject({
      from: before.priority,
      to: 'P1',
      reason: 'the whole floor',
    });
    expect(
      h.connector
        .postsTo(opened.thread)
        .some((c) =>
          FakeConnector.textOf(c).includes(`Erin Engineer changed the priority from ${before.priority} to **P1**`),
        ),
    ).toBe(true);
    const told = FakeConnector.textOf(h.connector.postsTo(PERSONAL).at(-1));
    expect(told).toContain(`IT set the priority of **${opened.key}** to P1 - Critical`);
    expect(told).not.toContain('whole floor');
  });

  it('changes the category to one of the listed ones and opens a thread where the new category is routed', async () => {
    h = await startTeamsHarness({ TEAMS_TRIAGE_ROUTES: `security=${SECURITY}` });
    const opened = await openTicket();
    const categories = (input(opened.card, 'category').choices as Array<{ value: string }>).map((c) => c.value);
    expect(categories).toEqual(expect.arrayContaining(['general', 'hardware', 'security']));
    const createdBefore = h.connector.created().length;
    await execute(engineer, opened, 'Change category', { category: 'security', categoryReason: 'a phishing link' });
    expect((await h.bot.app.tickets.get(opened.key)).category).toBe('security');
    const created = h.connector.created().slice(createdBefore);
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created[0]!.body)).toContain(SECURITY);
    expect(
      h.connector
        .postsTo(opened.thread)
        .some((c) => FakeConnector.textOf(c).includes('moved it from hardware to **security**')),
    ).toBe(true);
  });

  it('assigns an unclaimed ticket to an engineer on the roster, and not to anyone else', async () => {
    h = await startTeamsHarness();
    const opened = await openTicket();
    expect((input(opened.card, 'assignee').choices as Array<{ value: string }>).map((c) => c.value)).toEqual([
      ENGINEER_AAD,
      ENGINEER_2_AAD,
    ]);
    const refused = await execute(engineer, opened, 'Assign', { assignee: REQUESTER_AAD });
    expect(refused.value).toBe('Choose someone on the engineer roster.');
    await execute(engineer, opened, 'Assign', { assignee: ENGINEER_2_AAD });
    expect(await h.bot.app.tickets.get(opened.key)).toMatchObject({ status: 'claimed', assigneeId: ENGINEER_2_AAD });
    const [event] = (await eventsOf(opened.key, 'status')).filter((e) => e.toStatus === 'claimed');
    expect(event!.actorId).toBe(ENGINEER_AAD);
    expect(JSON.parse(event!.detail)).toMatchObject({ command: 'assign', assignee: ENGINEER_2_AAD });
  });

  it('changes the priority once through the Action.Submit fallback, even when the activity comes twice', async () => {
    h = await startTeamsHarness();
    const opened = await openTicket();
    const data = (cardAction(opened.card, 'Change priority') as { fallback: { data: Record<string, unknown> } })
      .fallback.data;
    const activity = teamsMessage({
      value: { ...data, priority: 'P2' },
      from: engineer,
      conversation: { id: opened.thread, conversationType: 'channel' },
      id: '1700000999001',
    });
    await h.send(activity);
    await h.send(activity);
    await h.settle();
    expect((await h.bot.app.tickets.get(opened.key)).priority).toBe('P2');
    expect(await eventsOf(opened.key, 'priority')).toHaveLength(1);
    expect(h.connector.postsTo(opened.thread).some((c) => /is now P2/.test(FakeConnector.textOf(c)))).toBe(true);
  });

  it("refuses forged values, other tickets' keys and employees politely, and changes nothing", async () => {
    h = await startTeamsHarness();
    const opened = await openTicket();
    const version = (await h.bot.app.tickets.get(opened.key)).version;
    expect((await execute(engineer, opened, 'Change priority', { priority: 'P0' })).value).toBe(
      'Choose a priority: P1, P2, P3, P4.',
    );
    expect((await execute(engineer, opened, 'Change category', { category: 'x'.repeat(10 * 1024) })).value).toBe(
      'Choose one of the listed categories.',
    );
    expect((await execute(requester, opened, 'Change priority', { priority: 'P1' })).value).toMatch(
      /^Only engineers can change tickets' priority\./,
    );
    const forged = await execute(
      engineer,
      opened,
      'Change category',
      { category: 'security' },
      { helpdesk: { action: 'ticket.category', value: 'HD-9999' } },
    );
    expect(forged.value).toBe('That button does not belong to this ticket card.');
    const unknown = await execute(
      engineer,
      opened,
      'Change priority',
      { priority: 'P1' },
      { helpdesk: { action: 'ticket.priority.bogus', value: opened.key } },
    );
    expect(JSON.stringify(unknown.value)).toMatch(/don't know that button/);
    expect(await h.bot.app.tickets.get(opened.key)).toMatchObject({ version, status: 'new' });
    expect(await eventsOf(opened.key, 'priority')).toHaveLength(0);
  });
});

describe('Teams: the triage card with the correction buttons', () => {
  // Teams shows at most six of a card's top-level actions (its host config's maxActions).
  it('keeps to six actions in every status and tier', () => {
    const at = new Date('2026-11-23T09:00:00Z');
    for (const status of ticketStatuses) {
      for (const tier of tiers) {
        const ticket = {
          id: 't',
          key: 'HD-1001',
          subject: 's',
          description: 'd',
          question: null,
          transcript: [],
          collected: {},
          priority: 'P3',
          tier,
          category: 'network',
          status,
          channel: 'teams',
          conversationKey: null,
          requesterId: 'r',
          requesterName: null,
          assigneeId: status === 'claimed' || status === 'waiting' ? 'e' : null,
          assigneeName: null,
          version: 1,
          createdAt: at,
          updatedAt: at,
          firstResponseAt: null,
          resolvedAt: null,
          closedAt: null,
          responseDueAt: at,
          resolveDueAt: at,
          satisfaction: null,
          statusChangedAt: at,
          vendorName: null,
          vendorCaseRef: null,
          vendorContact: null,
        } satisfies Ticket;
        const card = triageCardJson(
          triageCard(ticket, new SlaPolicy(), 'en'),
          [{ id: 'e', name: 'Erin' }],
          ['general', 'network'],
        );
        expect((card.actions as unknown[]).length, `${status} ${tier}`).toBeLessThanOrEqual(6);
      }
    }
  });
});
