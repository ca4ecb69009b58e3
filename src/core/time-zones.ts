/**
 * Time zones with Intl alone: the offset of a zone at an instant, and the instant of a local
 * wall-clock time. Used by the SLA's business calendar and the lead report's weeks, so both
 * agree on what a local midnight is across a change to or from daylight saving time.
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows this IANA time zone name (Europe/Paris, UTC...). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `ms`, as if those fields were UTC. */
export function wallClock(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
}

/** The zone's offset from UTC at an instant, in milliseconds (local time minus UTC; sub-second parts dropped). */
export function zoneOffsetMs(at: Date | number, timeZone: string): number {
  const whole = Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000) * 1000;
  return wallClock(whole, timeZone) - whole;
}

/**
 * The instant of a local wall-clock time (given as if it were UTC). Ambiguous times (clocks go
 * back) take the earlier instant; times skipped when clocks go forward move forward by the gap.
 */
export function zonedInstant(localAsUtc: number, timeZone: string): number {
  const before = zoneOffsetMs(localAsUtc - DAY_MS, timeZone);
  const after = zoneOffsetMs(localAsUtc + DAY_MS, timeZone);
  if (zoneOffsetMs(localAsUtc - before, timeZone) === before) return localAsUtc - before;
  if (zoneOffsetMs(localAsUtc - after, timeZone) === after) return localAsUtc - after;
  return localAsUtc - before;
}
