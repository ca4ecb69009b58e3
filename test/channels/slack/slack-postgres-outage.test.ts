/**
 * PostgreSQL goes away in the middle of traffic (every connection dropped, new ones refused for a
 * while) and comes back. Before the durable inbox, an outage like this ended the bot's process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DM, EMPLOYEE, eventually, FakeSlackApi, startSlackHarness, type SlackHarness } from '../../support/slack.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { newTestSchema, onPostgres, testPostgresUrl } from '../../support/test-database.js';

let h: SlackHarness | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = proxy = undefined;
});

const dm = (text: string, ts: string) => ({
  type: 'message',
  channel: DM,
  channel_type: 'im',
  user: EMPLOYEE,
  text,
  ts,
});

describe.skipIf(!onPostgres)('a PostgreSQL outage in the middle of traffic', () => {
  it('keeps the process serving, refuses what it cannot keep, and ends with every acknowledged message answered once', async () => {
    const target = new URL(testPostgresUrl!);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const url = new URL(testPostgresUrl!);
    url.host = `127.0.0.1:${port}`;
    url.searchParams.set('schema', newTestSchema());
    h = await startSlackHarness({ DATABASE_URL: url.toString() });

    const stamps = Array.from({ length: 30 }, (_, i) => `17000110${String(i).padStart(2, '0')}.000100`);
    const eventId = (i: number) => `EvPGDOWN${String(i).padStart(4, '0')}`;
    const refused: number[] = [];
    const send = async (i: number, retryNum?: number) => {
      const response = await h!.event(dm(i % 3 === 0 ? 'talk to a human' : 'how do I reset my password', stamps[i]!), {
        eventId: eventId(i),
        ...(retryNum ? { retryNum } : {}),
      });
      return response.status;
    };
    for (let i = 0; i < 10; i++) expect(await send(i)).toBe(200);

    proxy.cut();
    for (let i = 10; i < 20; i++) {
      const status = await send(i);
      expect([200, 500]).toContain(status);
      if (status !== 200) refused.push(i);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    proxy.restore();
    await eventually(async () => (await fetch(`${h!.url}/healthz`)).status === 200, 20_000);
    // Slack retries what was refused; the rest is new traffic.
    for (const i of refused) expect(await send(i, 1)).toBe(200);
    for (let i = 20; i < 30; i++) expect(await send(i)).toBe(200);

    const prisma = h.bot.app.store.prisma;
    await eventually(async () => (await prisma.queueItem.count({ where: { status: 'pending' } })) === 0, 60_000);
    await h.settle();
    const posts = h.api.of('chat.postMessage').filter((c) => c.args.channel === DM);
    for (const ts of stamps)
      expect(posts.filter((c) => c.args.thread_ts === ts).length, `${ts} answered`).toBeGreaterThanOrEqual(1);
    expect(posts.filter((c) => /something went wrong/.test(FakeSlackApi.textOf(c)))).toEqual([]);
    expect(await prisma.question.count()).toBe(20);
    expect(await prisma.ticket.count()).toBe(10);
    expect(await prisma.queueItem.count({ where: { status: 'failed' } })).toBe(0);
  }, 120_000);
});
