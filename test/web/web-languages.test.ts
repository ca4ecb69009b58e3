/**
 * The web view in the reader's language over real HTTP on the project's database (SQLite, and
 * PostgreSQL when TEST_POSTGRES_URL is set): ?lang= (remembered in a cookie), the cookie, the
 * language of the chat the sign-in link was asked from, Accept-Language with its q-values, the
 * deployment's default, in that order; German pages for the queue, a ticket, the reports and the
 * refusals, with no English left in them; unknown and hostile languages fall back without error.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Actor, Ticket } from '../../src/core/tickets/ticket.js';
import { WebAccess, webSignInReply } from '../../src/core/web/web-access.js';
import { LANG_COOKIE, languageHref, preferredLanguage } from '../../src/web/reader-language.js';
import { ReaderDates } from '../../src/web/reader-zone.js';
import { createWebRouter } from '../../src/web/web-router.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { SECRET, serveWeb, TestClock, type WebReplica } from './web-harness.js';

// People whose names are not English words (the leak check reads every word on a page).
const erika: Actor = { id: 'UENG00001', name: 'Erika', role: 'engineer' };
const lena: Actor = { id: 'ULEAD0001', name: 'Lena', role: 'employee' };
const anna: Actor = { id: 'UANN00001', name: 'Anna', role: 'employee' };

let app: App;
let cleanup: () => void;
let web: WebReplica;
let ticket: Ticket;

beforeAll(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir, { TICKET_KEY_PREFIX: 'SPR' }));
  web = await serveWeb(app, { clock: new TestClock() });
  ticket = await app.tickets.open({
    requester: anna,
    channel: 'slack',
    conversationKey: null,
    subject: 'Drucker im dritten Stock druckt nichts',
    description: 'Seit heute Morgen kommt kein Blatt heraus.',
    question: 'Drucker druckt nichts',
    priority: 'P2',
    category: 'printing',
    transcript: [
      { author: 'user', text: 'Drucker druckt nichts', at: '2026-12-04T09:00:00.000Z' },
      { author: 'bot', text: 'Haben Sie ihn neu gestartet?', at: '2026-12-04T09:00:05.000Z' },
    ],
    collected: {
      source: 'form',
      answers: { Betriebssystem: 'Windows', Neustart: true, Versuche: 3 },
      checks: {
        ping: { ok: false, detail: 'Zeitüberschreitung', ms: 3000, step: 'ping', target: 'drucker.example.org' },
        dns: { ok: true, detail: 'aufgelöst', ms: 12 },
      },
      triage: { predicted: { category: 'printing', priority: 'P2', tier: null }, confidence: { category: 0.8 } },
      leer: '',
      nichts: null,
      lang: 'x'.repeat(450),
    },
  });
  await app.tickets.claim(ticket.key, erika);
  await app.tickets.comment(ticket.key, erika, 'Ich schaue es mir an.');
  await app.tickets.open({
    requester: anna,
    channel: 'slack',
    conversationKey: null,
    subject: 'Bildschirm flackert',
    description: 'Seit Montag',
  });
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  cleanup?.();
});

/** A browser: the session cookie, other cookies, and the headers it sends. */
class Browser {
  cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private keep(response: Response): void {
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }

  async signIn(url: string): Promise<void> {
    const response = await fetch(url, { redirect: 'manual', headers: this.headers });
    expect(response.status).toBe(303);
    this.keep(response);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      redirect: 'manual',
      headers: { ...this.headers, ...this.cookieHeader(), ...headers },
    });
    this.keep(response);
    return response;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.headers, ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.keep(response);
    return response;
  }
}

const signedIn = async (
  actor: Actor,
  options: { language?: string; headers?: Record<string, string>; replica?: WebReplica } = {},
): Promise<Browser> => {
  const replica = options.replica ?? web;
  const browser = new Browser(replica.url, options.headers);
  // What a chat's web command does (webSignInReply, with the conversation's language): a real link.
  const reply = await webSignInReply(replica.access, 'slack', actor, {
    ...(options.language ? { language: options.language } : {}),
  });
  await browser.signIn(reply.url!);
  return browser;
};

