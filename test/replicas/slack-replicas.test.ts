/**
 * Several bot replicas on one PostgreSQL schema, each its own app, pool and HTTP server, as
 * behind a load balancer. Slack's Web API is one fake shared by the in-process replicas (a
 * killable replica runs in a child process with its own fake, see slack-replica-process.ts).
 */
import nock from 'nock';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buttonPress,
  buttonsOf,
  DM,
  eventCallbackBody,
  eventually,
  EMPLOYEE,
  ENGINEER,
  ENGINEER_2,
  FakeSlackApi,
  signedSlackPost,
  startSlackHarness,
  TEAM,
  TRIAGE_L2,
  type ApiCall,
  type SlackHarness,
} from '../support/slack.js';
import { startSlackReplicaProcess, type ReplicaProcess } from '../support/slack-replica-process.js';
import { newTestSchema, postgresUrlFor, testPostgresUrl } from '../support/test-database.js';

let harnesses: SlackHarness[] = [];
let processes: ReplicaProcess[] = [];
afterEach(async () => {
  for (const child of processes) child.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await Promise.all(harnesses.map((h) => h.close()));
  harnesses = [];
  processes = [];
  nock.cleanAll();
  nock.enableNetConnect();
});

/** `count` replicas started at the same moment on one new, empty schema, sharing one fake Slack. */
async function startReplicas(
  count: number,
): Promise<{ replicas: SlackHarness[]; api: FakeSlackApi; databaseUrl: string }> {
  const databaseUrl = postgresUrlFor(newTestSchema());
  const api = new FakeSlackApi();
  const replicas = await Promise.all(
    Array.from({ length: count }, () => startSlackHarness({ DATABASE_URL: databaseUrl }, { api })),
  );
  harnesses.push(...replicas);
  return { replicas, api, databaseUrl };
}

const settleAll = async (replicas: SlackHarness[]) => {
  // The replicas share one inbox and outbox: one replica is idle while another still works on
  // items of the same conversation, so "settled" is the shared queue empty, then each replica quiet.
  const prisma = replicas[0]!.bot.app.store.prisma;
  for (let i = 0; i < 2; i++) {
    await eventually(async () => (await prisma.queueItem.count({ where: { status: 'pending' } })) === 0, 60_000);
    await Promise.all(replicas.map((r) => r.settle()));
  }
};

function dm(text: string, ts: string): Record<string, unknown> {
  return { type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text, ts };
}

/** The conversation key the Slack channel gives a DM thread. */
const conversationOf = (ts: string) => `slack:${TEAM}:${DM}:${ts}`;
const postsInThread = (calls: ApiCall[], ts: string) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === DM && c.args.thread_ts === ts);
const cardsOf = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === TRIAGE_L2);
const keyOnCard = (card: ApiCall) => /HD-\d+/.exec(FakeSlackApi.textOf(card))?.[0];

