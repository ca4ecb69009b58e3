/**
 * The lead reports in the web view over real HTTP on the project's database (SQLite, and
 * PostgreSQL when TEST_POSTGRES_URL is set): who may read them, the figures from rows written with
 * known times, the reader's time zone (form, cookie, default UTC named), hostile and bad input.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { MetricsSource } from '../../src/core/analytics/metrics.js';
import { silentLogger } from '../../src/core/logger.js';
import { createWebRouter } from '../../src/web/web-router.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { ann, Client, eve, HOSTILE_SUBJECT, lee, serveWeb, TestClock, type WebReplica } from './web-harness.js';

let app: App;
let cleanup: () => void;
let web: WebReplica;
// Wednesday: the trends cover whole weeks up to Monday 16 March (UTC).
const clock = new TestClock(new Date('2026-03-18T12:00:00Z'));
const plus = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000);

async function ticket(
  key: string,
  createdAt: string,
  fields: {
    channel?: string;
    subject?: string;
    status?: string;
    priority?: string;
    tier?: string;
    category?: string;
    assignee?: Actor;
    response?: number;
    resolved?: number;
    satisfaction?: number;
  } = {},
) {
  await app.store.prisma.ticket.create({
    data: {
      id: `id-${key}`,
      key,
      subject: fields.subject ?? `Ticket ${key}`,
      description: 'seeded for the report',
      transcript: '[]',
      collected: '{}',
      priority: fields.priority ?? 'P3',
      tier: fields.tier ?? 'L1',
      category: fields.category ?? 'network',
      status: fields.status ?? 'new',
      channel: fields.channel ?? 'slack',
      requesterId: 'UREQ00001',
      assigneeId: fields.assignee?.id ?? null,
      assigneeName: fields.assignee?.name ?? null,
      createdAt: new Date(createdAt),
      firstResponseAt: fields.response === undefined ? null : plus(createdAt, fields.response),
      resolvedAt: fields.resolved === undefined ? null : plus(createdAt, fields.resolved),
      responseDueAt: plus(createdAt, 30),
      resolveDueAt: plus(createdAt, 240),
      satisfaction: fields.satisfaction ?? null,
    },
  });
}

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'REP' }));
  web = await serveWeb(app, { clock, pinRouterClock: true });
  await ticket('REP-1', '2026-03-03T09:00:00Z', {
    assignee: eve,
    status: 'resolved',
    response: 10,
    resolved: 120,
    satisfaction: 5,
  });
  await ticket('REP-2', '2026-03-10T09:00:00Z', {
    channel: 'teams',
    tier: 'L2',
    category: 'printing',
    assignee: eve,
    status: 'claimed',
    response: 40,
  });
  await ticket('REP-3', '2026-02-03T09:00:00Z', { status: 'resolved', response: 60, resolved: 60 }); // the period before
  await ticket('REP-4', '2026-03-18T09:00:00Z', { subject: HOSTILE_SUBJECT, priority: 'P1' }); // this week, past its response due
  await ticket('REP-5', '2026-01-10T09:00:00Z', { status: 'waiting', response: 5, priority: 'P4' }); // old and open
  // Per engineer is by the audit events: Eve claimed and resolved REP-1 and claimed REP-2.
  const event = (key: string, command: string, at: string) =>
    app.store.prisma.ticketEvent.create({
      data: {
        ticketId: `id-${key}`,
        actorId: eve.id,
        actorName: eve.name ?? null,
        type: 'status',
        detail: JSON.stringify({ command }),
        createdAt: new Date(at),
      },
    });
  await event('REP-1', 'claim', '2026-03-03T09:10:00Z');
  await event('REP-1', 'resolve', '2026-03-03T11:00:00Z');
  await event('REP-2', 'claim', '2026-03-10T09:40:00Z');
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

const signedIn = async (actor: Actor) => {
  const client = new Client(web.url);
  expect((await client.signIn((await web.access.linkFor('slack', actor)).url)).status).toBe(303);
  return client;
};
/** The text of the section with this id (tags removed). */
const sectionText = (html: string, id: string) => {
  const match = new RegExp(`<section[^>]* id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html);
  return match ? match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
};
/** The text of the element with this id, up to the end of its section or paragraph (tags removed, entities left as sent). */
const textOf = (html: string, id: string) => {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(section|p)>`).exec(html);
  return match ? match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
};

