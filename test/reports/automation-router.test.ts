import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/core/answering/answer-engine.js';
import type { AutomationSource, KnowledgeCatalog } from '../../src/core/analytics/automation.js';
import type { MetricsSource } from '../../src/core/analytics/metrics.js';
import { loadCatalog } from '../../src/reports/knowledge-catalog.js';
import { MemoryAutomationSource } from '../../src/store/memory/memory-automation-source.js';
import {
  AUTOMATION_KB,
  AUTOMATION_NOW,
  AUTOMATION_PERIOD,
  expectedAutomation,
  HOSTILE_SUBJECT,
  seedAutomationMemory,
} from './automation-seed.js';
import { serveReports } from './serve.js';

const period = `from=${AUTOMATION_PERIOD.from}&to=${AUTOMATION_PERIOD.to}&window=${AUTOMATION_PERIOD.window}`;
/** The metrics part is not under test here: an empty source. */
const noMetrics: MetricsSource = { load: async () => ({ questions: [], feedback: [], tickets: [], escalations: [] }) };

describe('automation report over HTTP', () => {
  let catalog: KnowledgeCatalog;
  let source: AutomationSource;
  let open: Awaited<ReturnType<typeof serveReports>>;
  let locked: Awaited<ReturnType<typeof serveReports>>;
  let bare: Awaited<ReturnType<typeof serveReports>>;
  beforeAll(async () => {
    catalog = (await loadCatalog(AUTOMATION_KB, defaultThresholds)).catalog;
    source = new MemoryAutomationSource(await seedAutomationMemory());
    const automation = { source, catalog: () => catalog };
    const now = () => AUTOMATION_NOW;
    open = await serveReports({ source: noMetrics, token: undefined, automation, now });
    locked = await serveReports({ source: noMetrics, token: 'auto-token', automation, now });
    bare = await serveReports({ source: noMetrics, token: 'auto-token', now });
  });
  afterAll(async () => {
    await Promise.all([open.close(), locked.close(), bare.close()]);
  });

  it('GET /reports/automation.json serves the seeded figures', async () => {
    const res = await fetch(`${open.url}/reports/automation.json?${period}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { generatedAt, definitions, ...figures } = (await res.json()) as Record<string, unknown>;
    expect(generatedAt).toBe('2026-09-01T00:00:00.000Z');
    expect(definitions).toHaveProperty('beforeAfter');
    expect(figures).toEqual(expectedAutomation);
    const shorter = (await (
      await fetch(`${open.url}/reports/automation.json?${period}&compare=10`)
    ).json()) as typeof expectedAutomation;
    // 10 days before vpn-connect's first use (05-01) start after the oldest ticket; no VPN ticket in [04-21, 05-01), one (b4) in [05-01, 05-11).
    expect(shorter.compareDays).toBe(10);
    expect(shorter.shipped.find((s) => s.id === 'vpn-connect')).toMatchObject({
      before: { tickets: 0 },
      after: { tickets: 1 },
      change: null,
    });
  });

  it('the same token rule as the metrics: 401 without it or with a wrong one, before anything else', async () => {
    const url = `${locked.url}/reports/automation.json?${period}`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer auto-token' } })).status).toBe(200);
    expect((await fetch(`${url}&token=auto-token`)).status).toBe(400);
    expect((await fetch(`${locked.url}/reports/automation.json?compare=0`)).status).toBe(401);
    // Not configured: still a 401 without the token, a 404 with it.
    expect((await fetch(`${bare.url}/reports/automation.json`)).status).toBe(401);
    expect(
      (await fetch(`${bare.url}/reports/automation.json`, { headers: { authorization: 'Bearer auto-token' } })).status,
    ).toBe(404);
  });

  it('400 for a bad compare span or period', async () => {
    for (const query of ['compare=0', 'compare=366', 'compare=abc', 'compare=1&compare=2', 'from=2026-02-30']) {
      const res = await fetch(`${open.url}/reports/automation.json?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^(compare|from)/);
    }
  });

  it('the report page gains the section, under the same CSP, with every ticket text escaped', async () => {
    const res = await fetch(`${open.url}/reports/metrics?${period}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    );
    const html = await res.text();
    expect(html).not.toMatch(/<script|<b>bold/);
    expect(html).not.toContain(HOSTILE_SUBJECT);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; monitor broken');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    const section = html.slice(html.indexOf('<section id="automation">'), html.indexOf('</section>'));
    expect(section).toContain('<table class="data" id="automation-groups">');
    expect(section.match(/<tr>/g)).toHaveLength(1 + 5 + 1 + 3); // two header rows, five groups, three items
    expect(section).toContain(
      '<th scope="row">Need access to the shared mailbox finance</th><td>4</td><td>4.00</td><td>email</td><td>20m</td><td>1h 30m</td><td>4.50</td><td>33.3% (1/3)</td><td>nothing</td><td>write an article</td><td>3.43</td>',
    );
    expect(section).toContain('<td>not enough data: 1 ticket(s), an estimate needs 3</td>');
    expect(section).toContain(
      '<th scope="row">vpn-fix</th><td>2026-06-02</td><td>5</td><td>60.0% (3/5)</td><td>2</td><td>1</td><td>3</td><td>+200.0%</td>',
    );
    expect(section).toContain(
      'href="automation.json?from=2026-06-01T00%3A00%3A00.000Z&amp;to=2026-07-01T00%3A00%3A00.000Z&amp;window=7&amp;compare=30"',
    );
  });

  it('a failing automation source leaves the metrics page up, with the section saying so', async () => {
    const failing: AutomationSource = {
      history: () => Promise.reject(new Error('disk on fire')),
      load: () => Promise.reject(new Error('disk on fire')),
    };
    const server = await serveReports({
      source: noMetrics,
      token: undefined,
      automation: { source: failing, catalog: () => catalog },
    });
    try {
      const page = await fetch(`${server.url}/reports/metrics`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('This section could not be computed');
      expect(html).not.toContain('disk on fire');
      const json = await fetch(`${server.url}/reports/automation.json`);
      expect(json.status).toBe(500);
      expect(await json.text()).not.toContain('disk on fire');
    } finally {
      await server.close();
    }
  });
});
