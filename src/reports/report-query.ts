import type { MetricsQuery } from '../core/analytics/metrics.js';

const DAY = 24 * 60 * 60_000;
export const DEFAULT_PERIOD_DAYS = 30;
export const DEFAULT_WINDOW_DAYS = 7;
const MAX_WINDOW_DAYS = 365;
const MAX_PERIOD_DAYS = 366 * 10;

/** What a user typed: CLI flags or query parameters, all optional. */
export interface RawReportQuery {
  from?: string | undefined;
  to?: string | undefined;
  window?: string | undefined;
}

export type ParsedReportQuery = { ok: true; query: MetricsQuery } | { ok: false; error: string };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO date (2026-03-01, meaning 00:00 UTC) or date-time with a zone (2026-03-01T09:30:00Z,
 * 2026-03-01T09:30+02:00). Anything else, including impossible dates like 2026-02-30, is refused.
 */
export function parseIsoDate(text: string): Date | null {
  const match = DATE_ONLY.exec(text) ?? DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, m, d, hh = '00', mm = '00', ss = '00'] = match;
  if (Number(m) < 1 || Number(m) > 12 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  // Date.UTC rolls 2026-02-30 over to March: the day must survive the round trip.
  const calendar = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (calendar.getUTCDate() !== Number(d) || calendar.getUTCMonth() !== Number(m) - 1) return null;
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The period [from, to) and the window. Defaults: to = now, from = to - 30 days, window = `defaultWindowDays`.
 * Errors name the bad value so a 400 or a CLI message can say what to fix.
 */
export function parseReportQuery(
  raw: RawReportQuery,
  now: Date,
  defaultWindowDays = DEFAULT_WINDOW_DAYS,
): ParsedReportQuery {
  const to = raw.to === undefined || raw.to === '' ? now : parseIsoDate(raw.to);
  if (!to)
    return { ok: false, error: `to: expected an ISO date like 2026-03-31 or 2026-03-31T12:00:00Z (got "${raw.to}")` };
  const from =
    raw.from === undefined || raw.from === ''
      ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY)
      : parseIsoDate(raw.from);
  if (!from)
    return {
      ok: false,
      error: `from: expected an ISO date like 2026-03-01 or 2026-03-01T00:00:00Z (got "${raw.from}")`,
    };
  if (from >= to) return { ok: false, error: `from (${from.toISOString()}) must be before to (${to.toISOString()})` };
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY)
    return { ok: false, error: `the period may not be longer than ${MAX_PERIOD_DAYS} days` };
  let windowDays = defaultWindowDays;
  if (raw.window !== undefined && raw.window !== '') {
    if (!/^\d{1,3}$/.test(raw.window) || Number(raw.window) > MAX_WINDOW_DAYS) {
      return {
        ok: false,
        error: `window: expected a whole number of days from 0 to ${MAX_WINDOW_DAYS} (got "${raw.window}")`,
      };
    }
    windowDays = Number(raw.window);
  }
  return { ok: true, query: { from, to, windowDays } };
}

/** DEFLECTION_WINDOW_DAYS from the environment, or the default; a bad value is an error, not silently ignored. */
export function windowDaysFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env.DEFLECTION_WINDOW_DAYS?.trim();
  if (!value) return DEFAULT_WINDOW_DAYS;
  if (!/^\d{1,3}$/.test(value) || Number(value) > MAX_WINDOW_DAYS) {
    throw new Error(
      `DEFLECTION_WINDOW_DAYS: expected a whole number of days from 0 to ${MAX_WINDOW_DAYS} (got "${value}")`,
    );
  }
  return Number(value);
}

/** `--compare` / `?compare=`: days before and after an item's first use; default DEFAULT_COMPARE_DAYS. */
export function parseCompareDays(
  raw: string | undefined,
  fallback: number,
): { ok: true; days: number } | { ok: false; error: string } {
  if (raw === undefined || raw === '') return { ok: true, days: fallback };
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_WINDOW_DAYS) {
    return { ok: false, error: `compare: expected a whole number of days from 1 to ${MAX_WINDOW_DAYS} (got "${raw}")` };
  }
  return { ok: true, days: Number(raw) };
}