const langOf = (html: string) => /<html lang="([^"]*)">/.exec(html)?.[1];

/**
 * English words that would betray a text of the page chrome not taken from the catalogue. Each
 * is looked for as a whole word, case-sensitive, in the visible text and in the attributes people
 * read (placeholder, aria-label, title, data-label). Words German shares with English (Status,
 * Ticket, Tickets, SLA, Link, Bot, Name) cannot tell and are not in it; neither are the ids pages
 * show as they are (categories such as printing, channels such as slack).
 */
const ENGLISH = [
  'the',
  'and',
  'your',
  'you',
  'is',
  'are',
  'was',
  'of',
  'by',
  'with',
  'for',
  'from',
  'this',
  'that',
  'not',
  'Queue',
  'Subject',
  'Priority',
  'Tier',
  'Category',
  'Channel',
  'Assignee',
  'Requester',
  'Opened',
  'Updated',
  'Description',
  'Search',
  'Sign',
  'out',
  'Reports',
  'Times',
  'Language',
  'Time',
  'zone',
  'any',
  'open',
  'breached',
  'soon',
  'Next',
  'First',
  'page',
  'Export',
  'filter',
  'No',
  'Your',
  'Fields',
  'What',
  'collected',
  'Transcript',
  'Conversation',
  'History',
  'When',
  'Who',
  'From',
  'Claim',
  'Assign',
  'Escalate',
  'Resolve',
  'Change',
  'Actions',
  'reason',
  'how',
  'fixed',
  'State',
  'response',
  'Resolution',
  'due',
  'done',
  'met',
  'late',
  'ago',
  'min',
  'none',
  'yes',
  'no',
  'passed',
  'failed',
  'step',
  'empty',
  'show',
  'all',
  'characters',
  'as',
  'Weeks',
  'Show',
  'Breaching',
  'now',
  'past',
  'opened',
  'Deflection',
  'rate',
  'within',
  'Satisfaction',
  'change',
  'weeks',
  'before',
  'each',
  'week',
  'same',
  'period',
  'numbers',
  'Nothing',
  'Now',
  'backlog',
  'age',
  'Who',
  'where',
  'Per',
  'engineer',
  'lead',
  'employee',
  'Trends',
  'Week',
  'This',
  'Period',
  'figures',
  'mean',
  'Refused',
  'Not',
  'for',
  'session',
  'Ask',
  'chat',
  'Source',
  'Answers',
  'Checks',
  'Predicted',
  'Confidence',
  'Value',
  'user',
  'agent',
  'internal',
  'note',
  'nobody',
  'Rating',
  'Vendor',
  'Key',
  'Use',
  'Reports',
];

