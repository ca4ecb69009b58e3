/**
 * The HTML report in a real headless browser: Debian's chromium, driven by playwright-core.
 * .ci/run installs chromium; a test never does. Without it this file skips, and says so.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium } from '../support/chromium.js';
import type { App } from '../../src/app.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { PERIOD, seedMetrics } from './seed.js';
import { serveReports } from './serve.js';

const haveChromium = chromiumFor('the report page browser test');

describe.skipIf(!haveChromium)('report page in headless chromium', () => {
  let app: App;
  let cleanup: () => void;
  let server: Awaited<ReturnType<typeof serveReports>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    await seedMetrics(app.store.prisma);
    server = await serveReports({ source: new PrismaMetricsSource(app.store.prisma), token: 'browser-token' });
    browser = await launchChromium();
    page = await browser.newPage({
      viewport: { width: 1200, height: 900 },
      extraHTTPHeaders: { authorization: 'Bearer browser-token' },
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
    const response = await page.goto(`${server.url}/reports/metrics?from=${PERIOD.from}&to=${PERIOD.to}`, {
      waitUntil: 'load',
    });
    expect(response?.status()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    cleanup?.();
  });

  it("draws every chart's bars as SVG, styled, with the figures written next to them", async () => {
    const bars = await page.$$eval('figure', (figures) =>
      figures.map((figure) => ({
        id: figure.id,
        svg: figure.querySelector('svg')?.namespaceURI ?? null,
        bars: figure.querySelectorAll('svg rect.bar').length,
        tableRows: figure.querySelectorAll('table tbody tr').length,
      })),
    );
    expect(bars).toEqual([
      { id: 'chart-deflection', svg: 'http://www.w3.org/2000/svg', bars: 5, tableRows: 5 },
      { id: 'chart-articles', svg: 'http://www.w3.org/2000/svg', bars: 3, tableRows: 3 },
      { id: 'chart-tier', svg: 'http://www.w3.org/2000/svg', bars: 4, tableRows: 4 },
      { id: 'chart-priority', svg: 'http://www.w3.org/2000/svg', bars: 4, tableRows: 4 },
      { id: 'chart-category', svg: 'http://www.w3.org/2000/svg', bars: 4, tableRows: 4 },
      { id: 'chart-first-response', svg: 'http://www.w3.org/2000/svg', bars: 2, tableRows: 3 },
      { id: 'chart-resolution', svg: 'http://www.w3.org/2000/svg', bars: 2, tableRows: 3 },
      { id: 'chart-sla', svg: 'http://www.w3.org/2000/svg', bars: 2, tableRows: 2 },
      { id: 'chart-escalation', svg: 'http://www.w3.org/2000/svg', bars: 4, tableRows: 4 },
      { id: 'chart-satisfaction', svg: 'http://www.w3.org/2000/svg', bars: 5, tableRows: 7 },
    ]);

    // Laid out and painted: bar lengths follow the figures, and the stylesheet applied despite the CSP.
    const deflection = await page.$$eval('#chart-deflection rect.bar', (rects) =>
      rects.map((rect) => ({
        label: rect.getAttribute('data-label'),
        // Runs in the page; the project's TypeScript has no DOM lib, hence the narrow casts.
        width: Math.round((rect as unknown as { getBBox(): { width: number } }).getBBox().width * 100) / 100,
        onScreen: rect.getBoundingClientRect().width,
        fill: (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(rect).fill,
      })),
    );
    expect(deflection.map((b) => [b.label, b.width])).toEqual([
      ['Deflected', 92.73], // 3 of 11 questions on a 340-unit scale
      ['Voted not helpful', 30.91],
      ['Ticket within 7d', 30.91],
      ['Re-asked within 7d', 92.73],
      ['Not answered by the bot', 92.73],
    ]);
    expect(deflection.every((b) => b.onScreen > 20 && b.fill === 'rgb(59, 111, 216)')).toBe(true);

    expect(await page.locator('#chart-deflection text.value').first().textContent()).toBe('3 (27.3%)');
    expect(await page.locator('#chart-sla text.value').allTextContents()).toEqual(['66.7% (4/6)', '50.0% (3/6)']);
    expect(await page.locator('#chart-escalation text.value').allTextContents()).toEqual([
      '66.7% (2/3)',
      '40.0% (2/5)',
      '0.0% (0/3)',
      'no tickets',
    ]);
    expect(await page.locator('#chart-first-response text.value').allTextContents()).toEqual(['45m', '1h 36m']);
    expect(await page.locator('#summary-deflection-rate dd').textContent()).toBe('27.3%');
    expect(await page.locator('#summary-satisfaction-average dd').textContent()).toBe('3.67 / 5');
  });

  it('logs no console errors, page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
