/**
 * A replica killed outright (SIGKILL) in the middle of a burst, on SQLite (two processes on one
 * file) and on PostgreSQL: everything either replica acknowledged is done exactly once in the
 * database, and every person gets their answer or their ticket's confirmation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DM,
  EMPLOYEE,
  eventCallbackBody,
  eventually,
  FakeSlackApi,
  signedSlackPost,
  startSlackHarness,
  TEAM,
  TRIAGE_L2,
  type ApiCall,
  type SlackHarness,
} from '../../support/slack.js';
import { startSlackReplicaProcess, type ReplicaProcess } from '../../support/slack-replica-process.js';
import { tempDir } from '../../support/test-app.js';
import { sharedDatabaseEnv } from '../../support/test-database.js';

let survivor: SlackHarness | undefined;
let doomed: ReplicaProcess | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  doomed?.child.kill('SIGKILL');
  await doomed?.exited;
  await survivor?.close();
  cleanup?.();
  survivor = doomed = cleanup = undefined;
});

const conversationOf = (ts: string) => `slack:${TEAM}:${DM}:${ts}`;
const postsInThread = (calls: ApiCall[], ts: string) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === DM && c.args.thread_ts === ts);
const cards = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === TRIAGE_L2);

describe('a replica killed mid-burst', () => {
  it('loses nothing it acknowledged and does nothing twice: every ticket and question once, every person answered', async () => {
    const data = tempDir('helpdesk-kill-');
    cleanup = data.cleanup;
    const database = sharedDatabaseEnv(data.dir);
    survivor = await startSlackHarness(database);
    doomed = await startSlackReplicaProcess(database, 1_800_000_000);

    // Tickets and questions, sent to each replica in turn as a balancer would; the doomed one is
    // killed once it has posted a few answers, with its later requests still arriving (and failing:
    // Slack then retries them, to the survivor), and what it acknowledged last still in its hands.
    const stamps = Array.from({ length: 48 }, (_, i) => `17000090${String(i).padStart(2, '0')}.000100`);
    const textOf = (i: number) => (i % 4 < 2 ? 'talk to a human' : 'how do I reset my password');
    const acknowledged = new Map<string, 'doomed' | 'survivor' | 'retried'>();
    let killed = false;
    const sends: Array<Promise<void>> = [];
    for (const [i, ts] of stamps.entries()) {
      // Work is shared through the inbox, so the doomed replica may post little itself: half-way at the latest.
      if (!killed && (doomed.calls.filter((c) => c.method === 'chat.postMessage').length >= 4 || i >= 24)) {
        doomed.child.kill('SIGKILL');
        killed = true;
      }
      const body = eventCallbackBody(
        { type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text: textOf(i), ts },
        `EvKILL${String(i).padStart(5, '0')}`,
      );
      if (i % 2 === 1) {
        sends.push(
          survivor.post(body).then((response) => {
            expect(response.status).toBe(200);
            acknowledged.set(ts, 'survivor');
          }),
        );
      } else {
        sends.push(
          signedSlackPost(doomed.url, body)
            .then((response) => response.status === 200)
            .catch(() => false)
            .then(async (acked) => {
              if (acked) return void acknowledged.set(ts, 'doomed');
              const retry = await survivor!.post(body, {
                headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' },
              });
              expect(retry.status).toBe(200);
              acknowledged.set(ts, 'retried');
            }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (!killed) doomed.child.kill('SIGKILL');
    await Promise.all(sends);
    await doomed.exited;
    expect(acknowledged.size).toBe(stamps.length);

    // The survivor takes over what the killed replica held once its claims' leases run out.
    const prisma = survivor.bot.app.store.prisma;
    await eventually(async () => (await prisma.queueItem.count({ where: { status: 'pending' } })) === 0, 30_000);
    await survivor.settle();
    expect(await prisma.queueItem.count({ where: { status: 'failed' } })).toBe(0);

    const tickets = await prisma.ticket.findMany({ include: { events: true } });
    const questions = await prisma.question.findMany();
    const everyCall = [...doomed.calls, ...survivor.api.calls];
    let duplicatePosts = 0;
    for (const [i, ts] of stamps.entries()) {
      const posts = postsInThread(everyCall, ts);
      expect(posts.length, `${ts} (${acknowledged.get(ts)}) was answered`).toBeGreaterThanOrEqual(1);
      duplicatePosts += posts.length - 1;
      if (textOf(i) === 'talk to a human') {
        const mine = tickets.filter((t) => t.conversationKey === conversationOf(ts));
        expect(mine, `${ts} (${acknowledged.get(ts)}) has one ticket`).toHaveLength(1);
        const shown = cards(everyCall).filter((card) => FakeSlackApi.textOf(card).includes(mine[0]!.key));
        expect(shown.length, `${mine[0]!.key} has a card`).toBeGreaterThanOrEqual(1);
        duplicatePosts += shown.length - 1;
      } else {
        expect(
          questions.filter((q) => q.conversationKey === conversationOf(ts)),
          `${ts} (${acknowledged.get(ts)}) is one question`,
        ).toHaveLength(1);
      }
    }
    expect(tickets.filter((t) => !t.events.some((e) => e.type === 'created'))).toEqual([]);
    expect(new Set(tickets.map((t) => t.key)).size).toBe(tickets.length);
    // A chat post can repeat only for work the killed process had in hand (its 4 slots): it may
    // have posted and died before marking the item done. The database holds each change once.
    expect(duplicatePosts).toBeLessThanOrEqual(4);
    expect([...acknowledged.values()]).toContain('doomed');
  }, 120_000);
});
