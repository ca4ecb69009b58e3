import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../../support/test-database.js';
import { DM, EMPLOYEE, eventually, FakeSlackApi, startSlackHarness, type SlackHarness } from '../../support/slack.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const dm = (text: string, ts = '1700000500.000100') => ({
  type: 'message',
  channel: DM,
  channel_type: 'im',
  user: EMPLOYEE,
  text,
  ts,
});

describe('Slack deliveries are kept before they are acknowledged', () => {
  it("refuses an event with a 500 while the database cannot keep it, and answers Slack's retry once it can", async () => {
    h = await startSlackHarness();
    const prisma = h.bot.app.store.prisma;
    await prisma.$executeRawUnsafe('ALTER TABLE "QueueItem" RENAME TO "QueueItemAway"');
    const refused = await h.event(dm('how do I reset my password'), { eventId: 'EvOUTAGE001' });
    expect(refused.status).toBe(500);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(503);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(0);

    await prisma.$executeRawUnsafe('ALTER TABLE "QueueItemAway" RENAME TO "QueueItem"');
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    // Slack retries what was refused; the retry and a late duplicate of it are one delivery.
    expect((await h.event(dm('how do I reset my password'), { eventId: 'EvOUTAGE001', retryNum: 1 })).status).toBe(200);
    expect((await h.event(dm('how do I reset my password'), { eventId: 'EvOUTAGE001', retryNum: 2 })).status).toBe(200);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).toMatch(/password/i);
    expect(await prisma.question.count()).toBe(1);
  });

  it('takes over work that a process claimed and never finished, and does it once', async () => {
    h = await startSlackHarness();
    const prisma = h.bot.app.store.prisma;
    // What a process killed mid-work leaves: an event it had kept and claimed, with its lease run out.
    const body = {
      type: 'event_callback',
      team_id: 'T0TEAM001',
      event_id: 'EvORPHAN001',
      event: { ...dm('vpn keeps dropping', '1700000600.000100'), event_ts: '1700000600.000100' },
    };
    await prisma.queueItem.create({
      data: {
        key: 'slack:EvORPHAN001',
        kind: 'slack.inbound',
        orderKey: `slack:T0TEAM001:${DM}`,
        payload: JSON.stringify(body),
        status: 'pending',
        attempts: 1,
        runAfter: new Date(Date.now() - 60_000),
        claimedBy: 'dead-process',
        leaseUntil: new Date(Date.now() - 1_000),
      },
    });
    await eventually(() => h!.api.of('chat.postMessage').length > 0, 10_000);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).toMatch(/vpn/i);
    const item = await prisma.queueItem.findUniqueOrThrow({ where: { key: 'slack:EvORPHAN001' } });
    expect(item.status).toBe('done');
    expect(item.claimedBy).not.toBe('dead-process');
  });

  it('a delivery handled a second time (its first run died before it was marked done) answers once and opens one ticket', async () => {
    h = await startSlackHarness();
    const prisma = h.bot.app.store.prisma;
    await h.event(dm('talk to a human'), { eventId: 'EvTWICE0001' });
    await h.settle();
    const firstReplies = h.api.of('chat.postMessage').filter((c) => c.args.channel === DM).length;
    expect(await prisma.ticket.count()).toBe(1);
    // The same stored delivery run again, as a process that took it over would.
    await prisma.queueItem.update({
      where: { key: 'slack:EvTWICE0001' },
      data: { status: 'pending', claimedBy: null, leaseUntil: null },
    });
    h.bot.queue.wake();
    await eventually(
      async () => (await prisma.queueItem.findUniqueOrThrow({ where: { key: 'slack:EvTWICE0001' } })).status === 'done',
    );
    await h.settle();
    expect(await prisma.ticket.count()).toBe(1);
    expect(await prisma.question.count()).toBe(0);
    // The replies are posted again from what was recorded (the first run may have died before posting them).
    expect(h.api.of('chat.postMessage').filter((c) => c.args.channel === DM).length).toBe(firstReplies * 2);
    // One card: the "opened" notification is the same outbox item.
    expect(h.api.of('chat.postMessage').filter((c) => c.args.channel === 'C0TRIAGE2')).toHaveLength(1);
  });

  it('gives up after its time with an apology that names a reference, never silently', async () => {
    h = await startSlackHarness({}, { queue: { giveUpAfterMs: 0 } });
    const prisma = h.bot.app.store.prisma;
    await prisma.$executeRawUnsafe('ALTER TABLE "Message" RENAME TO "MessageAway"');
    await h.event(dm('how do I reset my password'), { eventId: 'EvGIVEUP001' });
    await h.settle();
    await prisma.$executeRawUnsafe('ALTER TABLE "MessageAway" RENAME TO "Message"');
    const apology = h.api.of('chat.postMessage').at(-1);
    expect(String(apology?.args.text)).toMatch(/Sorry, I could not handle your message.*reference slack:EvGIVEUP001/);
    expect(apology?.args.thread_ts).toBe('1700000500.000100');
    const item = await prisma.queueItem.findUniqueOrThrow({ where: { key: 'slack:EvGIVEUP001' } });
    expect(item.status).toBe('failed');
    expect(item.lastError).toMatch(/MessageAway|Message|no such table|does not exist/i);
  });

  it.skipIf(onPostgres)(
    'says 503 on /healthz and 500 to Slack when SQLite cannot write (a full disk), and recovers',
    async () => {
      h = await startSlackHarness();
      const prisma = h.bot.app.store.prisma;
      // SQLite's own page limit makes the file "full" exactly as a full disk does: SQLITE_FULL on the next new page.
      // Free pages first (a migration that drops an index leaves some), which a write would reuse instead.
      await prisma.$executeRawUnsafe('VACUUM');
      const pages = (await prisma.$queryRawUnsafe<Array<{ page_count: bigint }>>('PRAGMA page_count'))[0]!.page_count;
      await prisma.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages)}`);
      const health = await fetch(`${h.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'failing', checks: { database: 'failing' } });
      // Each event is either kept (200) or refused (500, and Slack retries it): never taken and lost, never "Sorry".
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        statuses.push(
          (
            await h.event(
              dm(`my disk is full number ${i} ${'x'.repeat(2000)}`, `1700000700.${String(i).padStart(6, '0')}`),
              { eventId: `EvFULL${String(i).padStart(5, '0')}` },
            )
          ).status,
        );
      }
      expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
      expect(statuses).toContain(500);
      await h.settle();
      expect(h.api.calls.filter((c) => /something went wrong/.test(FakeSlackApi.textOf(c)))).toHaveLength(0);

      await prisma.$queryRawUnsafe('PRAGMA max_page_count = 1073741823');
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
      for (let i = 0; i < 30; i++) {
        if (statuses[i] !== 500) continue;
        const retry = await h.event(
          dm(`my disk is full number ${i} ${'x'.repeat(2000)}`, `1700000700.${String(i).padStart(6, '0')}`),
          { eventId: `EvFULL${String(i).padStart(5, '0')}`, retryNum: 1 },
        );
        expect(retry.status).toBe(200);
      }
      await eventually(async () => (await prisma.question.count()) === 30, 20_000);
      await h.settle();
      expect(await prisma.question.count()).toBe(30);
      expect(h.api.calls.filter((c) => /something went wrong/.test(FakeSlackApi.textOf(c)))).toHaveLength(0);
    },
  );
});

