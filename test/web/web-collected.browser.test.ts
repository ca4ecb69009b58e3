/**
 * What the bot collected, in headless chromium (Debian's, through playwright-core as the other
 * browser tests; skipped without it): on a desktop and a phone the hostile, long, deep and wide
 * record of collected-fixture.ts lays out without sideways scrolling, runs nothing, breaks no CSP
 * rule, and its folded parts open without a script. Screenshots go to artefacts/web/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium, viewports, webArtefacts } from '../support/chromium.js';
import type { App } from '../../src/app.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { collected, LONG } from './collected-fixture.js';
import { ann, eve, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const haveChromium = chromiumFor("the collected view's browser test");

describe.skipIf(!haveChromium)('what the bot collected, in headless chromium', () => {
  let app: App;
  let cleanup: () => void;
  let web: WebReplica;
  let browser: Browser;
  let ticket: Ticket;

  beforeAll(async () => {
    mkdirSync(webArtefacts, { recursive: true });
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    ticket = await app.tickets.open({
      requester: ann,
      channel: 'slack',
      conversationKey: null,
      subject: 'VPN drops',
      description: 'It drops',
      question: null,
      collected,
    });
    web = await serveWeb(app, { clock: new TestClock() });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
    cleanup?.();
  });

  for (const { name, options } of viewports) {
    it(`${name}: no sideways scrolling, nothing runs, the folded long string opens without a script`, async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      try {
        await page.goto((await web.access.linkFor('slack', eve)).url);
        await page.goto(`${web.url}/web/tickets/${ticket.key}`);
        expect(await page.textContent('h1')).toContain(ticket.key);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(width).toBeLessThanOrEqual(options.viewport.width);
        // Every top-level field name and value stays inside the card.
        const card = await page.locator('#collected').boundingBox();
        expect(card!.x + card!.width).toBeLessThanOrEqual(options.viewport.width);

        const long = page.locator('#collected > dd').filter({ hasText: 'show all 5,030 characters' });
        const full = long.locator('details pre');
        await expect(full.isVisible()).resolves.toBe(false);
        await page.locator('#collected').screenshot({ path: path.join(webArtefacts, `${name}-collected.png`) });
        await long.locator('summary').click();
        await expect(full.isVisible()).resolves.toBe(true);
        expect(await full.textContent()).toBe(LONG);
        const open = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(open).toBeLessThanOrEqual(options.viewport.width);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
