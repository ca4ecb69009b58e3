/**
 * The lead report in a real headless browser (Debian's chromium through playwright-core; without
 * it this file skips and says so): a lead signs in through a link and reads the report on a
 * desktop and a phone viewport. Checked as a reader would: every chart drawn, no SVG text under
 * 11 px on screen, no sideways scroll on the phone, "Show numbers" opens its table without script,
 * the zone form changes the dates, no console error or CSP violation. Screenshots go to
 * artefacts/web/ (git-ignored); docs/screenshots/ holds copies made from them for the README.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium, viewports, webArtefacts } from '../support/chromium.js';
import type { App } from '../../src/app.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { lee, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const haveChromium = chromiumFor('the web reports browser test');

/**
 * In the page (as text: the tests compile without the DOM's types): the smallest text a reader
 * sees, SVG text at its drawn size and every visible HTML text node's font size, and where.
 */
const SMALLEST_TEXT = `(() => {
  let min = Infinity;
  let where = '';
  for (const text of document.querySelectorAll('svg text')) {
    const font = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
    if (font < min) { min = font; where = 'svg "' + text.textContent + '"'; }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('svg, details:not([open]), select, option')) continue;
    const font = parseFloat(getComputedStyle(element).fontSize);
    if (font < min) { min = font; where = '<' + element.tagName.toLowerCase() + '> "' + node.textContent.trim() + '"'; }
  }
  return { min, where };
})()`;

/** In the page: the elements reaching past the screen's right edge. */
const WIDER_THAN_SCREEN = `Array.from(document.querySelectorAll('body *'))
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map((e) => '<' + e.tagName.toLowerCase() + ' class="' + e.className + '"> ' + Math.round(e.getBoundingClientRect().right) + ' px')`;

const NOW = new Date('2026-03-18T12:00:00Z');
const MINUTE = 60_000;

/** Sixteen weeks of tickets and questions from a fixed sequence (no randomness between runs). */
async function seedHistory(app: App): Promise<void> {
  let state = 7;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  const engineers = [
    { id: 'UENG00001', name: 'Eve Engineer' },
    { id: 'UENG00002', name: 'Max Mustermann' },
    { id: 'UENG00003', name: 'Priya Raman' },
  ];
  const start = NOW.getTime() - 16 * 7 * 24 * 60 * MINUTE;
  for (let i = 0; i < 160; i += 1) {
    const created = new Date(start + next() * (NOW.getTime() - start - 60 * MINUTE));
    const ageDays = (NOW.getTime() - created.getTime()) / (24 * 60 * MINUTE);
    const settled = ageDays > 3 && next() < 0.85;
    const response = 5 + next() * 90;
    const resolved = response + 60 + next() * 900;
    const assignee = next() < 0.9 ? pick(engineers) : null;
    await app.store.prisma.ticket.create({
      data: {
        id: `hist-${i}`,
        key: `HIS-${1000 + i}`,
        subject: pick(['VPN drops', 'Printer jam', 'Laptop slow', 'Password reset', 'Wi-Fi in room 4', 'Disk full']),
        description: 'seeded history',
        transcript: '[]',
        collected: '{}',
        priority: pick(['P1', 'P2', 'P3', 'P3', 'P4']),
        tier: pick(['L1', 'L1', 'L1', 'L2', 'L3']),
        category: pick(['network', 'printing', 'hardware', 'accounts', 'software', 'email']),
        status: settled ? 'resolved' : assignee ? 'claimed' : 'new',
        channel: pick(['slack', 'slack', 'teams', 'teams', 'local', 'alerts']),
        requesterId: `UREQ${i % 40}`,
        assigneeId: assignee?.id ?? null,
        assigneeName: assignee?.name ?? null,
        createdAt: created,
        firstResponseAt: assignee ? new Date(created.getTime() + response * MINUTE) : null,
        resolvedAt: settled ? new Date(created.getTime() + resolved * MINUTE) : null,
        responseDueAt: new Date(created.getTime() + 60 * MINUTE),
        resolveDueAt: new Date(created.getTime() + 8 * 60 * MINUTE),
        satisfaction: settled && next() < 0.6 ? 3 + Math.floor(next() * 3) : null,
      },
    });
    // Per engineer is read from the audit events: the claim, and the resolve of a settled ticket.
    const handled = (command: string, at: Date) =>
      app.store.prisma.ticketEvent.create({
        data: {
          ticketId: `hist-${i}`,
          actorId: assignee!.id,
          actorName: assignee!.name,
          type: 'status',
          detail: JSON.stringify({ command }),
          createdAt: at,
        },
      });
    if (assignee) await handled('claim', new Date(created.getTime() + response * MINUTE));
    if (assignee && settled) await handled('resolve', new Date(created.getTime() + resolved * MINUTE));
  }
  for (let i = 0; i < 300; i += 1) {
    const channel = pick(['slack', 'teams', 'local']);
    await app.store.prisma.question.create({
      data: {
        id: `hq-${i}`,
        conversationKey: `${channel}:c${i}`,
        channel,
        userId: `UASK${i % 70}`,
        text: `question ${i}`,
        outcome: pick(['answered', 'answered', 'answered', 'chosen', 'suggested', 'no_answer']),
        articleId: 'vpn-setup',
        confidence: 0.5,
        explanation: '{}',
        createdAt: new Date(start + next() * (NOW.getTime() - start)),
      },
    });
  }
}

