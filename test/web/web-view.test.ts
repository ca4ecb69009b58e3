/**
 * The web view over real HTTP on the project's database: sign-in links (signed, 10 minutes, single
 * use, also across two replicas), the session cookie, CSRF on every action, who sees which ticket,
 * escaping of hostile ticket text, the queue's filters, the actions through TicketActionHandler, and exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import {
  ann,
  bob,
  Client,
  eve,
  HOSTILE_SUBJECT,
  lee,
  seedTickets,
  serveWeb,
  TestClock,
  type WebReplica,
} from './web-harness.js';

let app: App;
let cleanup: () => void;
let clock: TestClock;
let one: WebReplica;
let two: WebReplica;
let seeded: Awaited<ReturnType<typeof seedTickets>>;

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'WEB' }));
  clock = new TestClock();
  one = await serveWeb(app, { clock });
  two = await serveWeb(app, { clock });
  seeded = await seedTickets(app);
}, 60_000);

afterAll(async () => {
  await one?.close();
  await two?.close();
  await app?.close();
  cleanup?.();
});

const signedIn = async (actor = eve, replica = one) => {
  const client = new Client(replica.url);
  const response = await client.signIn((await replica.access.linkFor('slack', actor)).url);
  expect(response.status).toBe(303);
  return client;
};
const fresh = (key: string): Promise<Ticket> => app.tickets.get(key);

describe('sign-in links', () => {
  it('opens a session from a link: 303 to /web, the cookie HttpOnly, SameSite=Lax, Path=/, expiring, not Secure on plain http', async () => {
    const { url, expiresAt } = await one.access.linkFor('slack', eve);
    expect(url).toMatch(new RegExp(`^${one.url}/web/sign-in\\?t=[\\w-]{32}\\.[0-9a-z]+\\.[\\w-]{43}$`));
    expect(expiresAt.getTime() - clock.now().getTime()).toBe(10 * 60_000);
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/web');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^helpdesk_session=[\w-]{43}\.[\w-]{43}; Max-Age=28800; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    expect(cookie).not.toMatch(/Secure/);
  });

  it('sets a Secure __Host- cookie when PUBLIC_URL is https', async () => {
    const secure = await serveWeb(app, { clock, env: { PUBLIC_URL: 'https://helpdesk.example.org' } });
    try {
      const response = await fetch((await secure.access.linkFor('slack', eve)).url, { redirect: 'manual' });
      expect(response.headers.get('set-cookie')).toMatch(
        /^__Host-helpdesk_session=[^;]+; Max-Age=28800; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
      );
      // The reader's choices are remembered the same way: Secure too, HttpOnly, SameSite=Lax.
      const session = response.headers.get('set-cookie')!.split(';')[0]!;
      const chosen = await fetch(`${secure.url}/web?lang=de&tz=Europe/Berlin`, { headers: { cookie: session } });
      expect(chosen.status).toBe(200);
      const set = chosen.headers.getSetCookie();
      expect(set).toHaveLength(2);
      for (const name of ['helpdesk_lang=de', 'helpdesk_tz=Europe%2FBerlin'])
        expect(set.find((c) => c.startsWith(`${name};`))).toMatch(
          /^[^;]+; Max-Age=31536000; Path=\/web; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
        );
    } finally {
      await secure.close();
    }
  });

  it('refuses a link used before, on the same replica and on another one', async () => {
    const { url } = await one.access.linkFor('slack', eve);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('already used');
    const elsewhere = await fetch(url.replace(one.url, two.url), { redirect: 'manual' });
    expect(elsewhere.status).toBe(410);
  });

  it('lets only one of two replicas redeem a link pressed on both at once', async () => {
    const { url } = await one.access.linkFor('slack', eve);
    const statuses = await Promise.all(
      [one.url, two.url, one.url, two.url].map((base) =>
        fetch(url.replace(one.url, base), { redirect: 'manual' }).then((r) => r.status),
      ),
    );
    expect(statuses.sort()).toEqual([303, 410, 410, 410]);
  });

  it('refuses a link after its 10 minutes', async () => {
    const { url } = await one.access.linkFor('slack', eve);
    clock.advance(10 * 60_000);
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(410);
    expect(await response.text()).toContain('expired');
  });

  it('refuses forged links: another signature, a changed expiry, a key not ours, garbage', async () => {
    const { url } = await one.access.linkFor('slack', eve);
    const [secret, expires, signature] = new URL(url).searchParams.get('t')!.split('.') as [string, string, string];
    const other = await serveWeb(app, { clock, secret: 'another-secret-of-at-least-32-characters' });
    try {
      const forgedByOther = new URL((await other.access.linkFor('slack', eve)).url).searchParams.get('t')!;
      const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
      for (const token of [
        `${secret}.${expires}.${flipped}`,
        `${secret}.${(parseInt(expires, 36) + 3_600_000).toString(36)}.${signature}`,
        forgedByOther,
        '<script>',
        '',
      ]) {
        const response = await fetch(`${one.url}/web/sign-in?t=${encodeURIComponent(token)}`, { redirect: 'manual' });
        expect(response.status, token).toBe(400);
        expect(response.headers.get('set-cookie')).toBeNull();
      }
      // The real link still works: the forgeries did not use it up.
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    } finally {
      await other.close();
    }
  });
});

describe('sessions', () => {
  it('refuses a forged cookie, a cookie signed by another key, and no cookie', async () => {
    const client = await signedIn();
    expect((await client.get('/web')).status).toBe(200);
    const [value, signature] = client.cookie!.split('=')[1]!.split('.') as [string, string];
    for (const cookie of [
      `helpdesk_session=${value}.${signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`,
      `helpdesk_session=${'x'.repeat(43)}.${signature}`,
      'helpdesk_session=admin',
      '',
    ]) {
      const forged = new Client(one.url);
      forged.cookie = cookie || undefined;
      const response = await forged.get('/web');
      expect(response.status, cookie).toBe(401);
      expect(await response.text()).not.toContain(seeded.bobs.subject);
    }
  });

  it('ends a session after 8 hours and on sign-out', async () => {
    const client = await signedIn();
    clock.advance(8 * 60 * 60_000);
    expect((await client.get('/web')).status).toBe(401);
    const other = await signedIn();
    const csrf = await other.csrf();
    expect((await other.post('/web/sign-out', { csrf })).status).toBe(200);
    expect((await other.get('/web')).status).toBe(401);
  });
});

describe('who sees what', () => {
  it("shows a requester only their own tickets: another person's is a 404, the queue and exports are not theirs", async () => {
    const client = await signedIn(ann);
    const mine = await (await client.get('/web')).text();
    expect(mine).toContain(seeded.formula.key);
    expect(mine).not.toContain(seeded.bobs.key);
    expect((await client.get(`/web/tickets/${seeded.hostile.key}`)).status).toBe(200);
    const others = await client.get(`/web/tickets/${seeded.bobs.key}`);
    expect(others.status).toBe(404);
    expect(await others.text()).not.toContain('Printer');
    expect((await client.get('/web/export.csv')).status).toBe(403);
    expect((await client.get('/web/export.json')).status).toBe(403);
    // The same person id in another chat is someone else.
    const teamsAnn = new Client(one.url);
    await teamsAnn.signIn((await one.access.linkFor('teams', ann)).url);
    expect((await teamsAnn.get(`/web/tickets/${seeded.hostile.key}`)).status).toBe(404);
  });

  it("refuses a requester's claim on their own ticket (engineers only), with the token, and changes nothing", async () => {
    const client = await signedIn(ann);
    const path = `/web/tickets/${seeded.formula.key}`;
    const csrf = await client.csrf(path);
    const before = await fresh(seeded.formula.key);
    const response = await client.post(`${path}/actions`, { csrf, action: 'claim' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Only engineers can claim tickets');
    expect((await fresh(seeded.formula.key)).version).toBe(before.version);
  });

  it('lets a lead read the queue and tickets without action forms, and refuses their actions', async () => {
    const client = await signedIn(lee);
    const queue = await (await client.get('/web')).text();
    expect(queue).toContain('lead');
    expect(queue).toContain(seeded.bobs.key);
    const page = await (await client.get(`/web/tickets/${seeded.bobs.key}`)).text();
    expect(page).not.toContain('action-claim');
    const response = await client.post(`/web/tickets/${seeded.bobs.key}/actions`, {
      csrf: await client.csrf(),
      action: 'claim',
    });
    expect(response.status).toBe(403);
    expect((await fresh(seeded.bobs.key)).status).toBe('new');
  });
});

describe('pages', () => {
  it('escapes hostile ticket text everywhere and sends the strict CSP', async () => {
    const client = await signedIn();
    for (const path of ['/web', `/web/tickets/${seeded.hostile.key}`]) {
      const response = await client.get(path);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
      const html = await response.text();
      expect(html).not.toMatch(/<script|<img|<iframe|<\/p><b>|<b>yes/i);
      expect(html).toContain(
        '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &amp; VPN',
      );
    }
    expect(HOSTILE_SUBJECT).toContain('<script>');
  });

  it('filters the queue by each field and searches subject and description', async () => {
    const client = await signedIn();
    const keys = async (query: string) => {
      const html = await (await client.get(`/web?${query}`)).text();
      return [seeded.hostile, seeded.formula, seeded.bobs].filter((t) => html.includes(`>${t.key}<`)).map((t) => t.key);
    };
    expect(await keys('')).toEqual([seeded.hostile.key, seeded.formula.key, seeded.bobs.key]);
    expect(await keys('priority=P4')).toEqual([seeded.bobs.key]);
    expect(await keys('category=network')).toEqual([seeded.hostile.key]);
    expect(await keys('q=paper+stuck')).toEqual([seeded.bobs.key]);
    expect(await keys('q=drops+hour')).toEqual([seeded.hostile.key]);
    expect(await keys('channel=teams')).toEqual([]);
    const all = [seeded.hostile, seeded.formula, seeded.bobs];
    expect(await keys(`assignee=-&tier=${seeded.bobs.tier}`)).toEqual(
      all.filter((t) => t.tier === seeded.bobs.tier).map((t) => t.key),
    );
    expect(await keys(`assignee=-&tier=${seeded.bobs.tier === 'L1' ? 'L3' : 'L1'}`)).toEqual([]);
    expect(await keys('status=resolved')).toEqual([]);
    const bad = await client.get('/web?priority=<P9>');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('priority: one of P1, P2, P3, P4');
  });

  it("shows the ticket's story: fields, SLA, the bot's collected answers and checks, every event with its chat", async () => {
    const client = await signedIn();
    const html = await (await client.get(`/web/tickets/${seeded.hostile.key}`)).text();
    expect(html).toContain('id="sla"');
    expect(html).toContain(
      '<dt>Answers</dt><dd><dl class="nested"><dt>step1</dt><dd><span>&lt;b&gt;yes&lt;/b&gt;</span></dd></dl></dd>',
    );
    expect(html).toContain(
      '<dt>Checks</dt><dd><ol class="values"><li><dl class="nested"><dt>name</dt><dd><span>dns</span></dd><dt>ok</dt><dd>no</dd></dl></li></ol></dd>',
    );
    expect(html).toMatch(/<td>Ann<\/td><td>created · — → new<\/td><td>slack<\/td>/);
  });
});

describe("dates in the reader's time zone", () => {
  const visibleText = (html: string) => html.replace(/<[^>]*>/g, ' ');

  it('shows UTC, named, until the reader chooses; ?tz= on any page sets the zone of every page; never seconds or milliseconds', async () => {
    const client = await signedIn();
    const ticketPath = `/web/tickets/${seeded.hostile.key}`;
    const before = await (await client.get(ticketPath)).text();
    expect(before).toContain('>Times in UTC · set your zone</a>');
    // The transcript line was stored at 09:00 UTC.
    expect(before).toContain('<time datetime="2026-12-04T09:00:00.000Z">4 Dec 2026, 09:00 UTC</time>');
    expect(visibleText(before)).not.toMatch(/\d\d:\d\d:\d\d|\.\d{3}Z?\b|T\d\d:/);

    const chosen = await client.get('/web?priority=P2&tz=Europe%2FParis');
    expect(chosen.status).toBe(200);
    const set = chosen.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^helpdesk_tz=Europe%2FParis; Max-Age=31536000; Path=\/web; /);
    const queue = await chosen.text();
    expect(queue).toContain('>Times in Europe/Paris</a>');
    const opened = seeded.hostile.createdAt.toISOString();
    const paris = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(seeded.hostile.createdAt);
    expect(queue).toContain(`<time datetime="${opened}">${paris} CET</time>`);
    expect(visibleText(queue)).not.toMatch(/\d\d:\d\d:\d\d|\.\d{3}Z?\b|T\d\d:/);

    // Remembered: the ticket page, with only the cookie, is in Paris time too.
    client.cookie = `${client.cookie}; ${set.split(';')[0]}`;
    const after = await (await client.get(ticketPath)).text();
    expect(after).toContain('<time datetime="2026-12-04T09:00:00.000Z">4 Dec 2026, 10:00 CET</time>');
    expect(after).toContain(`<time datetime="${opened}">${paris} CET</time>`);
    expect(after).not.toContain('UTC</time>');
  });

  it('the time zone page sends the reader back where they were, filters kept, and nowhere else', async () => {
    const client = await signedIn();
    const queue = await (await client.get('/web?priority=P2&category=network')).text();
    const link = /id="zone-link" href="([^"]+)"/.exec(queue)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBe(`/web/time-zone?back=${encodeURIComponent('/web?priority=P2&category=network')}`);
    const form = await (await client.get(link!)).text();
    expect(form).toMatch(/<form class="filters" method="get" action="\/web" id="zone-form">/);
    expect(form).toContain('<input type="hidden" name="priority" value="P2">');
    expect(form).toContain('<input type="hidden" name="category" value="network">');
    expect(form).toContain('<option value="Europe/Paris">Europe/Paris</option>');
    for (const back of [
      '//evil.example/web',
      'https://evil.example/web',
      '/webevil',
      '/web/../admin',
      'javascript:alert(1)',
    ]) {
      const html = await (await client.get(`/web/time-zone?back=${encodeURIComponent(back)}`)).text();
      expect(html, back).toMatch(/action="\/web" id="zone-form">(<input type="hidden"[^>]*>)*<label>/);
      expect(html, back).not.toMatch(/evil\.example|webevil|admin|javascript/);
    }
    const ticket = await (
      await client.get(`/web/time-zone?back=${encodeURIComponent(`/web/tickets/${seeded.bobs.key}`)}`)
    ).text();
    expect(ticket).toContain(`action="/web/tickets/${seeded.bobs.key}" id="zone-form"`);
    expect((await new Client(one.url).get('/web/time-zone')).status).toBe(401);
  });
});

describe('actions', () => {
  it('claims a ticket through TicketActionHandler with the CSRF token: the event says web, and a repeat is refused', async () => {
    const client = await signedIn(eve);
    const path = `/web/tickets/${seeded.bobs.key}`;
    const csrf = await client.csrf(path);
    const response = await client.post(`${path}/actions`, { csrf, action: 'claim' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${path}?done=claim`);
    const ticket = await fresh(seeded.bobs.key);
    expect([ticket.status, ticket.assigneeId]).toEqual(['claimed', eve.id]);
    const events = await app.tickets.history(ticket);
    expect(events.at(-1)?.detail.origin).toMatch(/^web:[0-9a-f-]{36}$/);
    const page = await (await client.get(`${path}?done=claim`)).text();
    expect(page).toContain('You claimed this ticket.');
    expect(page).not.toContain('id="action-claim"');
    expect(page).toContain('id="action-resolve"');
    expect(page).toMatch(/Eve Engineer<\/td><td>status · new → claimed<\/td><td>web<\/td>/);
    const again = await client.post(`${path}/actions`, { csrf, action: 'claim' });
    expect(again.status).toBe(409);
  });

  it("refuses every action without the session's CSRF token, and changes nothing", async () => {
    const client = await signedIn(eve);
    const other = await signedIn(eve);
    const key = seeded.hostile.key;
    const before = await fresh(key);
    const forms: Array<Record<string, string>> = [
      { action: 'claim' },
      { action: 'claim', csrf: '' },
      { action: 'claim', csrf: 'x'.repeat(32) },
      { action: 'claim', csrf: await other.csrf() },
      { action: 'priority', priority: 'P1' },
    ];
    for (const form of forms) {
      const response = await client.post(`/web/tickets/${key}/actions`, form);
      expect(response.status, JSON.stringify(form)).toBe(403);
    }
    expect((await client.post('/web/sign-out', {})).status).toBe(403);
    expect((await fresh(key)).version).toBe(before.version);
  });

  it('changes priority and category and escalates, as in chat, and refuses a category nobody listed', async () => {
    const client = await signedIn(eve);
    const path = `/web/tickets/${seeded.formula.key}`;
    const csrf = await client.csrf(path);
    expect(
      (await client.post(`${path}/actions`, { csrf, action: 'priority', priority: 'P1', reason: 'CEO' })).status,
    ).toBe(303);
    expect((await fresh(seeded.formula.key)).priority).toBe('P1');
    const forged = await client.post(`${path}/actions`, { csrf, action: 'category', category: '<evil>' });
    expect(forged.status).toBe(409);
    expect(await forged.text()).toContain('Choose one of the listed categories.');
    expect(
      (await client.post(`${path}/actions`, { csrf, action: 'escalate', tier: 'L4', reason: 'needs the vendor' }))
        .status,
    ).toBe(303);
    expect((await fresh(seeded.formula.key)).tier).toBe('L4');
    expect((await client.post(`${path}/actions`, { csrf, action: 'delete' })).status).toBe(400);
    // Names every object has: refused as unknown, not handed to the action handler as a button.
    for (const action of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const response = await client.post(`${path}/actions`, { csrf, action });
      expect(response.status, action).toBe(400);
      expect(await response.text(), action).toContain('That action is not known.');
    }
  });
});

describe('exports', () => {
  it('exports the filter as CSV with formula cells made text, and as JSON with the same rows', async () => {
    const client = await signedIn(eve);
    const csv = await client.get('/web/export.csv?channel=slack');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe(
      'key,subject,status,priority,tier,category,channel,requesterId,requesterName,assigneeId,assigneeName,createdAt,updatedAt,firstResponseAt,resolvedAt,responseDueAt,resolveDueAt,sla,satisfaction',
    );
    const formulaLine = lines.find((l) => l.startsWith(`${seeded.formula.key},`))!;
    expect(formulaLine).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(lines.some((l) => /,[=+\-@]/.test(l.replace(/,-?\d/g, '')))).toBe(false);
    const json = (await (await client.get('/web/export.json?channel=slack')).json()) as Array<{
      key: string;
      subject: string;
    }>;
    expect(json.map((r) => r.key)).toEqual(lines.slice(1, -1).map((l) => l.split(',')[0]));
    expect(json.find((r) => r.key === seeded.formula.key)?.subject).toBe('=HYPERLINK("http://evil","click")');
  });
});

// Not a test: keeps the requester actors referenced for readers of the harness.
void bob;
