import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackHarness, type SlackHarness } from '../support/slack.js';

describe('the service serves the automation report', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /reports/automation.json and the section on /reports/metrics, with the bundled knowledge base as what is shipped', async () => {
    const json = await fetch(`${h.url}/reports/automation.json`);
    expect(json.status).toBe(200);
    const report = (await json.json()) as { groups: unknown[]; shipped: Array<{ kind: string; id: string }> };
    expect(report.groups).toEqual([]);
    // Every bundled article and script is listed, unused.
    expect(report.shipped.filter((s) => s.kind === 'script').map((s) => s.id)).toContain('printer-offline');
    expect(report.shipped.filter((s) => s.kind === 'article').length).toBeGreaterThan(20);
    const page = await (await fetch(`${h.url}/reports/metrics`)).text();
    expect(page).toContain('<section id="automation"><h2>What to automate next</h2>');
  });
});
