import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { MetricsSource } from '../../src/core/analytics/metrics.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { createReportsRouter, TOKEN_IN_URL } from '../../src/reports/reports-router.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { expectedFigures, PERIOD, seedMetrics } from './seed.js';
import { serveReports } from './serve.js';

const period = `from=${PERIOD.from}&to=${PERIOD.to}`;

describe('reports router', () => {
  let app: App;
  let cleanup: () => void;
  let open: { url: string; close: () => Promise<void> };
  let locked: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    await seedMetrics(app.store.prisma);
    const source = new PrismaMetricsSource(app.store.prisma);
    open = await serveReports({ source, token: undefined });
    locked = await serveReports({ source, token: 's3cret-token' });
  });
  afterAll(async () => {
    await open.close();
    await locked.close();
    await app.close();
    cleanup();
  });

  it('GET /reports/metrics.json serves the seeded figures', async () => {
    const res = await fetch(`${open.url}/reports/metrics.json?${period}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { generatedAt: _g, definitions, ...figures } = (await res.json()) as Record<string, unknown>;
    expect(figures).toEqual(expectedFigures);
    expect(definitions).toHaveProperty('slaCompliance');
  });

  it('GET /reports/metrics serves the HTML page under a strict CSP, with a chart and a table per figure', async () => {
    const res = await fetch(`${open.url}/reports/metrics?${period}&window=7`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    );
    const html = await res.text();
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<figure /g)).toHaveLength(10);
    expect(html.match(/<table /g)).toHaveLength(10);
    expect(html).toContain('<dd>27.3%</dd>');
    expect(html).toContain(
      'href="metrics.json?from=2026-03-01T00%3A00%3A00.000Z&amp;to=2026-04-01T00%3A00%3A00.000Z&amp;window=7"',
    );
    // People are sent to the lead report; the dates shown are to the minute, never milliseconds.
    expect(html).toMatch(/id="superseded">[^<]*<a href="\/web\/reports">/);
    expect(html).toContain(
      '>2026-03-01 00:00 UTC</time> to <time datetime="2026-04-01T00:00:00.000Z">2026-04-01 00:00 UTC</time>',
    );
    expect(html.replace(/"[^"]*"/g, '')).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
  });

  it('400 for bad dates, an inverted period, a bad window or a repeated parameter', async () => {
    for (const query of [
      'from=2026-02-30',
      'to=tomorrow',
      'from=2026-04-01&to=2026-03-01',
      'window=abc',
      'from=2026-03-01&from=2026-03-02',
    ]) {
      const res = await fetch(`${open.url}/reports/metrics.json?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    expect((await fetch(`${open.url}/reports/metrics?from=31/03/2026`)).status).toBe(400);
  });

  it('with a token: 401 without it or with a wrong one; the Bearer header lets in; the token in the URL is a 400 saying why', async () => {
    for (const path of ['/reports/metrics.json', '/reports/metrics']) {
      const none = await fetch(`${locked.url}${path}?${period}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(
        (await fetch(`${locked.url}${path}?${period}`, { headers: { authorization: 'Bearer wrong' } })).status,
      ).toBe(401);
      expect(
        (await fetch(`${locked.url}${path}?${period}`, { headers: { authorization: 'Bearer s3cret-token' } })).status,
      ).toBe(200);
      // The old URL form, right or wrong, with or without the header: refused, and told what to do instead.
      for (const [query, headers] of [
        ['token=s3cret-token', {}],
        ['token=wrong', {}],
        ['token=', {}],
        ['token=s3cret-token', { authorization: 'Bearer s3cret-token' }],
      ] as const) {
        const res = await fetch(`${locked.url}${path}?${period}&${query}`, { headers });
        expect(res.status, query).toBe(400);
        const { error } = (await res.json()) as { error: string };
        expect(error).toBe(TOKEN_IN_URL);
        expect(error).toMatch(/no longer accepted in the URL.*Authorization: Bearer <REPORTS_TOKEN>/);
        expect(error).not.toContain('s3cret');
      }
    }
    // Open reports (no token set) also refuse the URL form: the caller's URL is wrong either way.
    expect((await fetch(`${open.url}/reports/metrics.json?token=anything`)).status).toBe(400);
    // Authentication comes before validation: bad dates without a token say nothing about the dates.
    expect((await fetch(`${locked.url}/reports/metrics.json?from=bad`)).status).toBe(401);
  });

  it('refuses an empty token, and answers 500 (not a stack trace) when the source fails', async () => {
    expect(() => createReportsRouter({ source: new PrismaMetricsSource(app.store.prisma), token: '' })).toThrow(
      /must not be empty/,
    );
    const failing: MetricsSource = { load: () => Promise.reject(new Error('disk on fire')) };
    const broken = await serveReports({ source: failing, token: undefined });
    try {
      const res = await fetch(`${broken.url}/reports/metrics.json`);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('disk on fire');
    } finally {
      await broken.close();
    }
  });

  it('escapes every value on the page', async () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const source: MetricsSource = {
      load: async () => ({
        questions: [
          {
            id: 'q',
            conversationKey: 'c',
            channel: 's',
            userId: 'u',
            outcome: 'answered',
            articleId: evil,
            createdAt: new Date('2026-03-02T00:00:00Z'),
          },
        ],
        feedback: [],
        tickets: [
          {
            id: 't',
            channel: 's',
            conversationKey: null,
            requesterId: 'r',
            priority: 'P3',
            tier: evil,
            category: evil,
            status: 'new',
            createdAt: new Date('2026-03-02T00:00:00Z'),
            firstResponseAt: null,
            resolvedAt: null,
            closedAt: null,
            responseDueAt: null,
            resolveDueAt: null,
            satisfaction: null,
          },
        ],
        escalations: [],
      }),
    };
    const server = await serveReports({ source, token: undefined });
    try {
      const html = await (await fetch(`${server.url}/reports/metrics?${period}`)).text();
      expect(html).not.toContain('<img');
      expect(html).not.toContain(evil);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    } finally {
      await server.close();
    }
  });
});
