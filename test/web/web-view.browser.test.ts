/**
 * The web view in a real headless browser: Debian's chromium driven by playwright-core, as the
 * report page's test does (no browser is downloaded; without chromium this file skips and says
 * so). On a desktop and a phone viewport: sign in through a link, filter the queue, open a ticket,
 * claim it, export CSV; and the refusals a browser sees. Screenshots go to artefacts/web/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFor, launchChromium, viewports, webArtefacts } from '../support/chromium.js';
import type { App } from '../../src/app.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { ann, bob, eve, HOSTILE_SUBJECT, seedTickets, serveWeb, TestClock, type WebReplica } from './web-harness.js';

const haveChromium = chromiumFor('the web view browser test');

describe.skipIf(!haveChromium)('web view in headless chromium', () => {
  let app: App;
  let cleanup: () => void;
  let web: WebReplica;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seedTickets>>;
  const clock = new TestClock();

  beforeAll(async () => {
    mkdirSync(webArtefacts, { recursive: true });
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ({ app } = await startTestApp(tmp.dir));
    seeded = await seedTickets(app);
    // One ticket per viewport to claim, so each run starts from an unclaimed one.
    for (const { name } of viewports) {
      await app.tickets.open({
        requester: bob,
        channel: 'slack',
        conversationKey: null,
        subject: `Docking station dead (${name})`,
        description: 'No video through the dock',
        priority: 'P2',
        category: 'hardware',
      });
    }
    web = await serveWeb(app, { clock });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await app?.close();
    cleanup?.();
  });

  /** A fresh browser context (its own cookies) with problems collected: console errors, CSP violations, failed requests. */
  const open = async (
    options: (typeof viewports)[number]['options'],
  ): Promise<{ context: BrowserContext; page: Page; problems: string[] }> => {
    const context = await browser.newContext({ ...options, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { context, page, problems };
  };

  for (const { name, options } of viewports) {
    it(`${name}: signs in through a link, filters the queue, opens a ticket, claims it and exports CSV`, async () => {
      const { context, page, problems } = await open(options);
      try {
        const { url } = await web.access.linkFor('slack', eve);
        await page.goto(url);
        expect(new URL(page.url()).pathname).toBe('/web');
        const cookies = await context.cookies();
        expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['helpdesk_session', true, 'Lax']]);
        // The hostile subject is shown as text, and nothing ran.
        await expect(page.getByText(HOSTILE_SUBJECT).count()).resolves.toBe(1);
        await page.screenshot({ path: path.join(webArtefacts, `${name}-queue.png`), fullPage: true });

        await page.selectOption('select[name=category]', 'hardware');
        await page.fill('input[name=q]', `dock ${name}`);
        await page.click('form.filters button[type=submit]');
        await page.waitForURL(/category=hardware/);
        const keys = await page.$$eval('table.queue tbody tr td:first-child a', (links) =>
          links.map((a) => a.textContent),
        );
        expect(keys).toHaveLength(1);
        expect(await page.textContent('#count')).toBe('1 ticket');

        // Dates in the reader's zone: UTC, named, until chosen once from the header; back to the same filter.
        expect(await page.textContent('td[data-label=Opened] time')).toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$/);
        await page.click('#zone-link');
        await page.waitForURL(/\/web\/time-zone\?back=/);
        await page.selectOption('#tz', 'Europe/Paris');
        await page.click('#zone-form button[type=submit]');
        await page.waitForURL(/tz=Europe%2FParis/);
        expect(new URL(page.url()).searchParams.get('category')).toBe('hardware');
        expect(await page.textContent('#zone-link')).toBe('Times in Europe/Paris');
        expect(await page.textContent('#count')).toBe('1 ticket');
        expect(await page.textContent('td[data-label=Opened] time')).toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d CET$/);
        expect((await context.cookies()).find((c) => c.name === 'helpdesk_tz')?.value).toBe('Europe%2FParis');
        await page.screenshot({ path: path.join(webArtefacts, `${name}-filtered.png`), fullPage: true });

        // On a phone the table's rows are cards: each cell labelled, no sideways scrolling.
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(width).toBeLessThanOrEqual(options.viewport.width);

        await page.click(`table.queue a:text("${keys[0]}")`);
        await page.waitForURL(/\/web\/tickets\//);
        expect(await page.textContent('#status')).toBe('new');
        await page.click('#action-claim button');
        await page.waitForURL(/done=claim/);
        expect(await page.textContent('#notice')).toBe('You claimed this ticket.');
        expect(await page.textContent('#status')).toBe('claimed');
        expect(await page.textContent('#assignee')).toBe('Eve Engineer');
        // The ticket page keeps the zone chosen on the queue (the cookie).
        expect(await page.textContent('#fields time')).toMatch(/CET$/);
        expect((await app.tickets.get(keys[0]!)).assigneeId).toBe(eve.id);
        await page.screenshot({ path: path.join(webArtefacts, `${name}-ticket-claimed.png`), fullPage: true });

        await page.goto(`${web.url}/web?channel=slack`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
        const csv = readFileSync((await download.path())!, 'utf8');
        expect(download.suggestedFilename()).toMatch(/^tickets-\d{4}-\d{2}-\d{2}\.csv$/);
        expect(csv.split('\r\n')[0]).toMatch(/^key,subject,status,/);
        expect(csv).toContain(`${seeded.formula.key},"'=HYPERLINK(""http://evil"",""click"")"`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }

  it("refuses in the browser: a reused link, a forged cookie, another person's ticket, a form posted from another site", async () => {
    const { context, page, problems } = await open(viewports[0].options);
    try {
      const { url } = await web.access.linkFor('slack', ann);
      expect((await page.goto(url))?.status()).toBe(200); // after the 303, Ann's own tickets
      expect(await page.textContent('h1')).toBe('Your tickets');
      const reused = await page.goto(url);
      expect(reused?.status()).toBe(410);
      expect(await page.textContent('main')).toContain('already used');
      const other = await page.goto(`${web.url}/web/tickets/${seeded.bobs.key}`);
      expect(other?.status()).toBe(404);
      await page.screenshot({ path: path.join(webArtefacts, 'refused-other-ticket.png') });

      // A page elsewhere posting a claim with Ann's cookie: SameSite=Lax keeps the cookie off it, and it has no token.
      const evil = await page.goto(
        `data:text/html,<form id=f method=post action="${web.url}/web/tickets/${seeded.hostile.key}/actions"><input name=action value=claim></form>`,
      );
      expect(evil).toBeNull();
      const [response] = await Promise.all([
        page.waitForResponse(/\/actions$/),
        page.evaluate("document.getElementById('f').submit()"),
      ]);
      await page.waitForURL(/\/actions$/);
      expect([401, 403]).toContain(response.status());
      expect((await app.tickets.get(seeded.hostile.key)).status).toBe('new');

      await context.clearCookies();
      await context.addCookies([
        { name: 'helpdesk_session', value: `${'A'.repeat(43)}.${'B'.repeat(43)}`, url: web.url },
      ]);
      const forged = await page.goto(`${web.url}/web`);
      expect(forged?.status()).toBe(401);
      expect(await page.textContent('main')).toContain('Sign in from chat');
      expect(problems.filter((p) => !p.includes('status of 4'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