describe('who may read the reports', () => {
  it('a lead reads them; the header links to them', async () => {
    const lead = await signedIn(lee);
    const response = await lead.get('/web/reports');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    expect(html).toContain('<h1>Reports</h1>');
    expect(await (await lead.get('/web')).text()).toContain('href="/web/reports"');
  });

  it('an engineer (not on the lead roster) and a requester are refused with a sentence, a visitor without a session gets 401', async () => {
    for (const actor of [eve, ann]) {
      const response = await (await signedIn(actor)).get('/web/reports');
      expect(response.status, actor.id).toBe(403);
      const html = await response.text();
      expect(html).toContain('Reports are for support leads');
      expect(html).not.toContain('Per engineer');
    }
    expect((await new Client(web.url).get('/web/reports')).status).toBe(401);
    const forged = new Client(web.url);
    forged.cookie = `helpdesk_session=${'A'.repeat(43)}.${'B'.repeat(43)}`;
    expect((await forged.get('/web/reports')).status).toBe(401);
  });

  it('the roster is read at each request: a lead taken off it loses the reports with the same session', async () => {
    const lead = await signedIn(lee);
    expect((await lead.get('/web/reports')).status).toBe(200);
    // Another replica on the same database and secret, whose roster no longer lists Lee.
    const without = await serveWeb(app, { clock, pinRouterClock: true, leads: { slack: [] } });
    try {
      const elsewhere = new Client(without.url);
      elsewhere.cookie = lead.cookie;
      expect((await elsewhere.get('/web')).status).toBe(200);
      expect((await elsewhere.get('/web/reports')).status).toBe(403);
      expect(await (await elsewhere.get('/web')).text()).not.toContain('href="/web/reports"');
    } finally {
      await without.close();
    }
  });

  it('an engineer who is also on the lead roster reads them, and has the link', async () => {
    const both: Actor = { id: 'ULEAD0001', name: 'Lee as engineer', role: 'engineer' };
    const client = await signedIn(both);
    expect((await client.get('/web/reports')).status).toBe(200);
    expect(await (await client.get('/web')).text()).toContain('href="/web/reports"');
  });
});

