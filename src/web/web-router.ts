import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { isCoreError, refusalText } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { TicketActionHandler, type TicketActionInput } from '../core/tickets/ticket-action-handler.js';
import type { TicketService } from '../core/tickets/ticket-service.js';
import { openStatuses } from '../core/tickets/ticket-state-machine.js';
import { ticketActions } from '../core/tickets/triage-card.js';
import type { Actor } from '../core/tickets/ticket.js';
import type { TicketSearch } from '../core/tickets/ticket-repository.js';
import type { Ticket } from '../core/tickets/ticket.js';
import { parseTicketQuery, QUERY_FIELDS, queueSearch, type TicketQuery } from '../core/web/ticket-filter.js';
import {
  DEFAULT_LEAD_REPORT_WEEKS,
  LEAD_REPORT_WEEKS,
  countBacklog,
  findBreaching,
  leadReportLoadQuery,
  leadReportSteps,
} from '../core/analytics/lead-report.js';
import { runStepsPaced } from '../core/answering/time-slicing.js';
import type { MetricsSource } from '../core/analytics/metrics.js';
import {
  actorOf,
  canSeeQueue,
  canSeeReports,
  canSeeTicket,
  type StoredSession,
  type SignInRefusal,
  type WebAccess,
} from '../core/web/web-access.js';
import { DEFAULT_LANGUAGE, type LanguageCode } from '../core/language/languages.js';
import type { MessageKey } from '../core/messages/catalogue.js';
import { ticketsCsv, ticketsJson } from './ticket-export.js';
import { reportPage } from './report-page.js';
import { messagePage, minePage, queuePage, textsOf, ticketPage, timeZonePage, WEB_CSP } from './web-pages.js';
import { pageTexts, readerLanguage, type ReaderLanguage } from './reader-language.js';
import { backPath, readerZone, timeZoneChoices } from './reader-zone.js';

export interface WebRouterDeps {
  access: WebAccess;
  tickets: TicketService;
  /** The categories a ticket may be moved to (as in chat: the knowledge base's and the routed ones). */
  categories: () => readonly string[];
  /** The engineers a ticket from this chat may be assigned to (that chat's roster). */
  engineers: (channel: string) => Array<{ id: string; name: string }>;
  /** The lead reports' rows (the metrics source) and the deflection window; without it /web/reports says it is not served here. */
  reports?: { source: MetricsSource; windowDays: number };
  /** True when the web view is reached over HTTPS (PUBLIC_URL is https): the cookie is Secure even if a proxy hides it. */
  https: boolean;
  /** The deployment's language (DEFAULT_LANGUAGE): the pages' when nothing says the reader's. */
  defaultLanguage?: LanguageCode;
  logger: Logger;
  now?: () => Date;
}

/** Queue rows a page (keyset paging in the database: the next page starts after the last row shown). */
const PAGE_SIZE = 100;
/** The most rows an export writes; past it the response says so in X-Export-Truncated. */
const EXPORT_LIMIT = 20_000;

/** A page's start: the last row of the page before, as ?after=<ISO instant>~<key>. */
type Cursor = { createdAt: Date; key: string };

function cursorText(ticket: Ticket): string {
  return `${ticket.createdAt.toISOString()}~${ticket.key}`;
}

function parseCursor(raw: unknown): Cursor | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') return null;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)~([A-Za-z][A-Za-z0-9]{0,9}-\d{1,9})$/.exec(raw);
  const createdAt = match ? new Date(match[1]!) : null;
  return createdAt && !Number.isNaN(createdAt.getTime()) ? { createdAt, key: match![2]! } : null;
}

const refusals: Record<Exclude<SignInRefusal, 'expired'>, MessageKey> = {
  malformed: 'page.signIn.malformed',
  forged: 'page.signIn.forged',
  used: 'page.signIn.used',
};

/** The web actions and the card buttons they stand for: the same TicketActionHandler runs them. */
const webActions: Record<string, string> = {
  claim: ticketActions.claim,
  assign: ticketActions.assign,
  escalate: ticketActions.escalate,
  resolve: ticketActions.resolve,
  priority: ticketActions.priority,
  category: ticketActions.category,
};

/** What the ticket page says after an action went through. */
const doneText: Record<string, MessageKey> = {
  claim: 'page.done.claim',
  assign: 'page.done.assign',
  escalate: 'page.done.escalate',
  resolve: 'page.done.resolve',
  priority: 'page.done.priority',
  category: 'page.done.category',
};

