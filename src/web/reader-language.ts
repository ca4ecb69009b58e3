import type { Request, Response } from 'express';
import { DEFAULT_LANGUAGE, type LanguageCode } from '../core/language/languages.js';
import { CATALOGUE_LANGUAGES, messagesFor, type Say } from '../core/messages/catalogue.js';

/**
 * The reader's language, for every page of the web view: the pages speak the language of the
 * person reading them, not the deployment's (which engineers' chat texts follow). Chosen per
 * request, first that applies: ?lang= (a language with a catalogue; remembered in a cookie for a
 * year, like ?tz=), that cookie, the language the reader's chat knew when they asked for the
 * sign-in link (kept with the link and the session, like the chat's time zone) when it is not the
 * deployment's, the browser's Accept-Language, the chat's language, the deployment's default.
 */

/** The cookie that remembers the language chosen on a page (not a secret; HttpOnly anyway). */
export const LANG_COOKIE = 'helpdesk_lang';

/** Each page language in its own words, for the chooser (a reader looks for their language's own name). */
const OWN_NAMES: Readonly<Record<string, string>> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español' };

/** The Intl locale each page language formats dates and numbers with (English keeps day-month order). */
const LOCALES: Readonly<Record<string, string>> = { en: 'en-GB', de: 'de-DE', fr: 'fr-FR', es: 'es-ES' };

/** The languages the pages can be read in: those with a catalogue, and their own names. */
export function pageLanguages(): Array<{ code: LanguageCode; name: string }> {
  return CATALOGUE_LANGUAGES.map((code) => ({ code, name: OWN_NAMES[code] ?? code }));
}

function isPageLanguage(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (CATALOGUE_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language a page is shown in and why: 'query' (chosen now), 'cookie' (chosen before in this
 * browser), 'chat' (the session's, from the chat), 'browser' (Accept-Language), 'default'.
 */
export interface ReaderLanguage {
  language: LanguageCode;
  from: 'query' | 'cookie' | 'chat' | 'browser' | 'default';
  /** ?lang= named a language the pages are not written in (cut to 32 characters; the page says so, nothing is stored). */
  unknown?: string;
}

/** A page's words and formats in the reader's language. */
export interface PageTexts {
  language: LanguageCode;
  /** The Intl locale for dates and numbers. */
  locale: string;
  say: Say;
}

export function pageTexts(language: LanguageCode): PageTexts {
  const known = isPageLanguage(language) ? language : DEFAULT_LANGUAGE;
  return { language: known, locale: LOCALES[known] ?? 'en-GB', say: messagesFor(known) };
}

/** The most Accept-Language entries read: a browser sends a handful; the rest of a long header is ignored. */
const MAX_ENTRIES = 32;
/** RFC 9110's language-range with an optional weight; anything else in an entry makes it unreadable (skipped). */
const ENTRY =
  /^[ \t]*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)[ \t]*(?:;[ \t]*[qQ][ \t]*=[ \t]*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)[ \t]*)?$/;

/**
 * The page language an Accept-Language header prefers, or undefined when it names none of them
 * (or only `*`). Entries are weighed by q (RFC 9110: 0 to 1, three decimals; q=0 means "not
 * this one"); ties go to the earlier entry; "de-CH" counts as "de". A malformed entry is skipped,
 * not the whole header. Node caps the header at its 16 KB header limit; only the first
 * MAX_ENTRIES entries are looked at, each read by one anchored regex with no nested repetition.
 */
export function preferredLanguage(
  header: string | undefined,
  offered: readonly LanguageCode[],
): LanguageCode | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  const candidates: Array<{ language: LanguageCode; q: number }> = [];
  const refused = new Set<string>();
  for (const entry of header.split(',', MAX_ENTRIES)) {
    if (entry.length > 200) continue;
    const match = ENTRY.exec(entry);
    if (!match) continue;
    const range = match[1]!.toLowerCase();
    if (range === '*') continue;
    const primary = range.split('-', 1)[0]!;
    const q = match[2] === undefined ? 1 : Number(match[2]);
    if (q === 0) {
      // "de;q=0" refuses German however it is spelled elsewhere; "de-CH;q=0" only that variant.
      if (range === primary) refused.add(primary);
      continue;
    }
    if (offered.includes(primary)) candidates.push({ language: primary, q });
  }
  let best: { language: LanguageCode; q: number } | undefined;
  for (const candidate of candidates)
    if (!refused.has(candidate.language) && (!best || candidate.q > best.q)) best = candidate;
  return best?.language;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The language of this request (see the top of this file). `cookie` reads the request's cookie;
 * `secure` whether the cookie must be Secure; `chatLanguage` the session's, if any (checked
 * again: a catalogue may be gone); `fallback` the deployment's DEFAULT_LANGUAGE, used when it has
 * a catalogue (else English).
 */
export function readerLanguage(
  req: Request,
  res: Response,
  cookie: (name: string) => string | undefined,
  secure: boolean,
  chatLanguage: LanguageCode | undefined,
  fallback: LanguageCode,
): ReaderLanguage {
  const asked = req.query.lang;
  if (asked !== undefined && asked !== '') {
    if (isPageLanguage(asked)) {
      res.cookie(LANG_COOKIE, asked, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/web',
        maxAge: 365 * 24 * 60 * 60_000,
      });
      return { language: asked, from: 'query' };
    }
    return { ...remembered(req, cookie, chatLanguage, fallback), unknown: String(asked).slice(0, 32) };
  }
  return remembered(req, cookie, chatLanguage, fallback);
}

function remembered(
  req: Request,
  cookie: (name: string) => string | undefined,
  chatLanguage: LanguageCode | undefined,
  fallback: LanguageCode,
): ReaderLanguage {
  const value = cookie(LANG_COOKIE);
  const decoded = value ? safeDecode(value) : null;
  if (isPageLanguage(decoded)) return { language: decoded, from: 'cookie' };
  // The chats give the deployment's language for someone who never spoke to the bot, so the
  // chat's language says something of the reader only when it differs from it; when it is the
  // same, the browser's (an explicit setting of the reader) goes first.
  if (isPageLanguage(chatLanguage) && chatLanguage !== fallback) return { language: chatLanguage, from: 'chat' };
  const header = req.headers['accept-language'];
  const browser = preferredLanguage(typeof header === 'string' ? header : undefined, CATALOGUE_LANGUAGES);
  if (browser) return { language: browser, from: 'browser' };
  if (isPageLanguage(chatLanguage)) return { language: chatLanguage, from: 'chat' };
  return { language: isPageLanguage(fallback) ? fallback : DEFAULT_LANGUAGE, from: 'default' };
}

/**
 * The address of this page in another language: the page's own path and query (only a path of
 * the web view; sign-in and sign-out are not pages to come back to) with lang= set.
 */
export function languageHref(here: string | undefined, language: LanguageCode): string {
  let url: URL;
  try {
    url = new URL(here ?? '/web', 'http://web.invalid');
  } catch {
    url = new URL('/web', 'http://web.invalid');
  }
  const fine =
    url.origin === 'http://web.invalid' &&
    /^\/web(\/[A-Za-z0-9._~%-]+)*\/?$/.test(url.pathname) &&
    !url.pathname.startsWith('/web/sign-') &&
    !url.pathname.startsWith('/web/export');
  const params = fine ? [...url.searchParams.entries()].filter(([name]) => name !== 'lang' && name !== 'done') : [];
  const query = new URLSearchParams(params.slice(0, 20));
  query.set('lang', language);
  return `${fine ? url.pathname : '/web'}?${query.toString()}`;
}
