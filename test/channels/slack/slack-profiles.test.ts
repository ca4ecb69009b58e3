import { afterEach, describe, expect, it } from 'vitest';
import { payload } from '../../support/payload-fixtures.js';
import {
  BOT_USER,
  EMPLOYEE,
  ENGINEER,
  eventually,
  startSlackHarness,
  TEAM,
  type SlackHarness,
} from '../../support/slack.js';

/*
 * People's Slack profiles (users.info) through the real receiver, Slack's Web API a nock stand-in:
 * a question is answered without asking Slack who asked; a ticket records the name, read once per
 * TTL; the cache stays within its bound and keeps workspaces apart. The clock is the test's.
 */

const TTL_MS = 60_000;
const OTHER_TEAM = 'T0OTHER001';

let h: SlackHarness;
let now = 0;
let sequence = 0;
afterEach(async () => {
  await h?.close();
});

async function start(maxEntries = 100): Promise<void> {
  now = Date.parse('2026-03-02T09:00:00Z');
  h = await startSlackHarness(
    {},
    { slackProfiles: { ttlMs: TTL_MS, failureTtlMs: 10_000, maxEntries, now: () => now } },
  );
}

const lookups = () => h.api.of('users.info').length;
const failedLookups = () => h.api.calls.filter((call) => call.method.startsWith('users.info!')).length;

/** A signed event of `team` (the harness's own events are all of TEAM). */
async function event(team: string, event: Record<string, unknown>): Promise<void> {
  const eventId = `EvPROFILE${String(++sequence).padStart(6, '0')}`;
  const response = await h.post(
    JSON.stringify(payload('slack/event_callback', { team, botUser: BOT_USER, event, eventId })),
  );
  expect(response.status).toBe(200);
}

/** A person's direct message: a new thread in their DM. */
function dm(team: string, user: string, text: string, threadTs?: string): Record<string, unknown> {
  const ts = `17000${String(++sequence).padStart(5, '0')}.000100`;
  return payload('slack/message', {
    clientMsgId: `0a0b0c0d-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    text,
    user,
    ts,
    threadTs,
    team,
    channel: `D${user.slice(1)}`,
    channelType: 'im',
  });
}

/** A question in a new DM thread, then "talk to a human" in it: the ticket it opens. */
async function ticketFrom(team: string, user: string): Promise<{ requesterName: string | null; requesterId: string }> {
  const question = dm(team, user, 'my second monitor stays black');
  await event(team, question);
  await event(team, dm(team, user, 'talk to a human', String(question.ts)));
  await h.settle();
  return h.bot.app.store.prisma.ticket.findFirstOrThrow({
    where: { requesterId: user },
    orderBy: { createdAt: 'desc' },
    select: { requesterName: true, requesterId: true },
  });
}

/** App Home opened, and published. */
async function homeOpened(team: string, user: string): Promise<void> {
  const published = h.api.of('views.publish').length;
  await event(team, { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home' });
  await eventually(() => h.api.of('views.publish').length > published);
}

/** `/helpdesk web`, answered before the command returns: one at a time, so the order people were looked up in is known. */
async function webAsked(user: string): Promise<void> {
  expect((await h.command('web', user)).status).toBe(200);
}

describe('Slack: who asked, from their profile', () => {
  it('answers a question without users.info; a ticket records the name, read once per TTL, so a new name shows after it', async () => {
    await start();
    await event(TEAM, dm(TEAM, EMPLOYEE, 'how do I reset my password'));
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
    expect(lookups()).toBe(0);

    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Employee');
    expect(lookups()).toBe(1);

    h.api.names.set(EMPLOYEE, 'Emma Stone');
    now += TTL_MS - 1;
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Employee');
    expect(lookups()).toBe(1);

    now += 2;
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Stone');
    expect(lookups()).toBe(2);
  });

  it('publishes App Home without users.info: the page shows no name', async () => {
    await start();
    await homeOpened(TEAM, EMPLOYEE);
    await homeOpened(TEAM, ENGINEER);
    expect(h.api.of('views.publish')).toHaveLength(2);
    expect(lookups()).toBe(0);
  });

  it('still answers, and opens the ticket under the id, when users.info fails; asks again once the failure has aged', async () => {
    await start();
    h.api.fail('users.info', 200, { times: 1, body: { ok: false, error: 'missing_scope', needed: 'users:read' } });
    const ticket = await ticketFrom(TEAM, EMPLOYEE);
    expect(ticket).toEqual({ requesterName: null, requesterId: EMPLOYEE });
    expect(failedLookups()).toBe(1);
    const replies = h.api.of('chat.postMessage').filter((call) => call.args.channel === `D${EMPLOYEE.slice(1)}`);
    expect(replies.map((call) => JSON.stringify(call.args)).join('\n')).toMatch(/HD-\d+/);
    const card = h.api.of('chat.postMessage').find((call) => String(call.args.channel).startsWith('C0TRIAGE'));
    expect(JSON.stringify(card?.args)).toContain(`<@${EMPLOYEE}>`);

    // Remembered for a while: a burst of tickets does not hammer a Slack that refuses.
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBeNull();
    expect(failedLookups() + lookups()).toBe(1);
    now += 10_001;
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Employee');
    expect(lookups()).toBe(1);
  });

  it('keeps at most its bound of people however many look themselves up, forgetting the least recently used', async () => {
    await start(20);
    const people = Array.from({ length: 60 }, (_, i) => `U0MANY${String(i).padStart(4, '0')}`);
    for (const user of people) await webAsked(user);
    expect(lookups()).toBe(60);

    // The 20 most recent are kept: no call. Used again, the oldest of them stays while others go.
    for (const user of people.slice(40)) await webAsked(user);
    expect(lookups()).toBe(60);
    await webAsked(people[40]!);
    for (const user of people.slice(0, 19)) await webAsked(user);
    expect(lookups()).toBe(79);
    // 19 new ones pushed out the 19 used longest ago (41 to 59), not 40, used since.
    await webAsked(people[40]!);
    expect(lookups()).toBe(79);
    await webAsked(people[59]!);
    expect(lookups()).toBe(80);
  });

  it('keeps workspaces apart: the same member id in another workspace is looked up there, not answered from here', async () => {
    await start();
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Employee');
    h.api.names.set(EMPLOYEE, 'Emma of Other Corp');
    expect((await ticketFrom(OTHER_TEAM, EMPLOYEE)).requesterName).toBe('Emma of Other Corp');
    expect(lookups()).toBe(2);
    expect((await ticketFrom(TEAM, EMPLOYEE)).requesterName).toBe('Emma Employee');
    expect((await ticketFrom(OTHER_TEAM, EMPLOYEE)).requesterName).toBe('Emma of Other Corp');
    expect(lookups()).toBe(2);
  });
});