describe('the figures', () => {
  let html: string;
  beforeAll(async () => {
    html = await (await (await signedIn(lee)).get('/web/reports?weeks=4')).text();
  });

  it('writes no broken figure', () => {
    expect(html).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  it('states the period, in UTC by default, and says why', () => {
    expect(textOf(html, 'period')).toContain('The 4 weeks from 16 Feb to 15 Mar');
    expect(textOf(html, 'period')).toContain('in UTC');
    expect(textOf(html, 'zone-why')).toMatch(/Times are in UTC: the page runs no script/);
  });

  it('trends: this period beside the one before, each week behind "Show numbers"', () => {
    const tickets = textOf(html, 'trend-tickets');
    expect(tickets).toMatch(/Tickets opened 2 \+100% 1 in the 4 weeks before/);
    expect(textOf(html, 'trend-first-response')).toMatch(/Median time to first response 25m/);
    expect(textOf(html, 'trend-sla-response')).toMatch(/First response within SLA 50\.0% \+50\.0 pts 0\.0%/);
    expect(textOf(html, 'trend-satisfaction')).toMatch(/5\.00 /);
    const card = /id="trend-tickets"[\s\S]*?<\/section>/.exec(html)![0];
    expect(card).toMatch(/<details><summary>Show numbers<\/summary><table/);
    expect(card.match(/<tbody>([\s\S]*)<\/tbody>/)![1]!.match(/<tr>/g)).toHaveLength(4);
    expect(card).toContain('<svg');
    expect(card.match(/<rect class="bar"/g)).toHaveLength(2); // weeks with tickets: 2 and 9 March (none drawn for 0)
  });

  it('per engineer, per channel, tier and category', () => {
    expect(sectionText(html, 'engineers')).toContain('Eve Engineer 2 claimed · 1 resolved · 0 claimed before');
    const channels = sectionText(html, 'channels');
    expect(channels).toContain('slack 1 tickets · 1 before');
    expect(channels).toContain('teams 1 tickets · 0 before');
    expect(channels).toContain('alerts 0 tickets');
    expect(sectionText(html, 'tiers')).toContain('L2 1 tickets');
    expect(sectionText(html, 'categories')).toMatch(/network 1 tickets · 1 before.*printing 1 tickets/);
  });

  it('the backlog by age and what is breaching now, the hostile subject as text', () => {
    const backlog = textOf(html, 'backlog');
    expect(backlog).toMatch(/3 open/);
    expect(sectionText(html, 'backlog')).toMatch(
      /under 1 day 1 open · 1 P1, 0 P2 .*1–2 weeks 1 open .*over 4 weeks 1 open/,
    );
    const breaching = /id="breaching"[\s\S]*?<\/section>/.exec(html)![0];
    expect(breaching).toContain('href="/web/tickets/REP-4"');
    expect(breaching).toContain('response late by 2h 30m');
    expect(breaching).toContain('18 Mar 2026, 09:30 UTC');
    // Most late first: REP-5 (responded, resolution due 10 January), REP-2 (resolution due 10 March), REP-4.
    expect([...breaching.matchAll(/href="\/web\/tickets\/(REP-\d)"/g)].map((m) => m[1])).toEqual([
      'REP-5',
      'REP-2',
      'REP-4',
    ]);
    expect(breaching).toContain('3</b> past due · <b class="soon">0</b> due soon');
    expect(breaching).not.toContain('REP-1'); // resolved
    expect(breaching).not.toContain('REP-3');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(breaching).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the reader’s time zone and bad input', () => {
  it('a zone chosen in the form shows the dates there and is remembered in a cookie', async () => {
    const lead = await signedIn(lee);
    const chosen = await lead.get('/web/reports?tz=Europe%2FParis&weeks=4');
    expect(chosen.status).toBe(200);
    const set = chosen.headers.get('set-cookie')!;
    expect(set).toMatch(
      /^helpdesk_tz=Europe%2FParis; Max-Age=31536000; Path=\/web; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    const html = await chosen.text();
    expect(textOf(html, 'period')).toContain('in Europe/Paris');
    expect(html).toContain('18 Mar 2026, 10:30 CET');
    expect(html).toMatch(/<option value="Europe\/Paris" selected>/);
    lead.cookie = `${lead.cookie}; ${set.split(';')[0]}`;
    const again = await (await lead.get('/web/reports?weeks=4')).text();
    expect(textOf(again, 'zone-why')).toContain('as you chose it in this browser');
    expect(again).toContain('18 Mar 2026, 10:30 CET');
  });

  it('an unknown zone is a polite notice and the page in UTC; no cookie is set', async () => {
    const lead = await signedIn(lee);
    for (const tz of ['Mars%2FOlympus', '%3Cscript%3E', 'x'.repeat(500)]) {
      const response = await lead.get(`/web/reports?tz=${tz}`);
      expect(response.status, tz).toBe(200);
      expect(response.headers.get('set-cookie')).toBeNull();
      const html = await response.text();
      expect(textOf(html, 'zone-notice')).toContain('is not a time zone this server knows');
      expect(html).not.toContain('<script>');
      expect(textOf(html, 'period')).toContain('in UTC');
    }
    const repeated = await lead.get('/web/reports?tz=UTC&tz=Europe%2FParis');
    expect(repeated.status).toBe(200);
    expect(textOf(await repeated.text(), 'zone-notice')).toContain('is not a time zone');
  });

  it('a damaged or unknown zone cookie falls back to UTC', async () => {
    const lead = await signedIn(lee);
    const session = lead.cookie;
    for (const cookie of ['helpdesk_tz=%E0%A4%A', 'helpdesk_tz=Nowhere%2FLand']) {
      lead.cookie = `${session}; ${cookie}`;
      const response = await lead.get('/web/reports');
      expect(response.status).toBe(200);
      expect(textOf(await response.text(), 'zone-why')).toContain('Times are in UTC');
    }
  });

  it('weeks other than those offered are a 400 that says which', async () => {
    const lead = await signedIn(lee);
    for (const weeks of ['5', '0', '-4', '1e3', 'abc', '8&weeks=4']) {
      const response = await lead.get(`/web/reports?weeks=${weeks}`);
      expect(response.status, weeks).toBe(400);
      expect(await response.text()).toContain('weeks: choose 4, 8, 12, 26');
    }
  });
});

describe('when there is nothing, or the rows cannot be read', () => {
  it('an empty period and queue: every part says so, nothing broken', async () => {
    const tmp = tempDir();
    const { app: empty } = await startTestApp(tmp.dir);
    const replica = await serveWeb(empty, { clock, pinRouterClock: true });
    try {
      const client = new Client(replica.url);
      await client.signIn((await replica.access.linkFor('slack', lee)).url);
      const response = await client.get('/web/reports?weeks=26');
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).not.toMatch(/NaN|Infinity|undefined|null/);
      expect(sectionText(page, 'breaching')).toContain('Nothing is past due or about to be.');
      expect(sectionText(page, 'engineers')).toContain('Nothing in this period.');
      expect(textOf(page, 'trend-tickets')).toMatch(/Tickets opened 0 no change 0 in the 26 weeks before/);
      expect(textOf(page, 'trend-deflection')).toMatch(/Deflection rate n\/a n\/a in the 26 weeks before/);
      expect(sectionText(page, 'backlog')).toMatch(/^ Open backlog by age 0 open/);
    } finally {
      await replica.close();
      await empty.close();
      tmp.cleanup();
    }
  }, 60_000);

  it('a source that fails: a 500 page that says the log has it, not a stack trace; the next request works', async () => {
    let fail = true;
    const source = new PrismaMetricsSource(app.store.prisma);
    const flaky: MetricsSource = {
      load: (query, onProgress) =>
        fail ? Promise.reject(new Error('database on fire at /var/lib/secret')) : source.load(query, onProgress),
      handling: (query) => source.handling(query),
    };
    const server = express();
    server.use(
      createWebRouter({
        access: web.access,
        tickets: app.tickets,
        categories: () => [],
        engineers: () => [],
        https: false,
        logger: silentLogger,
        reports: { source: flaky, windowDays: 7 },
        now: clock.now,
      }),
    );
    const listening: Server = await new Promise((resolve) => {
      const s = server.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const client = new Client(`http://127.0.0.1:${(listening.address() as AddressInfo).port}`);
      const lead = await signedIn(lee);
      client.cookie = lead.cookie;
      const failed = await client.get('/web/reports');
      expect(failed.status).toBe(500);
      const body = await failed.text();
      expect(body).toContain('The page could not be shown; the log says why.');
      expect(body).not.toContain('on fire');
      fail = false;
      expect((await client.get('/web/reports')).status).toBe(200);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