/** The English words found in a page's visible text and the attributes people read. */
function englishIn(html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:placeholder|aria-label|title|data-label)="([^"]*)"/g)].map((m) => m[1]!);
  const text = html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    // The zone list is the IANA names (America/Port of Spain has "of"), not the page's words.
    .replace(/<select name="tz"[\s\S]*?<\/select>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  const words = new Set(
    `${text} ${attributes.join(' ')}`
      .replace(/&[a-z#0-9]+;/gi, ' ')
      .split(/[^\p{L}]+/u)
      .filter(Boolean),
  );
  return ENGLISH.filter((word) => words.has(word));
}

describe('the reader’s language, chosen per request', () => {
  it('?lang=de shows the queue in German, sets <html lang>, and a cookie remembers it', async () => {
    const browser = await signedIn(erika);
    const english = await (await browser.get('/web')).text();
    expect(langOf(english)).toBe('en');
    expect(english).toContain('<h1>Queue</h1>');
    const chosen = await browser.get('/web?lang=de');
    expect(chosen.status).toBe(200);
    expect(chosen.headers.getSetCookie().find((c) => c.startsWith(`${LANG_COOKIE}=`))).toMatch(
      /^helpdesk_lang=de; Max-Age=31536000; Path=\/web; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    const german = await chosen.text();
    expect(langOf(german)).toBe('de');
    expect(german).toContain('<h1>Warteschlange</h1>');
    // The cookie keeps it on the next page, without ?lang=.
    const later = await (await browser.get(`/web/tickets/${ticket.key}`)).text();
    expect(langOf(later)).toBe('de');
    expect(later).toContain('Was der Bot erfasst hat');
  });

  it('the language of the chat the link was asked from: German without choosing anything', async () => {
    const browser = await signedIn(erika, { language: 'de' });
    const html = await (await browser.get('/web')).text();
    expect(langOf(html)).toBe('de');
    expect(html).toContain('Warteschlange');
  });

  it('a chat language that is the deployment’s (all a chat knows of someone who never spoke to the bot) gives way to the browser’s', async () => {
    const german = await signedIn(erika, { language: 'en', headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(langOf(await (await german.get('/web')).text())).toBe('de');
    // With no browser preference the chat's is still the page's.
    expect(langOf(await (await (await signedIn(erika, { language: 'en' })).get('/web')).text())).toBe('en');
    // A chat language other than the deployment's was spoken there: it wins over the browser.
    const spoken = await signedIn(erika, { language: 'fr', headers: { 'accept-language': 'de' } });
    expect(langOf(await (await spoken.get('/web')).text())).toBe('fr');
  });

  it('a chat language the pages are not written in is not kept: the browser’s decides', async () => {
    const browser = await signedIn(erika, { language: 'ja', headers: { 'accept-language': 'es-ES,es;q=0.9' } });
    expect(langOf(await (await browser.get('/web')).text())).toBe('es');
  });

  it('Accept-Language decides when nothing else does, by its q-values', async () => {
    const cases: Array<[string, string]> = [
      ['de-DE,de;q=0.9,en;q=0.8', 'de'],
      ['en;q=0.5, de', 'de'],
      ['ja, fr-CH;q=0.4, es;q=0.3', 'fr'],
      ['de;q=0, fr;q=0.1', 'fr'],
      ['*', 'en'],
      ['pt-BR, ja', 'en'],
    ];
    for (const [header, expected] of cases) {
      const browser = await signedIn(erika, { headers: { 'accept-language': header } });
      expect(langOf(await (await browser.get('/web')).text()), header).toBe(expected);
    }
  });

  it('in order: ?lang= over the cookie over the chat’s language over Accept-Language', async () => {
    const browser = await signedIn(erika, { language: 'fr', headers: { 'accept-language': 'es' } });
    expect(langOf(await (await browser.get('/web')).text())).toBe('fr');
    browser.cookies.set(LANG_COOKIE, 'de');
    expect(langOf(await (await browser.get('/web')).text())).toBe('de');
    expect(langOf(await (await browser.get('/web?lang=es')).text())).toBe('es');
    expect(browser.cookies.get(LANG_COOKIE)).toBe('es');
  });

  it('the language links go to the same page in each language, and say which is read now', async () => {
    const browser = await signedIn(erika);
    const html = await (await browser.get('/web?priority=P2&lang=de')).text();
    const links = /<nav class="langs" id="lang-links" aria-label="Sprache">([\s\S]*?)<\/nav>/.exec(html)?.[1];
    expect(links).toContain('<b lang="de" aria-current="true">Deutsch</b>');
    expect(links).toContain('<a lang="en" hreflang="en" href="/web?priority=P2&amp;lang=en">English</a>');
    expect(links).toContain('href="/web?priority=P2&amp;lang=fr">Français</a>');
    expect(links).toContain('href="/web?priority=P2&amp;lang=es">Español</a>');
    // The time zone page's own links stay on it.
    const zone = await (await browser.get('/web/time-zone?back=%2Fweb%3Fpriority%3DP2')).text();
    expect(zone).toContain('href="/web/time-zone?back=%2Fweb%3Fpriority%3DP2&amp;lang=en"');
    expect(zone).toContain('<h1>Zeitzone</h1>');
  });

  it('the deployment’s DEFAULT_LANGUAGE when nothing says the reader’s', async () => {
    const access = new WebAccess({ store: app.store.webSignIns, secret: SECRET, baseUrl: () => base });
    const site = express();
    site.use(
      createWebRouter({
        access,
        tickets: app.tickets,
        categories: () => [],
        engineers: () => [],
        https: false,
        logger: silentLogger,
        defaultLanguage: 'fr',
      }),
    );
    const server: Server = await new Promise((resolve) => {
      const s = site.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const browser = new Browser(base);
      await browser.signIn((await access.linkFor('slack', erika)).url);
      const html = await (await browser.get('/web')).text();
      expect(langOf(html)).toBe('fr');
      expect(html).toContain('<h1>File d’attente</h1>');
      // A browser that asks for another language still gets it.
      expect(langOf(await (await browser.get('/web', { 'accept-language': 'de' })).text())).toBe('de');
    } finally {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
    }
  });
});

describe('German pages, all of them', () => {
  const german = async (actor: Actor) => signedIn(actor, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });

  it('the queue: German words, German dates and numbers, statuses in German, no English left', async () => {
    const browser = await german(erika);
    const html = await (await browser.get('/web')).text();
    expect(langOf(html)).toBe('de');
    for (const text of ['Warteschlange', 'Betreff', 'Priorität', 'Bearbeiter', 'Eröffnet', 'Abmelden', 'Filtern'])
      expect(html).toContain(text);
    expect(html).toContain('>übernommen</td>');
    expect(html).toMatch(/id="count">2 Tickets</);
    // Dates as German readers write them, in the reader's zone (UTC here).
    const times = [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
    expect(times.length).toBeGreaterThan(0);
    const dates = new ReaderDates('UTC', 'de-DE');
    for (const [, iso, text] of times) expect(text).toBe(dates.dateTime(iso!));
    expect(times[0]![2]).toMatch(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d UTC$/);
    expect(englishIn(html)).toEqual([]);
  });

  it('a ticket: fields, SLA clocks, what was collected, the history and the actions in German', async () => {
    const browser = await german(erika);
    const html = await (await browser.get(`/web/tickets/${ticket.key}`)).text();
    for (const text of [
      'Angaben',
      'Erste Antwort',
      'Was der Bot erfasst hat',
      'Prüfungen',
      'fehlgeschlagen',
      'bestanden',
      '3.000 ms',
      'alle 450 Zeichen anzeigen',
      'Chatverlauf vor dem Ticket',
      'Austausch mit der anfragenden Person',
      'Verlauf',
      'Aktionen',
      'Eskalieren',
      'Priorität ändern',
    ])
      expect(html, text).toContain(text);
    // Triage's reasons ("reads like the article ...") are written when the ticket opens, in the
    // engineers' language (DEFAULT_LANGUAGE, English here): the ticket's words, not the page's.
    expect(html).toContain('<dt>Begründung</dt>');
    expect(englishIn(html.replace(/<dt>Begründung<\/dt><dd>[\s\S]*?<\/dd>/, ''))).toEqual([]);
    // The notice after an action, too.
    const done = await (await browser.get(`/web/tickets/${ticket.key}?done=claim`)).text();
    expect(done).toContain('Sie haben dieses Ticket übernommen.');
  });

  it("the service's refusal of an action, in the page's language", async () => {
    // Another engineer claims what Erika has claimed: the service refuses (a CoreError).
    const browser = await german({ id: 'UENG00002', name: 'Jonas', role: 'engineer' });
    const page = `/web/tickets/${ticket.key}`;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await browser.get(page)).text())![1]!;
    const refused = await browser.post(`${page}/actions`, { csrf, action: 'claim' });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain(`${ticket.key} wurde bereits von Erika übernommen.`);
    expect(html).not.toContain('already claimed');
  });

  it('an employee’s own tickets', async () => {
    const html = await (await (await german(anna)).get('/web')).text();
    expect(html).toContain('<h1>Ihre Tickets</h1>');
    expect(englishIn(html)).toEqual([]);
  });

  it('the reports for a lead', async () => {
    const browser = await german(lena);
    const html = await (await browser.get('/web/reports')).text();
    expect(langOf(html)).toBe('de');
    for (const text of [
      '<h1>Berichte</h1>',
      'Aktuelle SLA-Verletzungen',
      'Verlauf, Woche für Woche',
      'Eröffnete Tickets',
    ])
      expect(html).toContain(text);
    expect(html).toContain('Zahlen anzeigen');
    expect(englishIn(html)).toEqual([]);
  });

  it('the time zone page', async () => {
    const html = await (await (await german(erika)).get('/web/time-zone')).text();
    expect(html).toContain('Diese Zeitzone verwenden');
    expect(englishIn(html)).toEqual([]);
  });

  it('refusals: 401, 403 (reports, CSRF), 404, a refused link, and the sign-out page', async () => {
    const headers = { 'accept-language': 'de' };
    const noSession = await fetch(`${web.url}/web`, { headers });
    expect(noSession.status).toBe(401);
    const signIn = await noSession.text();
    expect(signIn).toContain('Bitte über den Chat anmelden');
    expect(englishIn(signIn)).toEqual([]);

    const employee = await german(anna);
    const reports = await employee.get('/web/reports');
    expect(reports.status).toBe(403);
    const refused = await reports.text();
    expect(refused).toContain('Berichte sind Teamleitungen vorbehalten');
    expect(englishIn(refused.replace(/\(SLACK_LEADS, TEAMS_LEADS\)/, ''))).toEqual([]);

    const missing = await employee.get('/web/tickets/SPR-999');
    expect(missing.status).toBe(404);
    const notFound = await missing.text();
    expect(notFound).toContain('Ticket nicht gefunden');
    expect(englishIn(notFound)).toEqual([]);

    const forged = await employee.post('/web/sign-out', { csrf: 'not-the-token' });
    expect(forged.status).toBe(403);
    const csrf = await forged.text();
    expect(csrf).toContain('Dieses Formular ist veraltet');
    expect(englishIn(csrf)).toEqual([]);

    const badLink = await fetch(`${web.url}/web/sign-in?t=nonsense`, { headers });
    expect(badLink.status).toBe(400);
    expect(await badLink.text()).toContain('Dieser Anmeldelink ist unvollständig.');

    const token = /name="csrf" value="([^"]+)"/.exec(await (await employee.get('/web')).text())![1]!;
    const out = await (await employee.post('/web/sign-out', { csrf: token })).text();
    expect(out).toContain('Sie sind abgemeldet.');
    expect(englishIn(out)).toEqual([]);
  });

  it('the leak check can fail: the same pages in English trip it', async () => {
    const browser = await signedIn(erika, { headers: { 'accept-language': 'en' } });
    for (const path of ['/web', `/web/tickets/${ticket.key}`, '/web/time-zone']) {
      const found = englishIn(await (await browser.get(path)).text());
      expect(found.length, path).toBeGreaterThan(10);
    }
    const lead = await signedIn(lena, { headers: { 'accept-language': 'en' } });
    expect(englishIn(await (await lead.get('/web/reports')).text()).length).toBeGreaterThan(30);
    expect(englishIn(await (await fetch(`${web.url}/web`)).text()).length).toBeGreaterThan(5);
  });
});

describe('unknown and hostile languages fall back without error', () => {
  it('an unknown ?lang= keeps the language before, says so, and stores nothing', async () => {
    const browser = await signedIn(erika, { language: 'de' });
    for (const asked of ['xx', 'EN', 'de-DE', '<script>alert(1)</script>', '../../etc/passwd', 'x'.repeat(5000)]) {
      const response = await browser.get(`/web?lang=${encodeURIComponent(asked)}`);
      expect(response.status, asked).toBe(200);
      expect(
        response.headers.getSetCookie().some((c) => c.startsWith(LANG_COOKIE)),
        asked,
      ).toBe(false);
      const html = await response.text();
      expect(langOf(html), asked).toBe('de');
      expect(html, asked).toContain('id="lang-notice"');
      expect(html).not.toContain('<script>alert');
    }
    // Given twice (an array to Express): not a language either.
    const twice = await browser.get('/web?lang=fr&lang=es');
    expect(twice.status).toBe(200);
    expect(langOf(await twice.text())).toBe('de');
  });

  it('a forged cookie is ignored', async () => {
    const browser = await signedIn(erika, { headers: { 'accept-language': 'fr' } });
    for (const value of ['xx', '%E0%A4%A', '<b>', 'de%00']) {
      browser.cookies.set(LANG_COOKIE, value);
      const response = await browser.get('/web');
      expect(response.status).toBe(200);
      expect(langOf(await response.text()), value).toBe('fr');
    }
  });

  it('huge, garbage and injected Accept-Language headers: the default, quickly', async () => {
    const browser = await signedIn(erika);
    const headers = [
      'x'.repeat(12_000),
      `${'de-'.repeat(3000)}de`,
      `${'a,'.repeat(5000)}de`,
      ';;;,,,==;q=;',
      'de;q=2',
      'de;q=abc',
      'de;q=0.5;level=1',
      "de' OR 1=1 --",
      '<script>alert(1)</script>',
      `${'en;q=0.1,'.repeat(40)}de`,
      '\u00e9',
    ];
    for (const header of headers) {
      const started = performance.now();
      const response = await browser.get('/web', { 'accept-language': header });
      expect(response.status, header.slice(0, 40)).toBe(200);
      const html = await response.text();
      expect(langOf(html), header.slice(0, 40)).toBe('en');
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});

describe('preferredLanguage (Accept-Language)', () => {
  const offered = ['en', 'de', 'fr', 'es'];
  it('weighs by q, then order; takes the primary subtag; ignores case and whitespace', () => {
    expect(preferredLanguage('de', offered)).toBe('de');
    expect(preferredLanguage('DE-at', offered)).toBe('de');
    expect(preferredLanguage('fr;q=0.8, es;q=0.9', offered)).toBe('es');
    expect(preferredLanguage('fr, es', offered)).toBe('fr');
    expect(preferredLanguage('  es ; q = 0.7 ,\tde;q=0.700', offered)).toBe('es');
    expect(preferredLanguage('ja, ko;q=0.9, de;q=0.001', offered)).toBe('de');
    expect(preferredLanguage('zh-Hant-TW, fr-CA;q=0.5', offered)).toBe('fr');
  });
  it('q=0 refuses a language; "*", nothing offered, malformed entries: none', () => {
    expect(preferredLanguage('de;q=0, de-CH', offered)).toBeUndefined();
    expect(preferredLanguage('de-CH;q=0, de;q=0.5', offered)).toBe('de');
    expect(preferredLanguage('*', offered)).toBeUndefined();
    expect(preferredLanguage('', offered)).toBeUndefined();
    expect(preferredLanguage(undefined, offered)).toBeUndefined();
    expect(preferredLanguage('de;q=1.5', offered)).toBeUndefined();
    expect(preferredLanguage('de;q=0.1234', offered)).toBeUndefined();
    expect(preferredLanguage('de;q=0.5;x=1, fr;q=0.1', offered)).toBe('fr');
    expect(preferredLanguage('deutsch-sprache', offered)).toBeUndefined();
  });
  it('reads only the first entries of a long header, in linear time', () => {
    expect(preferredLanguage(`${'ja,'.repeat(40)}de`, offered)).toBeUndefined();
    const started = performance.now();
    for (const header of [`${'a-'.repeat(50_000)}`, `de${' '.repeat(100_000)};q=1`, `${'de;q=0.5,'.repeat(20_000)}`])
      preferredLanguage(header, offered);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('languageHref', () => {
  it('keeps a page of the web view and its query, replaces lang, and sends anything else to /web', () => {
    expect(languageHref('/web/reports?weeks=4&lang=fr', 'de')).toBe('/web/reports?weeks=4&lang=de');
    expect(languageHref('/web/tickets/SPR-1?done=claim', 'es')).toBe('/web/tickets/SPR-1?lang=es');
    for (const hostile of [
      '//evil.example/web',
      'https://evil.example/web',
      '/web/sign-in?t=x',
      '/elsewhere',
      'javascript:alert(1)',
    ])
      expect(languageHref(hostile, 'de'), hostile).toBe('/web?lang=de');
  });
});