describe.skipIf(!haveChromium)('the lead report in headless chromium', () => {
  let app: App;
  let cleanup: () => void;
  let web: WebReplica;
  let browser: Browser;
  const clock = new TestClock(NOW);

  beforeAll(async () => {
    mkdirSync(webArtefacts, { recursive: true });
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    await seedHistory(app);
    web = await serveWeb(app, { clock, pinRouterClock: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
    cleanup?.();
  });

  for (const { name, options } of viewports) {
    it(`${name}: signs in, reads every chart, no text under 11 px, no sideways scroll, numbers behind a toggle`, async () => {
      const context = await browser.newContext(options);
      const page: Page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      try {
        await page.goto((await web.access.linkFor('slack', lee)).url);
        expect(new URL(page.url()).pathname).toBe('/web');
        await page.click('header a[href="/web/reports"]');
        expect(new URL(page.url()).pathname).toBe('/web/reports');
        await expect.poll(() => page.locator('h1').textContent()).toBe('Reports');

        // Breaching now: the most late eight, the others behind their own toggle.
        expect(await page.locator('#breaching > table tbody tr').count()).toBe(8);
        expect(await page.locator('#breaching-more summary').textContent()).toMatch(/^Show the other \d+$/);

        // Seven weekly charts of eight weeks each, every one with bars and the period before's line.
        const charts = await page.$$eval('section.chart-card svg.trend', (svgs) =>
          svgs.map((svg) => ({
            bars: svg.querySelectorAll('rect.bar').length,
            before: svg.querySelectorAll('circle.prev-dot').length,
            width: svg.getBoundingClientRect().width,
          })),
        );
        expect(charts).toHaveLength(7);
        for (const chart of charts) {
          expect(chart.bars).toBeGreaterThan(0);
          expect(chart.before).toBeGreaterThan(0);
        }

        // The smallest text a reader sees: SVG text at its drawn size, and every HTML text node's font.
        const smallest = (await page.evaluate(SMALLEST_TEXT)) as { min: number; where: string };
        console.info(`${name}: the smallest text is ${smallest.min.toFixed(1)} px (${smallest.where})`);
        expect(smallest.min, smallest.where).toBeGreaterThanOrEqual(11);

        // No sideways scroll: the page is no wider than the screen.
        const widths = (await page.evaluate(
          '({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })',
        )) as { scroll: number; view: number };
        expect(widths.scroll, JSON.stringify(widths)).toBeLessThanOrEqual(widths.view);

        // Tables are hidden until asked for; "Show numbers" opens one without script.
        const firstTable = page.locator('#trend-tickets details table');
        expect(await firstTable.isVisible()).toBe(false);
        await page.screenshot({ path: path.join(webArtefacts, `${name}-reports.png`), fullPage: true });
        // What a reader sees first of the trends, on this screen.
        await page.locator('#trends').scrollIntoViewIfNeeded();
        await page.evaluate("document.getElementById('trends').scrollIntoView()");
        await page.screenshot({ path: path.join(webArtefacts, `${name}-reports-trends.png`) });
        await page.click('#trend-tickets details summary');
        expect(await firstTable.isVisible()).toBe(true);
        expect(await page.locator('#trend-tickets details tbody tr').count()).toBe(8);
        await page.locator('#channels').scrollIntoViewIfNeeded();
        await page.click('#channels details summary');
        expect(await page.locator('#channels details tbody tr').count()).toBeGreaterThanOrEqual(4);
        const wider = (await page.evaluate(WIDER_THAN_SCREEN)) as string[];
        expect(wider, 'an opened table widened the page').toEqual([]);
        expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
        await page.screenshot({ path: path.join(webArtefacts, `${name}-reports-numbers.png`), fullPage: true });

        // The reader's zone, chosen in the form: dates move, and the choice is remembered.
        await page.selectOption('#tz', 'America/New_York');
        await page.click('form.reader button');
        await expect.poll(() => page.locator('#period').textContent()).toContain('America/New_York');
        expect(await page.locator('#zone-why').textContent()).toContain('remembered');
        await page.goto(new URL('/web/reports', page.url()).toString());
        expect(await page.locator('#zone-why').textContent()).toContain('as you chose it');
        expect(await page.locator('#period').textContent()).toMatch(/Figures as of 18 Mar 2026, 08:00 GMT-4/);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
