import type { Request, Response } from 'express';
import { isTimeZone } from '../core/time-zones.js';

/**
 * The reader's time zone, for every page of the web view. The pages run no script (the CSP forbids
 * it), so the server cannot read the browser's zone: the session carries the zone the reader's chat
 * gave when they asked for the link (Slack's profile, Teams' client, the terminal's); the reader may
 * choose another (?tz= on any page, from the time zone page or the reports' form), which a cookie
 * remembers for a year and which wins over the chat's. With neither, every page is in UTC and says so.
 */

/** The cookie that remembers the zone (not a secret; HttpOnly anyway). */
export const TZ_COOKIE = 'helpdesk_tz';

/** The zones offered in the forms: UTC first, then the runtime's IANA list. */
export function timeZoneChoices(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
}

/**
 * The zone a page is shown in and why: 'query' (chosen now), 'cookie' (chosen before in this
 * browser), 'chat' (the session's zone from chat), 'default' (UTC: nobody chose, the chat gave none).
 */
export interface ReaderZone {
  timeZone: string;
  from: 'query' | 'cookie' | 'chat' | 'default';
  /** Set when ?tz= named a zone this server does not know, cut to 64 characters (the page says so, nothing is stored). */
  unknown?: string;
}

/** Dates for the reader, in their zone and their language's locale; every written date says which zone. */
export class ReaderDates {
  private readonly day: Intl.DateTimeFormat;
  private readonly full: Intl.DateTimeFormat;
  private readonly zoneName: Intl.DateTimeFormat;
  constructor(
    readonly timeZone: string,
    /** The Intl locale (the reader's language's: pageTexts). */
    readonly locale = 'en-GB',
  ) {
    this.day = new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' });
    this.full = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
    this.zoneName = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
  }
  /** "2 Mar" (de: "2. März"). */
  shortDay(iso: string): string {
    return this.day.format(new Date(iso));
  }
  /** "2 Mar 2026, 09:30 CET" (de: "02.03.2026, 09:30 MEZ"). */
  dateTime(iso: string): string {
    const date = new Date(iso);
    const zone = this.zoneName.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? this.timeZone;
    return `${this.full.format(date)} ${zone}`;
  }
  /** The last day of [from, to): to is the Monday after. */
  lastDay(toIso: string): string {
    return this.day.format(new Date(new Date(toIso).getTime() - 1));
  }
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The zone of this request: ?tz= when it names a known zone (remembered in the cookie), else the
 * cookie's, else the session's zone from chat, else UTC. `cookie` reads the request's cookie;
 * `secure` whether the cookie must be Secure; `chatZone` the session's (checked again: a runtime
 * may drop a zone its predecessor knew).
 */
export function readerZone(
  req: Request,
  res: Response,
  cookie: (name: string) => string | undefined,
  secure: boolean,
  chatZone?: string,
): ReaderZone {
  const asked = req.query.tz;
  if (asked !== undefined && asked !== '') {
    if (typeof asked === 'string' && isTimeZone(asked)) {
      res.cookie(TZ_COOKIE, asked, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/web',
        maxAge: 365 * 24 * 60 * 60_000,
      });
      return { timeZone: asked, from: 'query' };
    }
    return { ...remembered(cookie, chatZone), unknown: String(asked).slice(0, 64) };
  }
  return remembered(cookie, chatZone);
}

function remembered(cookie: (name: string) => string | undefined, chatZone: string | undefined): ReaderZone {
  const value = cookie(TZ_COOKIE);
  const decoded = value ? safeDecode(value) : null;
  if (decoded && isTimeZone(decoded)) return { timeZone: decoded, from: 'cookie' };
  if (chatZone && isTimeZone(chatZone)) return { timeZone: chatZone, from: 'chat' };
  return { timeZone: 'UTC', from: 'default' };
}

/**
 * Where the time zone page sends the reader back to: a path of the web view with its query, or
 * /web. Anything else (another site, //host, a scheme) is replaced by /web.
 */
export function backPath(raw: unknown): { path: string; params: Array<[string, string]> } {
  if (typeof raw !== 'string' || !raw.startsWith('/web') || raw.startsWith('//')) return { path: '/web', params: [] };
  let url: URL;
  try {
    url = new URL(raw, 'http://web.invalid');
  } catch {
    return { path: '/web', params: [] };
  }
  if (url.origin !== 'http://web.invalid' || !/^\/web(\/[A-Za-z0-9._~%-]+)*\/?$/.test(url.pathname))
    return { path: '/web', params: [] };
  if (url.pathname.startsWith('/web/time-zone') || url.pathname.startsWith('/web/sign-'))
    return { path: '/web', params: [] };
  const params = [...url.searchParams.entries()].filter(([name]) => name !== 'tz' && name !== 'done').slice(0, 20);
  return { path: url.pathname, params };
}