describe.skipIf(!testPostgresUrl)('replicas on one PostgreSQL database', () => {
  it('process an event that reaches two replicas at once, and its retries, exactly once: one answer, one ticket', async () => {
    const { replicas, api } = await startReplicas(2);
    const [one, two] = replicas as [SlackHarness, SlackHarness];
    const question = dm('how do I reset my password', '1700003000.000100');
    const handoff = dm('talk to a human', '1700003100.000100');
    for (const [event, eventId] of [
      [question, 'EvBOTH00001'],
      [handoff, 'EvBOTH00002'],
    ] as const) {
      const first = await Promise.all([one.event(event, { eventId }), two.event(event, { eventId })]);
      expect(first.map((response) => response.status)).toEqual([200, 200]);
      // Slack retries what it thinks was missed, to whichever replica the balancer picks.
      const retries = await Promise.all([
        one.event(event, { eventId, retryNum: 1 }),
        two.event(event, { eventId, retryNum: 1 }),
        two.event(event, { eventId, retryNum: 2 }),
      ]);
      expect(retries.map((response) => response.status)).toEqual([200, 200, 200]);
    }
    await settleAll(replicas);

    const prisma = one.bot.app.store.prisma;
    expect(await prisma.queueItem.count({ where: { kind: 'slack.inbound' } })).toBe(2);
    const answers = postsInThread(api.calls, String(question.ts));
    expect(answers).toHaveLength(1);
    expect(FakeSlackApi.textOf(answers[0])).toMatch(/password/i);
    expect(await prisma.question.count()).toBe(1);

    const tickets = await prisma.ticket.findMany();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.conversationKey).toBe(conversationOf(String(handoff.ts)));
    expect(cardsOf(api.calls).map(keyOnCard)).toEqual([tickets[0]!.key]);
    expect(postsInThread(api.calls, String(handoff.ts))).toHaveLength(1);
  });

  it('let exactly one of two engineers pressing Claim at the same moment on different replicas win; the other is told who has it', async () => {
    const { replicas, api } = await startReplicas(2);
    const [one, two] = replicas as [SlackHarness, SlackHarness];
    for (let round = 0; round < 3; round++) {
      const ts = `17000050${round}0.000100`;
      await one.event(dm('talk to a human', ts));
      await settleAll(replicas);
      const card = cardsOf(api.calls).at(-1)!;
      const key = keyOnCard(card)!;
      const claim = buttonsOf(card).find((b) => b.text === 'Claim')!;
      const before = api.calls.length;
      const press = (replica: SlackHarness, user: string) =>
        replica.interaction(
          buttonPress({
            user,
            actionId: claim.action_id,
            value: claim.value!,
            channel: TRIAGE_L2,
            messageTs: String(card.response!.ts),
          }),
        );
      // Alternate which replica gets which engineer, so neither replica is always first.
      const pressed =
        round % 2 === 0
          ? [press(one, ENGINEER), press(two, ENGINEER_2)]
          : [press(two, ENGINEER), press(one, ENGINEER_2)];
      expect((await Promise.all(pressed)).map((response) => response.status)).toEqual([200, 200]);
      await settleAll(replicas);

      const ticket = await one.bot.app.tickets.get(key);
      expect(ticket.status).toBe('claimed');
      expect([ENGINEER, ENGINEER_2]).toContain(ticket.assigneeId);
      const loser = ticket.assigneeId === ENGINEER ? ENGINEER_2 : ENGINEER;
      const ephemerals = api.calls.slice(before).filter((c) => c.method === 'chat.postEphemeral');
      expect(
        ephemerals.filter((c) => c.args.user === loser),
        `round ${round}: the loser is told`,
      ).toHaveLength(1);
      expect(String(ephemerals.find((c) => c.args.user === loser)!.args.text)).toMatch(
        /already claimed by|Someone else changed/,
      );
      expect(
        ephemerals.filter((c) => c.args.user === ticket.assigneeId),
        `round ${round}: the winner is not refused`,
      ).toHaveLength(0);
      expect(
        await two.bot.app.store.prisma.ticketEvent.count({ where: { ticketId: ticket.id, toStatus: 'claimed' } }),
      ).toBe(1);
    }
  });

  it('give every ticket its own number when both replicas open 20 tickets at the same time', async () => {
    const { replicas, api } = await startReplicas(2);
    const [one, two] = replicas as [SlackHarness, SlackHarness];
    const stamps = Array.from({ length: 40 }, (_, i) => `17000060${String(i).padStart(2, '0')}.000100`);
    const responses = await Promise.all(
      stamps.map((ts, i) => (i % 2 === 0 ? one : two).event(dm('talk to a human', ts))),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    await settleAll(replicas);

    const tickets = await one.bot.app.store.prisma.ticket.findMany({ orderBy: { key: 'asc' } });
    expect(tickets).toHaveLength(40);
    expect(tickets.map((t) => t.key)).toEqual(Array.from({ length: 40 }, (_, i) => `HD-${1001 + i}`));
    expect(new Set(tickets.map((t) => t.conversationKey))).toEqual(new Set(stamps.map(conversationOf)));
    expect(cardsOf(api.calls).map(keyOnCard).sort()).toEqual(tickets.map((t) => t.key));
  });

  it('a replica killed mid-work (SIGKILL) leaves the other one whole: what it acknowledged is done once, nothing is done twice, and it holds no locks', async () => {
    const schema = newTestSchema();
    const databaseUrl = postgresUrlFor(schema);
    const survivor = await startSlackHarness({ DATABASE_URL: databaseUrl });
    harnesses.push(survivor);
    // The doomed replica names its connections, so the test can see them go.
    const doomedUrl = new URL(databaseUrl);
    doomedUrl.searchParams.set('application_name', `doomed-${schema}`);
    const doomed = await startSlackReplicaProcess(doomedUrl.toString(), 1_800_000_000);
    processes.push(doomed);

    // 40 tickets asked for, alternately through each replica, one every 15 ms, as a balancer
    // would spread them. The doomed replica is killed once it has posted a few cards, with its
    // later requests still coming (and failing), and its last acknowledged ones still in work.
    type Outcome = 'doomed-acked' | 'survivor-acked' | 'retried-to-survivor';
    const outcomes = new Map<string, Outcome>();
    const stamps = Array.from({ length: 40 }, (_, i) => `17000070${String(i).padStart(2, '0')}.000100`);
    let killed = false;
    const deliveries: Array<Promise<void>> = [];
    for (const [i, ts] of stamps.entries()) {
      // Work is shared through the inbox, so the doomed replica may post little itself: half-way at the latest.
      if (!killed && (cardsOf(doomed.calls).length >= 3 || i >= 20)) {
        doomed.child.kill('SIGKILL');
        killed = true;
      }
      const eventId = `EvKILL${String(i).padStart(5, '0')}`;
      if (i % 2 === 1) {
        deliveries.push(
          survivor.event(dm('talk to a human', ts), { eventId }).then((response) => {
            expect(response.status).toBe(200);
            outcomes.set(ts, 'survivor-acked');
          }),
        );
      } else {
        const body = eventCallbackBody(dm('talk to a human', ts), eventId);
        deliveries.push(
          signedSlackPost(doomed.url, body)
            .then((response) => response.status === 200)
            .catch(() => false)
            .then(async (acked) => {
              if (acked) return void outcomes.set(ts, 'doomed-acked');
              // Slack sends an unacknowledged event again; the balancer sends it to the survivor.
              const retry = await survivor.post(body, {
                headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' },
              });
              expect(retry.status).toBe(200);
              outcomes.set(ts, 'retried-to-survivor');
            }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    if (!killed) doomed.child.kill('SIGKILL');
    await Promise.all(deliveries);
    await doomed.exited;
    const prisma = survivor.bot.app.store.prisma;
    // What the killed replica held is taken over when its claims' leases run out.
    await eventually(async () => (await prisma.queueItem.count({ where: { status: 'pending' } })) === 0, 30_000);
    await survivor.settle();

    const tickets = await prisma.ticket.findMany({ include: { events: true } });
    const ticketsOf = (ts: string) => tickets.filter((t) => t.conversationKey === conversationOf(ts));
    const survivorCalls = survivor.api.calls;
    const everyCall = [...doomed.calls, ...survivorCalls];
    for (const ts of stamps) {
      const outcome = outcomes.get(ts)!;
      const mine = ticketsOf(ts);
      if (outcome === 'doomed-acked') {
        // Kept before it was acknowledged: done by the killed replica or, after its lease, by the survivor; never twice.
        expect(mine.length, `${ts} acknowledged by the killed replica`).toBe(1);
      } else {
        // Whatever reached the survivor, first or as a retry, is done exactly once (by whichever
        // replica's worker took it from the shared inbox: the doomed one too, while it lived).
        expect(mine, `${ts} (${outcome})`).toHaveLength(1);
        expect(
          cardsOf(everyCall).filter((card) => keyOnCard(card) === mine[0]!.key).length,
          `${ts} card`,
        ).toBeGreaterThanOrEqual(1);
        expect(postsInThread(everyCall, ts).length, `${ts} confirmation`).toBeGreaterThanOrEqual(1);
      }
    }
    const counts = [...outcomes.values()].reduce<Record<string, number>>(
      (all, o) => ({ ...all, [o]: (all[o] ?? 0) + 1 }),
      {},
    );
    expect(counts['retried-to-survivor'] ?? 0, 'some requests found the killed replica gone').toBeGreaterThan(0);
    expect(counts['survivor-acked']).toBe(20);
    // Keys are unique (the schema says so); a number taken by the killed replica may be skipped.
    expect(new Set(tickets.map((t) => t.key)).size).toBe(tickets.length);
    // A ticket and its "created" event are one transaction: none is half-written.
    expect(tickets.filter((t) => !t.events.some((e) => e.type === 'created'))).toEqual([]);

    // PostgreSQL ended the killed replica's sessions and rolled back their transactions...
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    try {
      const sessions = async () =>
        (
          await admin.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [`doomed-${schema}`],
          )
        ).rows[0]!.n;
      for (let i = 0; i < 100 && (await sessions()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await sessions()).toBe(0);
    } finally {
      await admin.end();
    }
    // ...so the survivor goes on: a new ticket, claimed at once.
    const before = survivorCalls.length;
    await survivor.event(dm('talk to a human', '1700007999.000100'));
    await survivor.settle();
    const card = cardsOf(survivorCalls.slice(before))[0]!;
    const claim = buttonsOf(card).find((b) => b.text === 'Claim')!;
    await survivor.interaction(
      buttonPress({
        user: ENGINEER,
        actionId: claim.action_id,
        value: claim.value!,
        channel: TRIAGE_L2,
        messageTs: String(card.response!.ts),
      }),
    );
    await survivor.settle();
    expect((await survivor.bot.app.tickets.get(keyOnCard(card)!)).status).toBe('claimed');
  }, 120_000);
});
