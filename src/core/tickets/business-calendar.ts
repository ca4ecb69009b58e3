/**
 * Business hours in one time zone, with holidays. Arithmetic uses only Intl: each day's opening
 * and closing are local wall-clock times turned into instants for that day, so a day that
 * changes to or from daylight saving time has the right length.
 */

import { isTimeZone, wallClock, zonedInstant } from '../time-zones.js';

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

/** Minutes after local midnight; `end` may be 1440 ("24:00"). */
export interface OpenInterval {
  start: number;
  end: number;
}

export interface BusinessCalendarOptions {
  timeZone: string;
  /** Open intervals per weekday, in order and not overlapping; a day not listed is closed. */
  hours: Partial<Record<Weekday, OpenInterval[]>>;
  /** Closed dates, YYYY-MM-DD in the calendar's time zone. */
  holidays?: Iterable<string>;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Ten years of closed days means the calendar can never open; stop rather than loop. */
const MAX_DAYS = 3660;

/** YYYY-MM-DD for a local midnight given as if it were UTC. */
function isoDate(localMidnight: number): string {
  return new Date(localMidnight).toISOString().slice(0, 10);
}

export class BusinessCalendar {
  readonly timeZone: string;
  private readonly hours: ReadonlyArray<readonly OpenInterval[]>;
  private readonly holidays: ReadonlySet<string>;

  constructor(options: BusinessCalendarOptions) {
    if (!isTimeZone(options.timeZone)) throw new Error(`Unknown time zone "${options.timeZone}".`);
    this.timeZone = options.timeZone;
    this.hours = weekdays.map((day) => [...(options.hours[day] ?? [])].sort((a, b) => a.start - b.start));
    for (const [i, intervals] of this.hours.entries()) {
      for (const [j, { start, end }] of intervals.entries()) {
        if (!(start >= 0 && start < end && end <= 1440))
          throw new Error(`Bad hours on ${weekdays[i]}: ${start}-${end}.`);
        if (j > 0 && start < intervals[j - 1]!.end) throw new Error(`Overlapping hours on ${weekdays[i]}.`);
      }
    }
    if (this.hours.every((intervals) => intervals.length === 0))
      throw new Error('A business calendar needs at least one open day.');
    this.holidays = new Set(options.holidays ?? []);
  }

  /** Whether the calendar is open at an instant. */
  isOpen(at: Date): boolean {
    const day = Math.floor(wallClock(at.getTime(), this.timeZone) / DAY_MS) * DAY_MS;
    return this.openIntervals(day).some(([open, close]) => at.getTime() >= open && at.getTime() < close);
  }

  /**
   * The instant when `minutes` of business time have passed since `start`. Time before opening,
   * after closing, on closed days and on holidays does not count. A due time that lands exactly
   * on closing is that closing, not the next opening.
   */
  add(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`Cannot add ${minutes} business minutes.`);
    let cursor = start.getTime();
    let remaining = minutes * MINUTE_MS;
    if (remaining === 0) return new Date(cursor);
    // Local midnight of the start's day, as if it were UTC; days step in local dates, never in 24h.
    let day = Math.floor(wallClock(cursor, this.timeZone) / DAY_MS) * DAY_MS;
    for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
      for (const [open, close] of this.openIntervals(day)) {
        const from = Math.max(cursor, open);
        if (from >= close) continue;
        cursor = from;
        if (remaining <= close - cursor) return new Date(cursor + remaining);
        remaining -= close - cursor;
        cursor = close;
      }
    }
    throw new Error(`The business calendar has no open time within ${MAX_DAYS} days of ${start.toISOString()}.`);
  }

  /** The day's open intervals as instants, for a local midnight given as if it were UTC. */
  private openIntervals(localMidnight: number): Array<[number, number]> {
    if (this.holidays.has(isoDate(localMidnight))) return [];
    const intervals = this.hours[new Date(localMidnight).getUTCDay()]!;
    return intervals.map(({ start, end }) => [
      zonedInstant(localMidnight + start * MINUTE_MS, this.timeZone),
      zonedInstant(localMidnight + end * MINUTE_MS, this.timeZone),
    ]);
  }
}
