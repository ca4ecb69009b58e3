/**
 * The automation section of the report page in headless chromium, on a phone-sized screen.
 * Skips, saying so, without chromium (see report-page.browser.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium } from '../support/chromium.js';
import { defaultThresholds } from '../../src/core/answering/answer-engine.js';
import type { MetricsSource } from '../../src/core/analytics/metrics.js';
import { loadCatalog } from '../../src/reports/knowledge-catalog.js';
import { MemoryAutomationSource } from '../../src/store/memory/memory-automation-source.js';
import { AUTOMATION_KB, AUTOMATION_NOW, AUTOMATION_PERIOD, seedAutomationMemory } from './automation-seed.js';
import { serveReports } from './serve.js';

const haveChromium = chromiumFor('the automation page browser test');

const noMetrics: MetricsSource = { load: async () => ({ questions: [], feedback: [], tickets: [], escalations: [] }) };
type Element = { textContent: string | null; scrollWidth: number; clientWidth: number };

describe.skipIf(!haveChromium)('automation section in headless chromium, on a phone', () => {
  let server: Awaited<ReturnType<typeof serveReports>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const catalog = (await loadCatalog(AUTOMATION_KB, defaultThresholds)).catalog;
    const source = new MemoryAutomationSource(await seedAutomationMemory());
    server = await serveReports({
      source: noMetrics,
      token: 'phone-token',
      now: () => AUTOMATION_NOW,
      automation: { source, catalog: () => catalog },
    });
    browser = await launchChromium();
    page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      extraHTTPHeaders: { authorization: 'Bearer phone-token' },
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
    const { from, to, window } = AUTOMATION_PERIOD;
    const response = await page.goto(`${server.url}/reports/metrics?from=${from}&to=${to}&window=${window}`, {
      waitUntil: 'load',
    });
    expect(response?.status()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the ranked groups and the shipped items; the hostile subject is text; wide tables scroll inside their box, not the page', async () => {
    const problemsColumn = await page.locator('#automation-groups tbody th').allTextContents();
    expect(problemsColumn).toEqual([
      'Need access to the shared mailbox finance',
      'Printer is jammed on floor 3',
      'VPN will not connect from home',
      '<script>alert(1)</script> monitor broken \u001b[2J\u001b[31m',
      'Laptop screen flickers',
    ]);
    expect(await page.locator('#automation-groups tbody tr').first().locator('td').last().textContent()).toBe('3.43');
    expect(await page.locator('#automation-shipped tbody th').allTextContents()).toEqual([
      'vpn-fix',
      'vpn-connect',
      'printer-jam',
    ]);
    expect(await page.locator('script').count()).toBe(0);
    const widths = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as { document: { documentElement: Element; querySelector(s: string): Element } }
      ).document;
      return {
        page: doc.documentElement.scrollWidth,
        viewport: doc.documentElement.clientWidth,
        box: doc.querySelector('#automation .scroll').clientWidth,
        table: doc.querySelector('#automation-groups').scrollWidth,
      };
    });
    // The whole page, metrics figures included, fits the phone's width.
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.box).toBeLessThanOrEqual(widths.viewport);
    expect(widths.table).toBeGreaterThan(widths.box);
  });

  it('logs no console errors, page errors, dialogs or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
