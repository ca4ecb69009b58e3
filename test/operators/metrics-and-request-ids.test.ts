import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { withRequestId } from '../../src/http/request-context.js';
import { createLogger } from '../../src/service/logger.js';
import { ticketEvents } from '../../src/metrics/operator-metrics.js';
import type { TicketNotification } from '../../src/core/tickets/ticket-notifier.js';
import { launchBot, startBot, type RunningBot } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { lexicalEnv } from '../support/lexical-env.js';
import { loadTestLibrary, memoryConfig } from '../support/memory-app.js';
import {
  DM,
  EMPLOYEE,
  FakeSlackApi,
  eventCallbackBody,
  eventually,
  heldLibraryLoad,
  signedSlackPost,
  slackBotEnv,
} from '../support/slack.js';
import { RecordingNotifier, tempDir } from '../support/test-app.js';
import { databaseEnvFor } from '../support/test-database.js';
import { loadWithSharedModels } from '../support/shared-models.js';

const TOKEN = 'metrics-token-0123456789';

/** A real pino logger (the service's) whose JSON lines are kept for the test to read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

describe('GET /metrics and request ids in the service', () => {
  let bot: RunningBot;
  let url: string;
  let cleanup: () => void;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    new FakeSlackApi();
    const data = tempDir('helpdesk-metrics-');
    cleanup = data.cleanup;
    const config = loadConfig({
      DATA_DIR: data.dir,
      ...databaseEnvFor(data.dir),
      ...slackBotEnv(),
      ...lexicalEnv,
      METRICS_TOKEN: TOKEN,
      KB_WATCH: '0',
    });
    bot = await startBot(config, logger, {
      host: '127.0.0.1',
      queue: { pollMs: 50, backoffMs: 50, maxBackoffMs: 200 },
      loadLibrary: loadWithSharedModels,
    });
    url = `http://127.0.0.1:${bot.port}`;
  });
  afterAll(async () => {
    await bot?.close();
    nock.cleanAll();
    nock.enableNetConnect();
    cleanup?.();
  });

  const scrape = (token?: string) =>
    fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('refuses /metrics without the bearer token, or with a wrong one, or in the query', async () => {
    for (const response of [
      await scrape(),
      await scrape('wrong-token-0123456789'),
      await fetch(`${url}/metrics?token=${TOKEN}`),
    ]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain('helpdesk_');
    }
  });

  it("counts a Slack question by channel and outcome, times it, and tells the queue's depth, in Prometheus text format", async () => {
    const response = await signedSlackPost(
      url,
      eventCallbackBody(
        {
          type: 'message',
          channel_type: 'im',
          channel: DM,
          user: EMPLOYEE,
          text: 'how do I reset my password',
          ts: '1700000100.000100',
        },
        'EvMETRICS0001',
      ),
    );
    expect(response.status).toBe(200);
    await bot.drain();
    const scraped = await scrape(TOKEN);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    // Every line is a comment (# HELP / # TYPE) or a sample: name{labels} value.
    for (const line of text.split('\n').filter(Boolean)) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-zA-Z_:][\w:]* .+|[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.]+(e[-+]?\d+)?|NaN|[-+]Inf))$/,
      );
    }
    expect(text).toContain('# TYPE helpdesk_turns_total counter');
    expect(text).toContain('helpdesk_turns_total{channel="slack",outcome="answered"} 1');
    expect(text).toContain('helpdesk_turn_duration_seconds_count{channel="slack",outcome="answered"} 1');
    expect(text).toContain('# TYPE helpdesk_queue_pending gauge');
    expect(text).toContain('helpdesk_queue_depth_read_failures_total 0');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('gives every response an id, honouring a sane X-Request-Id, and the queued turn logs under it', async () => {
    const response = await signedSlackPost(
      url,
      eventCallbackBody(
        {
          type: 'message',
          channel_type: 'im',
          channel: DM,
          user: EMPLOYEE,
          text: 'vpn keeps dropping',
          ts: '1700000200.000200',
        },
        'EvMETRICS0002',
      ),
      {
        headers: { 'x-request-id': 'edge-7f3a9c' },
      },
    );
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a9c');
    await bot.drain();
    // Written while the request was handled (kept in the inbox) and by the worker afterwards.
    const tagged = await eventually(() => {
      const found = lines.filter((line) => line.requestId === 'edge-7f3a9c');
      return found.some((line) => line.msg === 'queued' && line.key === 'slack:EvMETRICS0002') && found;
    });
    // The worker's reply to Slack, made after the request was answered, is logged under the same id.
    expect(tagged.some((line) => line.msg === "apiCall('chat.postMessage') end")).toBe(true);
  });

  it('replaces a hostile or oversized X-Request-Id with its own', async () => {
    for (const given of ['<script>alert(1)</script>', 'a'.repeat(65), 'two words', 'line\u2028break']) {
      const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': given } }).catch(() => undefined);
      if (!response) continue; // fetch itself refuses some header values
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    }
    const plain = await fetch(`${url}/healthz`);
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('the inbox depth on /metrics', () => {
  it('shows deliveries kept while the bot starts, and none once they are answered', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    new FakeSlackApi();
    const data = tempDir('helpdesk-metrics-depth-');
    let release = () => {};
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bot = await launchBot(
      loadConfig({ DATA_DIR: data.dir, ...databaseEnvFor(data.dir), ...slackBotEnv(), ...lexicalEnv, KB_WATCH: '0' }),
      capturingLogger().logger,
      {
        host: '127.0.0.1',
        queue: { pollMs: 50 },
        loadLibrary: heldLibraryLoad(hold),
      },
    );
    const url = `http://127.0.0.1:${bot.port}`;
    const pending = async () =>
      /^helpdesk_queue_pending\{kind="slack\.inbound"\} (\d+)$/m.exec(
        await (await fetch(`${url}/metrics`)).text(),
      )?.[1];
    try {
      for (const [n, id] of [
        [1, 'EvDEPTH00001'],
        [2, 'EvDEPTH00002'],
      ] as const) {
        const response = await signedSlackPost(
          url,
          eventCallbackBody(
            {
              type: 'message',
              channel_type: 'im',
              channel: DM,
              user: EMPLOYEE,
              text: 'printer jammed',
              ts: `1700000300.00000${n}`,
            },
            id,
          ),
        );
        expect(response.status).toBe(200);
      }
      expect(await pending()).toBe('2');
      release();
      await bot.ready;
      await bot.drain();
      expect(await pending()).toBeUndefined();
    } finally {
      release();
      await bot.close();
      nock.cleanAll();
      nock.enableNetConnect();
      data.cleanup();
    }
  });
});

describe('/metrics in production', () => {
  it('is not served without METRICS_TOKEN or REPORTS_TOKEN, and takes REPORTS_TOKEN when it is the only one', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    new FakeSlackApi();
    const data = tempDir('helpdesk-metrics-prod-');
    const { logger, lines } = capturingLogger();
    const base = {
      DATA_DIR: data.dir,
      ...databaseEnvFor(data.dir),
      ...slackBotEnv(),
      ...lexicalEnv,
      NODE_ENV: 'production',
      KB_WATCH: '0',
    };
    const off = await startBot(loadConfig(base), logger, { host: '127.0.0.1', loadLibrary: loadWithSharedModels });
    const reportsToken = 'reports-token-0123456789';
    try {
      expect((await fetch(`http://127.0.0.1:${off.port}/metrics`)).status).toBe(404);
      expect(lines.some((line) => String(line.msg).startsWith('/metrics is off'))).toBe(true);
    } finally {
      await off.close();
    }
    const on = await startBot(loadConfig({ ...base, REPORTS_TOKEN: reportsToken }), logger, {
      host: '127.0.0.1',
      loadLibrary: loadWithSharedModels,
    });
    try {
      expect((await fetch(`http://127.0.0.1:${on.port}/metrics`)).status).toBe(401);
      expect(
        (await fetch(`http://127.0.0.1:${on.port}/metrics`, { headers: { authorization: `Bearer ${reportsToken}` } }))
          .status,
      ).toBe(200);
    } finally {
      await on.close();
      nock.cleanAll();
      nock.enableNetConnect();
      data.cleanup();
    }
  });
});

describe('the request id in the core', () => {
  it("is the apology's reference, and the error's log line carries it", async () => {
    const { logger, lines } = capturingLogger();
    const store = new MemoryStore();
    const library = await loadTestLibrary();
    const app = await createApp(memoryConfig(), logger, new RecordingNotifier(), {
      store,
      loadLibrary: async () => library,
    });
    try {
      store.queue.down = false;
      (store as unknown as { outage: { down: boolean } }).outage.down = true;
      const replies = await app.conversations.handle({
        conversationKey: 'local:ann',
        channel: 'local',
        user: { id: 'ann' },
        text: 'how do I reset my password',
        requestId: 'req-5b2e',
      });
      expect(replies).toEqual([{ kind: 'text', markdown: expect.stringContaining('(reference req-5b2e)') }]);
      const failure = lines.find((line) => line.msg === 'turn failed');
      expect(failure).toMatchObject({ requestId: 'req-5b2e', ref: 'req-5b2e', level: 50 });
    } finally {
      (store as unknown as { outage: { down: boolean } }).outage.down = false;
      await app.close();
    }
  });

  it('is on every log line written on behalf of a request, once', () => {
    const { logger, lines } = capturingLogger();
    withRequestId('req-1', () => {
      logger.info({}, 'inside');
      logger.child({ requestId: 'req-1' }).info({}, 'child');
    });
    logger.info({}, 'outside');
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ['inside', 'req-1'],
      ['child', 'req-1'],
      ['outside', undefined],
    ]);
  });
});

describe('ticket counters', () => {
  const notification = (type: TicketNotification['type'], actorId: string, summary = ''): TicketNotification =>
    ({
      type,
      actor: { id: actorId, name: actorId, role: actorId === 'sla-timer' ? 'system' : 'engineer' },
      summary,
      ticket: {},
    }) as unknown as TicketNotification;

  it('count opened and escalated tickets, and breaches: an SLA escalation, or the breached reminder at the last tier', () => {
    expect(ticketEvents(notification('opened', 'U1'))).toEqual(['opened']);
    expect(ticketEvents(notification('escalated', 'U1'))).toEqual(['escalated']);
    expect(ticketEvents(notification('escalated', 'sla-timer'))).toEqual(['escalated', 'breached']);
    expect(ticketEvents(notification('reminder', 'sla-timer', 'HD-1001 breached its response target'))).toEqual([
      'breached',
    ]);
    expect(ticketEvents(notification('reminder', 'sla-timer', 'HD-1001: the response target is near'))).toEqual([]);
    expect(ticketEvents(notification('comment', 'U1'))).toEqual([]);
  });
});