/**
 * The web view: GET /web/sign-in?t= (a link from chat), /web (the queue, or your tickets),
 * /web/tickets/:key, POST /web/tickets/:key/actions, /web/export.csv|json, POST /web/sign-out.
 * Sessions and who sees what come from WebAccess; actions go through TicketActionHandler and TicketService.
 */
export function createWebRouter(deps: WebRouterDeps): Router {
  const { access, tickets } = deps;
  const now = deps.now ?? (() => new Date());
  const defaultLanguage = deps.defaultLanguage ?? DEFAULT_LANGUAGE;
  // One handler per page language: its refusals and questions ("Choose one of the listed
  // categories") are worded in the language of the page the engineer pressed on.
  const handlers = new Map<LanguageCode, TicketActionHandler>();
  const handlerFor = (language: LanguageCode): TicketActionHandler => {
    let handler = handlers.get(language);
    if (!handler) {
      handler = new TicketActionHandler(tickets, { find: async () => null }, undefined, deps.categories, language);
      handlers.set(language, handler);
    }
    return handler;
  };
  const actionHandler = handlerFor(defaultLanguage);
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 });

  const secure = (req: Request) => deps.https || req.secure;
  // __Host- binds the cookie to this host and path / (browsers only keep it when Secure).
  const cookieName = (req: Request) => (secure(req) ? '__Host-helpdesk_session' : 'helpdesk_session');

  router.use('/web', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    res.set('X-Frame-Options', 'DENY');
    res.set('Content-Security-Policy', WEB_CSP);
    next();
  });

  const page = (res: Response, status: number, html: string) => res.status(status).type('html').send(html);

  /**
   * The reader's language for this request: ?lang=, the cookie, the session's language from chat
   * (when signed in), Accept-Language, the deployment's.
   */
  const languageOf = (req: Request, res: Response, session?: StoredSession): ReaderLanguage =>
    readerLanguage(req, res, (name) => cookieOf(req, name), secure(req), session?.person.language, defaultLanguage);

  /** The reader's zone for this request (?tz=, else the cookie, else UTC), their language and this page's address. */
  const frameOf = (req: Request, res: Response, session: StoredSession) => ({
    person: session.person,
    csrf: session.csrf,
    zone: readerZone(req, res, (name) => cookieOf(req, name), secure(req), session.person.timeZone),
    lang: languageOf(req, res, session),
    here: req.originalUrl.slice(0, 2000),
  });

  /** A refusal or notice page in the reader's language: with their header when signed in. */
  const sayPage = (
    req: Request,
    res: Response,
    status: number,
    title: MessageKey,
    text: MessageKey,
    session?: StoredSession,
    params: Record<string, string | number> = {},
  ) => {
    // The header (with its language links back to this address) only on a page one can come back to.
    const frame = session && req.method === 'GET' ? frameOf(req, res, session) : undefined;
    const t = frame ? textsOf(frame) : pageTexts(languageOf(req, res, session).language);
    const say = t.say as (key: MessageKey, params?: Record<string, string | number>) => string;
    page(res, status, messagePage(t, say(title), say(text, params), frame));
  };

  /** The live session of the request, or a 401 page (nothing else is said). */
  const sessionOf = async (req: Request, res: Response): Promise<StoredSession | undefined> => {
    const session = await access.session(cookieOf(req, cookieName(req)));
    if (!session) sayPage(req, res, 401, 'page.signInFromChat', 'page.signInFromChatText');
    if (!session) return undefined;
    // The lead roster is read at each request: taking someone off it takes their reports away at once.
    const readsReports = await access.isLead(session.person.channel, session.person.id);
    return { ...session, person: { ...session.person, readsReports } };
  };

  /** A POST's session with its CSRF token checked (403 without it). */
  const postSession = async (req: Request, res: Response): Promise<StoredSession | undefined> => {
    const session = await sessionOf(req, res);
    if (!session) return undefined;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!access.csrfMatches(session, body.csrf)) {
      sayPage(req, res, 403, 'page.refused', 'page.csrfRefused', session);
      return undefined;
    }
    return session;
  };

  const wrap = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (error) {
      deps.logger.error({ err: error }, 'web view request failed');
      if (!res.headersSent) sayPage(req, res, 500, 'page.failed', 'page.failedText');
    }
  };

  router.get(
    '/web/sign-in',
    wrap(async (req, res) => {
      const token = typeof req.query.t === 'string' ? req.query.t : '';
      const result = await access.redeem(token);
      if (!result.ok) {
        deps.logger.info({ reason: result.reason }, 'web sign-in link refused');
        const status = result.reason === 'malformed' || result.reason === 'forged' ? 400 : 410;
        if (result.reason === 'expired')
          sayPage(req, res, status, 'page.signIn.refused', 'page.signIn.expired', undefined, {
            minutes: Math.round(access.linkTtlMs / 60_000),
          });
        else sayPage(req, res, status, 'page.signIn.refused', refusals[result.reason]);
        return;
      }
      // Expired links and sessions go when someone signs in: one indexed delete, no timer of its own.
      access
        .prune()
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not prune expired web sign-ins'));
      res.cookie(cookieName(req), result.cookie, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secure(req),
        path: '/',
        maxAge: access.sessionTtlMs,
      });
      deps.logger.info({ channel: result.session.person.channel, role: result.session.person.role }, 'web sign-in');
      res.redirect(303, '/web');
    }),
  );

  router.post(
    '/web/sign-out',
    form,
    wrap(async (req, res) => {
      const session = await postSession(req, res);
      if (!session) return;
      await access.signOut(cookieOf(req, cookieName(req)));
      res.clearCookie(cookieName(req), { httpOnly: true, sameSite: 'lax', secure: secure(req), path: '/' });
      // Still in the language the reader had, though the session (and its language from chat) is gone.
      const t = pageTexts(languageOf(req, res, session).language);
      page(res, 200, messagePage(t, t.say('page.signedOut'), t.say('page.signedOutText')));
    }),
  );

  /** A queue filter from the request as the store's search (after? the page's start), or the sentence why it was refused. */
  const select = async (
    req: Request,
    language: LanguageCode,
  ): Promise<{ query: TicketQuery; search: TicketSearch; queryString: string; after?: Cursor } | { error: string }> => {
    const { say } = pageTexts(language);
    const raw: Partial<Record<(typeof QUERY_FIELDS)[number], string>> = {};
    for (const name of QUERY_FIELDS) {
      const value = req.query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') return { error: say('page.filter.once', { name }) };
      raw[name] = value;
    }
    const parsed = parseTicketQuery(raw);
    // The core's reason names the field and its values as the address has them.
    if (!parsed.ok) return { error: say('page.filter.refused', { reason: parsed.error }) };
    const after = parseCursor(req.query.after);
    if (after === null) return { error: say('page.filter.badAfter') };
    const { query } = parsed;
    const queryString = new URLSearchParams(Object.entries(raw).filter(([, v]) => v)).toString();
    // Breaching is the SLA policy's word: queueSearch reads the tickets due soon and names those it keeps.
    const search = await queueSearch(query, tickets.sla, now(), (s, limit) => tickets.search(s, limit));
    return { query, search, queryString, ...(after ? { after } : {}) };
  };

  /** Up to `limit` matching tickets after the cursor, oldest first, filtered and paged by the database. `more`: others follow. */
  const readMatches = async (
    search: TicketSearch,
    limit: number,
    after?: Cursor,
  ): Promise<{ tickets: Ticket[]; more: boolean }> => {
    const found = await tickets.search({ ...search, ...(after ? { after } : {}) }, limit + 1);
    return { tickets: found.slice(0, limit), more: found.length > limit };
  };

  router.get(
    '/web',
    wrap(async (req, res) => {
      const session = await sessionOf(req, res);
      if (!session) return;
      const { person } = session;
      const frame = frameOf(req, res, session);
      if (!canSeeQueue(person)) {
        const mine = (await tickets.ticketsOf(person.id, 100)).filter((t) => canSeeTicket(person, t));
        page(res, 200, minePage(frame, mine));
        return;
      }
      const selected = await select(req, frame.lang.language);
      const base = {
        ...frame,
        categories: [...actionHandler.categories()],
        channels: ['slack', 'teams', 'local', 'alerts'],
        sla: tickets.sla,
        now: now(),
      };
      if ('error' in selected) {
        page(
          res,
          400,
          queuePage({ ...base, tickets: [], total: 0, query: {}, queryString: '', error: selected.error }),
        );
        return;
      }
      const { query, search, queryString, after } = selected;
      const found = await readMatches(search, PAGE_SIZE, after);
      const total = await tickets.countMatching(search);
      const last = found.tickets.at(-1);
      const withAfter = (cursor: string) => {
        const params = new URLSearchParams(queryString);
        params.set('after', cursor);
        return `/web?${params.toString()}`;
      };
      page(
        res,
        200,
        queuePage({
          ...base,
          tickets: found.tickets,
          total,
          query,
          queryString,
          ...(found.more && last ? { nextHref: withAfter(cursorText(last)) } : {}),
          ...(after ? { firstHref: `/web${queryString ? `?${queryString}` : ''}` } : {}),
        }),
      );
    }),
  );

  // The reader's time zone, chosen once: the form goes back to the page it came from with ?tz=.
  router.get(
    '/web/time-zone',
    wrap(async (req, res) => {
      const session = await sessionOf(req, res);
      if (!session) return;
      const back = backPath(req.query.back);
      const here = back.params.length ? `${back.path}?${new URLSearchParams(back.params).toString()}` : back.path;
      page(
        res,
        200,
        timeZonePage(
          { ...frameOf(req, res, session), here, self: `/web/time-zone?back=${encodeURIComponent(here)}` },
          back,
          timeZoneChoices(),
        ),
      );
    }),
  );

  for (const format of ['csv', 'json'] as const) {
    router.get(
      `/web/export.${format}`,
      wrap(async (req, res) => {
        const session = await sessionOf(req, res);
        if (!session) return;
        if (!canSeeQueue(session.person)) {
          sayPage(req, res, 403, 'page.notForYou', 'page.exportsRefused', session);
          return;
        }
        // A file for tools: its error, its header and its columns stay in English (ticket-export.ts).
        const selected = await select(req, 'en');
        if ('error' in selected) {
          res.status(400).json({ error: selected.error });
          return;
        }
        // The whole filter, not one page: every match up to the limit.
        const found = await readMatches(selected.search, EXPORT_LIMIT);
        const stamp = now().toISOString().slice(0, 10);
        res.set('Content-Disposition', `attachment; filename="tickets-${stamp}.${format}"`);
        if (found.more) res.set('X-Export-Truncated', `the first ${EXPORT_LIMIT} tickets; narrow the filter`);
        if (format === 'csv') res.type('text/csv; charset=utf-8').send(ticketsCsv(found.tickets, tickets.sla, now()));
        else res.json(ticketsJson(found.tickets, tickets.sla, now()));
      }),
    );
  }

  // The lead report. Without script the server cannot know the reader's zone: a form sets ?tz=,
  // remembered in a cookie (not a secret: HttpOnly anyway, a year); unset, the page is in UTC and says so.
  router.get(
    '/web/reports',
    wrap(async (req, res) => {
      const session = await sessionOf(req, res);
      if (!session) return;
      const { person } = session;
      if (!canSeeReports(person)) {
        sayPage(req, res, 403, 'page.reportsRefused', 'page.reportsRefusedText', session);
        return;
      }
      if (!deps.reports) {
        sayPage(req, res, 404, 'page.noReports', 'page.noReportsText', session);
        return;
      }
      const single = (name: string): string | undefined | null => {
        const value = req.query[name];
        return value === undefined ? undefined : typeof value === 'string' ? value : null;
      };
      const weeksText = single('weeks');
      const weeks = weeksText === undefined || weeksText === '' ? DEFAULT_LEAD_REPORT_WEEKS : Number(weeksText);
      if (weeksText === null || !(LEAD_REPORT_WEEKS as readonly number[]).includes(weeks)) {
        sayPage(req, res, 400, 'page.notAReport', 'page.notAReportText', session, {
          weeks: LEAD_REPORT_WEEKS.join(', '),
        });
        return;
      }
      const frame = frameOf(req, res, session);
      const { timeZone } = frame.zone;
      const at = now();
      const query = { weeks, timeZone, windowDays: deps.reports.windowDays };
      const loadQuery = leadReportLoadQuery(query, at);
      const { source } = deps.reports;
      const [input, handling] = await Promise.all([
        source.load(loadQuery),
        source.handling ? source.handling({ from: loadQuery.from, to: loadQuery.to }) : Promise.resolve(undefined),
      ]);
      if (handling) input.handling = handling;
      // The backlog and what is breaching, counted and read by the database: exact however many are open.
      const backlog = await countBacklog(
        (range) => tickets.countMatching({ statuses: openStatuses, ...range }),
        at,
        (await tickets.search({ statuses: openStatuses }, 1))[0]?.createdAt ?? null,
      );
      const breaching = await findBreaching(tickets, tickets.sla, at);
      // Tens of slices (weeks, engineers, channels...): the event loop gets a turn between them.
      const report = await runStepsPaced(
        leadReportSteps(input, [], { query, now: at, sla: tickets.sla, backlog, breaching }),
      );
      page(res, 200, reportPage({ ...frame, report }));
    }),
  );

  /** The ticket a person may see, or a 404 page: someone else's ticket looks like a missing one. */
  const visibleTicket = async (req: Request, session: StoredSession, key: string, res: Response) => {
    const ticket = /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/.test(key)
      ? await tickets.get(key).catch((error: unknown) => (isCoreError(error) ? null : Promise.reject(error)))
      : null;
    if (!ticket || !canSeeTicket(session.person, ticket)) {
      sayPage(req, res, 404, 'page.noSuchTicket', 'page.noSuchTicketText', session);
      return undefined;
    }
    return ticket;
  };

  const showTicket = async (
    req: Request,
    res: Response,
    session: StoredSession,
    key: string,
    status: number,
    /** What the page says on top, in the page's language. */
    notice?: { text: (language: LanguageCode) => string; error: boolean },
  ) => {
    const ticket = await visibleTicket(req, session, key, res);
    if (!ticket) return;
    const frame = frameOf(req, res, session);
    page(
      res,
      status,
      ticketPage({
        ...frame,
        here: `/web/tickets/${encodeURIComponent(ticket.key)}`,
        ticket,
        events: await tickets.history(ticket),
        sla: tickets.sla,
        now: now(),
        canAct: session.person.role === 'engineer',
        categories: [...actionHandler.categories()],
        engineers: deps.engineers(ticket.channel),
        ...(notice ? { notice: { text: notice.text(frame.lang.language), error: notice.error } } : {}),
      }),
    );
  };

  router.get(
    '/web/tickets/:key',
    wrap(async (req, res) => {
      const session = await sessionOf(req, res);
      if (!session) return;
      // Only a known action's fixed sentence: a link cannot make the page say something else.
      const done =
        typeof req.query.done === 'string' && Object.hasOwn(doneText, req.query.done)
          ? doneText[req.query.done]
          : undefined;
      await showTicket(
        req,
        res,
        session,
        String(req.params.key),
        200,
        done
          ? { text: (language) => (pageTexts(language).say as (key: MessageKey) => string)(done), error: false }
          : undefined,
      );
    }),
  );

  router.post(
    '/web/tickets/:key/actions',
    form,
    wrap(async (req, res) => {
      const session = await postSession(req, res);
      if (!session) return;
      const key = String(req.params.key);
      const ticket = await visibleTicket(req, session, key, res);
      if (!ticket) return;
      const language = languageOf(req, res, session).language;
      const handler = handlerFor(language);
      const fixed = (text: string) => () => text;
      const body = req.body as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      // Own keys only: "constructor" or "__proto__" would find Object's and reach the handler.
      const action = text('action') ?? '';
      const actionId = Object.hasOwn(webActions, action) ? webActions[action] : undefined;
      const actor = actorOf(session.person);
      if (!actionId) {
        await showTicket(req, res, session, ticket.key, 400, {
          text: (l) => pageTexts(l).say('page.actionUnknown'),
          error: true,
        });
        return;
      }
      // The same checks as a button in the person's own queue view (Slack's App Home): engineers only.
      const refused = await handler.refuseButton(actionId, ticket.key, actor, 'home');
      if (refused) {
        await showTicket(req, res, session, ticket.key, 403, { text: fixed(refused), error: true });
        return;
      }
      const input: TicketActionInput = {};
      for (const name of ['tier', 'reason', 'resolution', 'priority', 'category'] as const) {
        const value = text(name);
        if (value !== undefined) input[name] = value.slice(0, 2000);
      }
      const assigneeId = text('assignee');
      if (assigneeId) {
        const engineer = deps.engineers(ticket.channel).find((e) => e.id === assigneeId);
        if (!engineer) {
          await showTicket(req, res, session, ticket.key, 400, {
            text: (l) => pageTexts(l).say('eng.form.onRoster'),
            error: true,
          });
          return;
        }
        input.assignee = { id: engineer.id, name: engineer.name, role: 'engineer' } satisfies Actor;
      }
      try {
        // One origin per press: the event says it came from the web.
        const result = await handler.perform({
          actionId,
          value: ticket.key,
          actor,
          input,
          origin: `web:${randomUUID()}`,
        });
        deps.logger.info({ ticket: result.ticket.key, action }, 'web action');
        res.redirect(303, `/web/tickets/${encodeURIComponent(result.ticket.key)}?done=${action}`);
      } catch (error) {
        if (!isCoreError(error)) throw error;
        await showTicket(req, res, session, ticket.key, error.code === 'FORBIDDEN' ? 403 : 409, {
          // Worded for the reader: the page's language, not the English kept for the log.
          text: (l) => refusalText(error, pageTexts(l).say),
          error: true,
        });
      }
    }),
  );

  return router;
}

/** One cookie's value from the Cookie header (no cookie library: one name, read as it is). */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
