import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/test-app.js';
import { DM, EMPLOYEE, eventually, FakeSlackApi, startSlackHarness, type SlackHarness } from '../../support/slack.js';

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h.close();
});

const dm = (text: string, ts = '1700000500.000100') => ({
  type: 'message',
  channel: DM,
  channel_type: 'im',
  user: EMPLOYEE,
  text,
  ts,
});

describe('Slack transport and safety', () => {
  it('serves /healthz on the same port and answers the URL verification challenge', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    const report = await fetch(`${h.url}/reports/metrics.json`);
    expect(report.status).toBe(200);
    expect(await report.json()).toHaveProperty('deflection');
    const challenge = await h.post(JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' }));
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toContain('abc123');
  });

  it('refuses a bad signature and a stale timestamp, and does nothing with them', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: 'EvFORGED',
      event: dm('how do I reset my password'),
    });
    expect((await h.post(body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await h.post(body, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 })).status).toBe(401);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(0);
  });

  it('processes a retried event (same event_id) once', async () => {
    expect((await h.event(dm('how do I reset my password'), { eventId: 'EvRETRY0001' })).status).toBe(200);
    await h.settle();
    expect((await h.event(dm('how do I reset my password'), { eventId: 'EvRETRY0001', retryNum: 1 })).status).toBe(200);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
  });

  it('answers a malformed payload with 400 and stays up', async () => {
    expect((await h.post('{"type": "event_callback", "event": ')).status).toBe(400);
    expect(
      (await h.post('payload=%7Bnot-json', { contentType: 'application/x-www-form-urlencoded' })).status,
    ).toBeGreaterThanOrEqual(400);
    await h.event(dm('how do I reset my password'));
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
  });

  it('escapes user text and never unfurls what it echoes', async () => {
    await h.command('<!channel> <@U0BOSS0001> see <https://evil.example|totally safe>');
    await h.settle();
    const echo = h.api.of('chat.postMessage')[0]!;
    expect(echo.args.unfurl_links).toBe('false');
    expect(echo.args.unfurl_media).toBe('false');
    expect(String(echo.args.text)).not.toMatch(/<!channel>|<@U0BOSS0001>|<https:\/\/evil/);
    expect(String(echo.args.text)).toContain('&lt;');
  });

  it('waits out a 429 from the Web API and still posts the answer', async () => {
    h.api.fail('chat.postMessage', 429, { headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    await h.event(dm('how do I reset my password'));
    await eventually(() => h.api.of('chat.postMessage').length === 1, 8_000);
    expect(h.api.calls.map((c) => c.method)).toContain('chat.postMessage!429');
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).toMatch(/password/i);
  });

  it('retries a 500 from the Web API without losing the message', async () => {
    h.api.fail('chat.postMessage', 500, { times: 2 });
    await h.event(dm('how do I reset my password'));
    await eventually(() => h.api.of('chat.postMessage').length === 1, 8_000);
    expect(h.api.calls.filter((c) => c.method === 'chat.postMessage!500')).toHaveLength(2);
  });

  it('answers an unknown button politely', async () => {
    await h.interaction({
      type: 'block_actions',
      user: { id: EMPLOYEE, team_id: 'T0TEAM001' },
      team: { id: 'T0TEAM001' },
      trigger_id: '1.2.3',
      container: { type: 'message', channel_id: DM, message_ts: '1700000000.000100' },
      channel: { id: DM },
      message: { ts: '1700000000.000100', text: 'old' },
      actions: [{ action_id: 'legacy.frobnicate', block_id: 'x', type: 'button', value: 'x', action_ts: '1' }],
    });
    await h.settle();
    const reply = h.api.of('chat.postEphemeral')[0];
    expect(reply?.args.text).toMatch(/don't know that button/);
  });

  it('a database that breaks after the acknowledgement delays the answer instead of replacing it with an apology', async () => {
    const prisma = h.bot.app.store.prisma;
    await prisma.$executeRawUnsafe('ALTER TABLE "Message" RENAME TO "MessageAway"');
    await h.event(dm('how do I reset my password'));
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(0);
    await prisma.$executeRawUnsafe('ALTER TABLE "TicketThread" RENAME TO "TicketThreadAway"');
    await h.interaction({
      type: 'block_actions',
      user: { id: EMPLOYEE, team_id: 'T0TEAM001' },
      team: { id: 'T0TEAM001' },
      trigger_id: '1.2.3',
      container: { type: 'message', channel_id: 'C0TRIAGE2', message_ts: '1700000000.000100' },
      channel: { id: 'C0TRIAGE2' },
      message: { ts: '1700000000.000100', text: 'card' },
      actions: [{ action_id: 'ticket.claim#0', block_id: 'x', type: 'button', value: 'HD-1001', action_ts: '1' }],
    });
    await h.settle();
    expect(h.api.of('chat.postEphemeral')).toHaveLength(0);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);

    // Back: both are done, once, by the retries.
    await prisma.$executeRawUnsafe('ALTER TABLE "MessageAway" RENAME TO "Message"');
    await prisma.$executeRawUnsafe('ALTER TABLE "TicketThreadAway" RENAME TO "TicketThread"');
    await eventually(
      () => h.api.of('chat.postMessage').length > 0 && h.api.of('chat.postEphemeral').length > 0,
      10_000,
    );
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).toMatch(/password/i);
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).not.toMatch(/something went wrong/);
    expect(String(h.api.of('chat.postEphemeral')[0]?.args.text)).toMatch(/does not belong to this ticket card/);
    expect(await prisma.question.count()).toBe(1);
  });

  it("tells the editors' channel about a broken knowledge-base edit while the bot runs", async () => {
    await h.close();
    const kb = tempDir('helpdesk-kb-');
    try {
      cpSync(path.resolve(import.meta.dirname, '../../../knowledge-base'), kb.dir, { recursive: true });
      h = await startSlackHarness({ KB_DIR: kb.dir, EDITORS_SLACK_CHANNEL: 'C0EDITORS1' });
      const file = path.join(kb.dir, 'network/vpn-setup.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace('category: network', 'category: [broken'));
      const isNotice = (c: { args: Record<string, unknown> }) =>
        c.args.channel === 'C0EDITORS1' && /vpn-setup/.test(String(c.args.text));
      // A reload rebuilds the knowledge base: over 5 s at load 12 on two cores.
      await eventually(() => h.api.of('chat.postMessage').some(isNotice), 20_000);
      const notice = h.api.of('chat.postMessage').find(isNotice)!;
      expect(String(notice.args.text)).toMatch(/network\/vpn-setup\.md:\d+: front matter: invalid YAML/);
    } finally {
      await h.close();
      h = await startSlackHarness();
      kb.cleanup();
    }
  });
});