describe('a burst', () => {
  it('of 500 messages is acknowledged, queued and answered, every one, with no apology', async () => {
    h = await startSlackHarness();
    const statuses: number[] = [];
    // Fifty at a time, as Slack's deliveries overlap; each a new conversation.
    for (let batch = 0; batch < 10; batch++) {
      const sent = Array.from({ length: 50 }, (_, i) => {
        const n = batch * 50 + i;
        return h!.event(
          dm(n % 2 ? 'how do I reset my password' : 'vpn keeps dropping', `1700001000.${String(n).padStart(6, '0')}`),
          { eventId: `EvBURST${String(n).padStart(5, '0')}` },
        );
      });
      statuses.push(...(await Promise.all(sent)).map((response) => response.status));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const prisma = h.bot.app.store.prisma;
    await eventually(async () => (await prisma.question.count()) === 500, 120_000);
    await h.settle();
    const answers = h.api.of('chat.postMessage');
    expect(new Set(answers.map((c) => c.args.thread_ts)).size).toBe(500);
    expect(answers.filter((c) => /something went wrong|could not handle/i.test(FakeSlackApi.textOf(c)))).toEqual([]);
    expect(await prisma.queueItem.count({ where: { status: { not: 'done' }, kind: 'slack.inbound' } })).toBe(0);
  }, 180_000);
});
