import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { Logger } from '../../src/core/logger.js';
import { startBot, type RunningBot } from '../../src/server.js';
import { lexicalEnv } from '../support/lexical-env.js';
import { tempDir } from '../support/test-app.js';
import { databaseEnvFor } from '../support/test-database.js';
import { loadWithSharedModels } from '../support/shared-models.js';

const TOKEN = 'alerts-token-0123456789abcdef';
const SECRET = 'alerts-hmac-secret-0123456789';
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../fixtures/alerts', name), 'utf8');

class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  debug() {}
  info(obj: object, msg?: string) {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.lines.push({ level: 'error', obj, msg });
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(env: Record<string, string> = {}, options: { now?: () => number } = {}) {
  const { dir, cleanup } = tempDir('helpdesk-alerts-');
  const logger = new RecordingLogger();
  const config = loadConfig({
    DATA_DIR: dir,
    ...databaseEnvFor(dir),
    KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
    PORT: '0',
    ALERTS_TOKEN: TOKEN,
    ALERTS_HMAC_SECRET: SECRET,
    ...lexicalEnv,
    ...env,
  });
  const bot: RunningBot = await startBot(config, logger, {
    host: '127.0.0.1',
    queue: { pollMs: 100, backoffMs: 50, maxBackoffMs: 400 },
    loadLibrary: loadWithSharedModels,
    ...(options.now ? { alertsNow: options.now } : {}),
  });
  cleanups.push(cleanup, () => bot.close());
  const url = `http://127.0.0.1:${bot.port}/api/alerts`;
  const post = (body: string | Buffer, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { bot, logger, post, dir };
}

const sign = (body: string, timestamp?: string) =>
  createHmac('sha256', SECRET)
    .update(timestamp ? `${timestamp}:${body}` : body)
    .digest('hex');

describe('POST /api/alerts', () => {
  it('keeps an Alertmanager notice, opens one ticket for its group, and drops a repeat of the same delivery', async () => {
    const { bot, post } = await start();
    const body = fixture('alertmanager-v4-firing.json');
    const first = await post(body);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    await bot.drain();
    const open = await bot.app.tickets.queue();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      subject: 'Alertmanager: PostgresDown',
      priority: 'P1',
      requesterId: 'alerts:alertmanager',
      channel: 'alerts',
    });
  });

  it("takes Grafana's notice signed with an HMAC of the timestamp and body, and refuses forged, stale and unsigned ones", async () => {
    const now = Date.now();
    const { bot, post } = await start({ ALERTS_TOKEN: '' }, { now: () => now });
    const body = fixture('grafana-firing.json');
    const ts = String(Math.floor(now / 1000));
    const forged = body.replace('93% full', '9% full');
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    expect(
      (await post(forged, { 'x-grafana-alerting-signature': sign(body, ts), 'x-grafana-alerting-timestamp': ts }))
        .status,
    ).toBe(401);
    const stale = String(Math.floor(now / 1000) - 600);
    expect(
      (await post(body, { 'x-grafana-alerting-signature': sign(body, stale), 'x-grafana-alerting-timestamp': stale }))
        .status,
    ).toBe(401);
    expect((await post(body, { 'x-grafana-alerting-signature': 'zz' })).status).toBe(401);
    expect(
      (await post(body, { 'x-grafana-alerting-signature': sign(body, ts), 'x-grafana-alerting-timestamp': ts })).status,
    ).toBe(202);
    await bot.drain();
    const [ticket] = await bot.app.tickets.queue();
    expect(ticket).toMatchObject({
      subject: 'Grafana: Disk / on files.internal.example.test is 93% full',
      priority: 'P3',
      requesterName: 'Grafana',
    });
  });

  it('takes the generic format with a signature of the body alone', async () => {
    const { bot, post } = await start({ ALERTS_TOKEN: '' });
    const body = fixture('generic-firing.json');
    expect((await post(body, { 'x-helpdesk-signature': `sha256=${sign(body)}` })).status).toBe(202);
    await bot.drain();
    expect((await bot.app.tickets.queue())[0]).toMatchObject({
      subject: 'Nagios: Printer PRN-3F-01 offline',
      requesterId: 'alerts:nagios',
    });
  });

  it('refuses every alert in production without credentials configured, and takes them outside production', async () => {
    const body = fixture('generic-firing.json');
    const production = await start({
      ALERTS_TOKEN: '',
      ALERTS_HMAC_SECRET: '',
      NODE_ENV: 'production',
      REPORTS_TOKEN: 'reports-token-0123456789',
    });
    const refused = await production.post(body, {});
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'the alert intake is off: set ALERTS_TOKEN or ALERTS_HMAC_SECRET' });
    const development = await start({ ALERTS_TOKEN: '', ALERTS_HMAC_SECRET: '' });
    expect((await development.post(body, {})).status).toBe(202);
  });

  it('answers bad bodies with a clear 4xx, keeps nothing of them and stays healthy', async () => {
    const { bot, post } = await start();
    const alertmanager = JSON.parse(fixture('alertmanager-v4-firing.json')) as Record<string, unknown>;
    const cases: Array<[string | Buffer, number, RegExp]> = [
      ['not json', 400, /not JSON/],
      ['[1,2]', 400, /JSON object/],
      ['{"hello":"world"}', 400, /not an Alertmanager \(version 4\), Grafana or generic alert/],
      [JSON.stringify({ ...alertmanager, version: '3' }), 400, /unsupported Alertmanager webhook version "3"/],
      [JSON.stringify({ ...alertmanager, status: 'exploded' }), 400, /status: expected "firing" or "resolved"/],
      [
        JSON.stringify({
          ...alertmanager,
          commonLabels: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, 'v'])),
        }),
        400,
        /at most 64 labels/,
      ],
      [
        JSON.stringify({ source: 'Bad Name!', key: 'k', status: 'firing', title: 't' }),
        400,
        /source: expected a short lowercase name/,
      ],
      [Buffer.alloc(1_200_000, 'a'), 413, /larger than 1mb/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      expect(response.status, String(body).slice(0, 40)).toBe(status);
      expect((await response.json()) as { error: string }).toMatchObject({ error: expect.stringMatching(message) });
    }
    await bot.drain();
    expect(await bot.app.tickets.queue()).toHaveLength(0);
    const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('in a storm of 1,000 notices over five groups, opens one ticket per group, and refuses what is over the limit with one log line', async () => {
    const now = Date.UTC(2026, 11, 4, 10, 0, 5);
    const { bot, post, logger } = await start({ ALERTS_RATE_PER_MINUTE: '300' }, { now: () => now });
    const base = JSON.parse(fixture('generic-firing.json')) as Record<string, unknown>;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          return post(JSON.stringify({ ...base, key: `group-${n % 5}`, description: `check ${n}` }));
        }),
      );
      for (const response of responses) {
        statuses.push(response.status);
        if (response.status === 429) retryAfter ??= response.headers.get('retry-after');
        await response.arrayBuffer();
      }
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(300);
    expect(statuses.filter((s) => s === 429)).toHaveLength(700);
    expect(retryAfter).toBe('55');
    await bot.drain();
    const tickets = await bot.app.tickets.queue(100);
    expect(tickets).toHaveLength(5);
    const rateLines = logger.lines.filter(
      (line) => line.level === 'warn' && (line.obj as { reason?: string }).reason === 'rate',
    );
    expect(rateLines).toHaveLength(1);
    expect(rateLines[0]!.msg).toContain('ALERTS_RATE_PER_MINUTE=300');
  });

  // The fixed words of an alert's ticket are the engineers' (DEFAULT_LANGUAGE); the alert's own values stay as sent.
  async function story(env: Record<string, string>) {
    const { dir, cleanup } = tempDir('helpdesk-alerts-lang-');
    cleanups.push(cleanup);
    const file = path.join(dir, 'alerts.yaml');
    writeFileSync(
      file,
      [
        'resolve_on_recovery: true',
        'allow: [127.0.0.1]',
        'diagnostics:',
        '  - name: postgres',
        '    when: { job: postgres }',
        '    checks:',
        '      - { type: http, url: "http://${labels.instance}/metrics" }',
        '      - { type: tcp, host: "${labels.instance}", port: 5432 }',
        '      - { type: http, url: "http://${labels.missing}/metrics" }',
      ].join('\n'),
    );
    const { bot, post } = await start({ ALERTS_FILE: file, ...env });
    const firing = JSON.parse(fixture('alertmanager-v4-firing.json')) as {
      status: string;
      alerts: Array<{ status: string }>;
    };
    const send = async (notice: object) => {
      expect((await post(JSON.stringify(notice))).status).toBe(202);
      await bot.drain();
    };
    await send(firing);
    const [ticket] = await bot.app.tickets.queue();
    // One of the two recovers; then both; then the group fires again.
    await send({ ...firing, alerts: [firing.alerts[0], { ...firing.alerts[1], status: 'resolved' }] });
    const allResolved = {
      ...firing,
      status: 'resolved',
      alerts: firing.alerts.map((a) => ({ ...a, status: 'resolved' })),
    };
    await send(allResolved);
    const resolved = await bot.app.tickets.get(ticket!.key);
    await send({ ...firing, truncatedAlerts: 1 });
    const history = await bot.app.tickets.history(await bot.app.tickets.get(ticket!.key));
    return {
      description: ticket!.description,
      status: resolved.status,
      comments: history.filter((e) => e.type === 'comment').map((e) => String(e.detail.text)),
      resolution: history.find((e) => e.toStatus === 'resolved')?.detail.resolution,
      reopened: history.find((e) => e.toStatus === 'reopened')?.detail.reason,
    };
  }

  it("writes an alert's ticket, its updates, recovery and resolution in the engineers' language; English as before", async () => {
    const english = await story({});
    expect(english).toEqual({
      description: [
        'PostgresDown',
        '',
        'Severity: critical (P1)',
        'Labels: alertname=PostgresDown job=postgres severity=critical team=data',
        '',
        'Diagnostics:',
        '- postgres: http://db1.internal.example.test:9187/metrics: not run (db1.internal.example.test is not on the allow-list of ALERTS_FILE)',
        '- postgres: db1.internal.example.test:9187:5432: not run (not a host name)',
        '- postgres: http://${labels.missing}/metrics: not run (the alert has no labels.missing)',
        '- postgres: http://db2.internal.example.test:9187/metrics: not run (db2.internal.example.test is not on the allow-list of ALERTS_FILE)',
        '- postgres: db2.internal.example.test:9187:5432: not run (not a host name)',
        '',
        '2 firing:',
        '- FIRING instance=db1.internal.example.test:9187: PostgreSQL is down on db1 (since 2026-12-04T08:58:12.345Z)',
        '- FIRING instance=db2.internal.example.test:9187: PostgreSQL is down on db2 (since 2026-12-04T08:58:42.001Z)',
        'Source: http://alertmanager.internal.example.test:9093/',
      ].join('\n'),
      status: 'resolved',
      comments: [
        [
          'Alertmanager: 1 firing, 1 resolved (1 cleared).',
          '- FIRING instance=db1.internal.example.test:9187: PostgreSQL is down on db1 (since 2026-12-04T08:58:12.345Z)',
          '- resolved instance=db2.internal.example.test:9187: PostgreSQL is down on db2 (since 2026-12-04T08:58:42.001Z)',
        ].join('\n'),
        'Alertmanager: resolved at the source (2 resolved).',
        [
          'Diagnostics:',
          '- postgres: http://db1.internal.example.test:9187/metrics: not run (db1.internal.example.test is not on the allow-list of ALERTS_FILE)',
          '- postgres: db1.internal.example.test:9187:5432: not run (not a host name)',
          '- postgres: http://${labels.missing}/metrics: not run (the alert has no labels.missing)',
          '- postgres: http://db2.internal.example.test:9187/metrics: not run (db2.internal.example.test is not on the allow-list of ALERTS_FILE)',
          '- postgres: db2.internal.example.test:9187:5432: not run (not a host name)',
        ].join('\n'),
      ],
      resolution: 'Resolved at the source by Alertmanager.',
      reopened: 'Alertmanager: firing again (2 firing).',
    });

    const german = await story({ DEFAULT_LANGUAGE: 'de' });
    expect(german).toEqual({
      description: [
        'PostgresDown',
        '',
        'Schweregrad: critical (P1)',
        'Labels: alertname=PostgresDown job=postgres severity=critical team=data',
        '',
        'Diagnose:',
        '- postgres: http://db1.internal.example.test:9187/metrics: nicht ausgeführt (db1.internal.example.test steht nicht auf der Freigabeliste in ALERTS_FILE)',
        '- postgres: db1.internal.example.test:9187:5432: nicht ausgeführt (kein Hostname)',
        '- postgres: http://${labels.missing}/metrics: nicht ausgeführt (der Alarm hat kein labels.missing)',
        '- postgres: http://db2.internal.example.test:9187/metrics: nicht ausgeführt (db2.internal.example.test steht nicht auf der Freigabeliste in ALERTS_FILE)',
        '- postgres: db2.internal.example.test:9187:5432: nicht ausgeführt (kein Hostname)',
        '',
        'Alarme (2 aktiv):',
        '- AKTIV instance=db1.internal.example.test:9187: PostgreSQL is down on db1 (seit 2026-12-04T08:58:12.345Z)',
        '- AKTIV instance=db2.internal.example.test:9187: PostgreSQL is down on db2 (seit 2026-12-04T08:58:42.001Z)',
        'Quelle: http://alertmanager.internal.example.test:9093/',
      ].join('\n'),
      status: 'resolved',
      comments: [
        [
          'Alertmanager: 1 aktiv, 1 behoben (1 aufgehoben).',
          '- AKTIV instance=db1.internal.example.test:9187: PostgreSQL is down on db1 (seit 2026-12-04T08:58:12.345Z)',
          '- behoben instance=db2.internal.example.test:9187: PostgreSQL is down on db2 (seit 2026-12-04T08:58:42.001Z)',
        ].join('\n'),
        'Alertmanager: an der Quelle behoben (2 behoben).',
        [
          'Diagnose:',
          '- postgres: http://db1.internal.example.test:9187/metrics: nicht ausgeführt (db1.internal.example.test steht nicht auf der Freigabeliste in ALERTS_FILE)',
          '- postgres: db1.internal.example.test:9187:5432: nicht ausgeführt (kein Hostname)',
          '- postgres: http://${labels.missing}/metrics: nicht ausgeführt (der Alarm hat kein labels.missing)',
          '- postgres: http://db2.internal.example.test:9187/metrics: nicht ausgeführt (db2.internal.example.test steht nicht auf der Freigabeliste in ALERTS_FILE)',
          '- postgres: db2.internal.example.test:9187:5432: nicht ausgeführt (kein Hostname)',
        ].join('\n'),
      ],
      resolution: 'Von Alertmanager als an der Quelle behoben gemeldet.',
      reopened: 'Alertmanager: wieder aktiv (2 aktiv).',
    });
    // No English fixed word left; the alert's own summary ("PostgreSQL is down on db1") is the source's.
    const written = [german.description, ...german.comments, german.resolution, german.reopened]
      .join('\n')
      .replaceAll(/PostgreSQL is down on db\d/g, '');
    expect(written).not.toMatch(
      /\b(Severity|Diagnostics|none configured|firing|resolved|cleared|FIRING|since|Source|not run|allow-list|at the source|earlier ticket)\b/,
    );
  });

  it('runs diagnostics on allowed targets without holding the acknowledgement, and never follows a redirect off the allow-list', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const requests: string[] = [];
    const target: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      }
      void held.then(() => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => target.close(() => resolve())));
    const port = (target.address() as AddressInfo).port;
    const { dir, cleanup: removeDir } = tempDir('helpdesk-alerts-file-');
    cleanups.push(removeDir);
    const file = path.join(dir, 'alerts.yaml');
    writeFileSync(
      file,
      [
        'allow: [127.0.0.1]',
        'diagnostics:',
        '  - name: health',
        '    when: { job: web }',
        '    checks:',
        '      - { type: http, url: "http://${labels.instance}/healthz", timeout_ms: 5000 }',
        '      - { type: http, url: "http://${labels.instance}/redirect", expect_status: [200] }',
        '      - { type: tcp, host: "${labels.other}", port: 22 }',
      ].join('\n'),
    );
    const { bot, post } = await start({ ALERTS_FILE: file });
    const body = JSON.stringify({
      source: 'uptime',
      key: 'web',
      status: 'firing',
      title: 'Website down',
      severity: 'critical',
      labels: { job: 'web', instance: `127.0.0.1:${port}`, other: '10.9.9.9' },
    });
    // Acknowledged while the health check's answer is still held: the check runs after, in the worker.
    expect((await post(body)).status).toBe(202);
    const drained = bot.drain();
    await expect.poll(() => requests.includes('/healthz')).toBe(true);
    release();
    await drained;
    const [ticket] = await bot.app.tickets.queue();
    expect(ticket!.description).toContain(`- health: http://127.0.0.1:${port}/healthz: ok, HTTP 200`);
    expect(ticket!.description).toContain(`- health: http://127.0.0.1:${port}/redirect: FAILED, HTTP 302`);
    expect(ticket!.description).toContain('10.9.9.9 is not on the allow-list');
    expect(requests.sort()).toEqual(['/healthz', '/redirect']);
  });
});
