import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Actor, Ticket } from '../../src/core/tickets/ticket.js';
import { WebAccess } from '../../src/core/web/web-access.js';
import { PrismaMetricsSource } from '../../src/store/prisma/prisma-metrics-source.js';
import { webViewRouter } from '../../src/web/web-view.js';

export const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** A clock the test moves. */
export class TestClock {
  constructor(public at = new Date()) {}
  now = () => new Date(this.at);
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** One replica of the web view on a loopback port, on the app's database. */
export interface WebReplica {
  url: string;
  access: WebAccess;
  close(): Promise<void>;
}

export async function serveWeb(
  app: App,
  options: {
    clock: TestClock;
    secret?: string;
    env?: Record<string, string>;
    pinRouterClock?: boolean;
    /** The lead roster by chat (default: ULEAD0001 on Slack). */
    leads?: Record<string, string[]>;
  },
): Promise<WebReplica> {
  const config = { ...app.config, ...loadConfigOverrides(options.env ?? {}) };
  let base = '';
  const access = new WebAccess({
    store: app.store.webSignIns,
    secret: options.secret ?? SECRET,
    baseUrl: () => base,
    now: options.clock.now,
    leads: options.leads ?? { slack: ['ULEAD0001'] },
  });
  const web = express();
  web.use(
    webViewRouter(
      config,
      access,
      {
        tickets: app.tickets,
        conversations: app.conversations,
        routedCategories: () => [],
        metrics: new PrismaMetricsSource(app.store.prisma),
      },
      silentLogger,
      // Pinned, the pages' own "now" (SLA states, report weeks) is the test's clock too.
      options.pinRouterClock ? options.clock.now : undefined,
    ),
  );
  const server: Server = await new Promise((resolve) => {
    const s = web.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    access,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The config fields a test changes (PUBLIC_URL, rosters), read through the real loader. */
function loadConfigOverrides(env: Record<string, string>) {
  if (Object.keys(env).length === 0) return {};
  const config = loadConfig({ KB_DIR: '.', ...env });
  return { publicUrl: config.publicUrl, slack: config.slack, web: config.web };
}

export const ann: Actor = { id: 'UANN00001', name: 'Ann', role: 'employee' };
export const bob: Actor = { id: 'UBOB00001', name: 'Bob', role: 'employee' };
export const eve: Actor = { id: 'UENG00001', name: 'Eve Engineer', role: 'engineer' };
export const lee: Actor = { id: 'ULEAD0001', name: 'Lee Lead', role: 'employee' };

export const HOSTILE_SUBJECT = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & VPN';

/** Tickets to look at: Ann's two (one hostile, one with a formula), Bob's one. */
export async function seedTickets(app: App): Promise<{ hostile: Ticket; formula: Ticket; bobs: Ticket }> {
  const open = (requester: Actor, subject: string, description: string, extra: Record<string, unknown> = {}) =>
    app.tickets.open({
      requester,
      channel: 'slack',
      conversationKey: null,
      subject,
      description,
      question: subject,
      transcript: [{ author: 'user', text: `${subject} </p><b>bold</b>`, at: '2026-12-04T09:00:00.000Z' }],
      ...extra,
    });
  const hostile = await open(ann, HOSTILE_SUBJECT, 'The VPN drops every hour <iframe src=//evil>', {
    priority: 'P2',
    category: 'network',
    collected: { script: 'vpn', answers: { step1: '<b>yes</b>' }, checks: [{ name: 'dns', ok: false }] },
  });
  const formula = await open(ann, '=HYPERLINK("http://evil","click")', '+cmd|calc', {
    priority: 'P3',
    category: 'general',
  });
  const bobs = await open(bob, 'Printer jammed on floor 3', 'Paper stuck', { priority: 'P4', category: 'printing' });
  return { hostile, formula, bobs };
}

/** A browser-like client: keeps the session cookie, does not follow redirects. */
export class Client {
  cookie: string | undefined;
  constructor(private readonly base: string) {}

  async signIn(link: string): Promise<Response> {
    const response = await fetch(link, { redirect: 'manual' });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return response;
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.base}${path}`, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} });
  }

  post(path: string, form: Record<string, string>): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The CSRF token the page's forms carry. */
  async csrf(path = '/web'): Promise<string> {
    const html = await (await this.get(path)).text();
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  }
}
