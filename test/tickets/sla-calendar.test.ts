import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type OpenInterval } from '../../src/core/tickets/business-calendar.js';
import { zonedInstant } from '../../src/core/time-zones.js';

const range = (from: string, to: string): OpenInterval[] => {
  const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return [{ start: m(from), end: m(to) }];
};
const weekdays = (from: string, to: string, friday = to) => ({
  mon: range(from, to),
  tue: range(from, to),
  wed: range(from, to),
  thu: range(from, to),
  fri: range(from, friday),
});
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

describe('BusinessCalendar (Europe/London, Mon-Thu 08:00-18:00, Fri 08:00-17:00)', () => {
  const london = new BusinessCalendar({
    timeZone: 'Europe/London',
    hours: weekdays('08:00', '18:00', '17:00'),
    holidays: ['2026-12-25', '2026-12-28'],
  });

  // June: BST, UTC+1.
  it('starts counting at opening when opened before hours', () => {
    expect(iso(london.add(at('2026-06-02T05:30:00Z'), 60))).toBe('2026-06-02T08:00:00.000Z'); // 06:30 -> 09:00 BST
  });

  it('counts plain minutes during hours', () => {
    expect(iso(london.add(at('2026-06-02T09:15:00Z'), 60))).toBe('2026-06-02T10:15:00.000Z'); // 10:15 -> 11:15 BST
  });

  it('moves to the next morning when opened after closing', () => {
    expect(iso(london.add(at('2026-06-02T18:00:00Z'), 60))).toBe('2026-06-03T08:00:00.000Z'); // Tue 19:00 -> Wed 09:00 BST
  });

  it('carries Friday evening over the weekend to Monday', () => {
    // Fri 16:30 BST: 30 minutes on Friday (closes 17:00), 30 on Monday from 08:00.
    expect(iso(london.add(at('2026-06-05T15:30:00Z'), 60))).toBe('2026-06-08T07:30:00.000Z');
    // Saturday counts nothing either.
    expect(iso(london.add(at('2026-06-06T10:00:00Z'), 60))).toBe('2026-06-08T08:00:00.000Z');
  });

  it('ends exactly at closing, not at the next opening', () => {
    expect(iso(london.add(at('2026-06-02T16:00:00Z'), 60))).toBe('2026-06-02T17:00:00.000Z'); // Tue 17:00 -> 18:00 BST
    expect(iso(london.add(at('2026-06-05T15:00:00Z'), 60))).toBe('2026-06-05T16:00:00.000Z'); // Fri 16:00 -> 17:00 BST
  });

  it('spans several days', () => {
    // Mon 08:00 + 24 business hours: 10 Mon + 10 Tue + 4 Wed.
    expect(iso(london.add(at('2026-06-01T07:00:00Z'), 1440))).toBe('2026-06-03T11:00:00.000Z');
  });

  it('skips holidays', () => {
    // Thu 24 Dec 17:30 GMT: 30 minutes, then Fri 25 (holiday), weekend, Mon 28 (holiday), Tue 29 from 08:00.
    expect(iso(london.add(at('2026-12-24T17:30:00Z'), 60))).toBe('2026-12-29T08:30:00.000Z');
  });

  it('keeps 08:00 local across both clock changes', () => {
    // Clocks go forward Sun 29 Mar 2026: Fri 16:30 GMT, Mon opens 08:00 BST = 07:00Z.
    expect(iso(london.add(at('2026-03-27T16:30:00Z'), 60))).toBe('2026-03-30T07:30:00.000Z');
    // Clocks go back Sun 25 Oct 2026: Fri 16:30 BST, Mon opens 08:00 GMT = 08:00Z.
    expect(iso(london.add(at('2026-10-23T15:30:00Z'), 60))).toBe('2026-10-26T08:30:00.000Z');
  });

  it('does not count zero minutes and rejects negative ones', () => {
    expect(iso(london.add(at('2026-06-06T10:00:00Z'), 0))).toBe('2026-06-06T10:00:00.000Z');
    expect(() => london.add(at('2026-06-06T10:00:00Z'), -5)).toThrow(RangeError);
  });

  it('knows when it is open', () => {
    expect(london.isOpen(at('2026-06-02T07:00:00Z'))).toBe(true); // 08:00 BST
    expect(london.isOpen(at('2026-06-02T06:59:00Z'))).toBe(false);
    expect(london.isOpen(at('2026-12-25T12:00:00Z'))).toBe(false);
  });
});

describe('BusinessCalendar (America/New_York, Mon-Fri 09:00-17:00)', () => {
  const newYork = new BusinessCalendar({ timeZone: 'America/New_York', hours: weekdays('09:00', '17:00') });

  it('keeps 09:00 local across both clock changes', () => {
    // Clocks go forward Sun 8 Mar 2026: Fri 16:30 EST (21:30Z), Mon 09:30 EDT = 13:30Z.
    expect(iso(newYork.add(at('2026-03-06T21:30:00Z'), 60))).toBe('2026-03-09T13:30:00.000Z');
    // Clocks go back Sun 1 Nov 2026: Fri 16:30 EDT (20:30Z), Mon 09:30 EST = 14:30Z.
    expect(iso(newYork.add(at('2026-10-30T20:30:00Z'), 60))).toBe('2026-11-02T14:30:00.000Z');
  });

  it('uses the local date, not the UTC one, for the day', () => {
    // Tue 2 Jun 23:30 EDT is already Wednesday in UTC; Tuesday is over, Wednesday opens 09:00 EDT.
    expect(iso(newYork.add(at('2026-06-03T03:30:00Z'), 30))).toBe('2026-06-03T13:30:00.000Z');
  });
});

describe('days that change the clock', () => {
  it('has 23 hours on the spring day and 25 on the autumn day when open all day', () => {
    const sundays = new BusinessCalendar({ timeZone: 'Europe/London', hours: { sun: range('00:00', '24:00') } });
    expect(iso(sundays.add(at('2026-03-29T00:00:00Z'), 23 * 60))).toBe('2026-03-29T23:00:00.000Z');
    expect(iso(sundays.add(at('2026-03-29T00:00:00Z'), 24 * 60))).toBe('2026-04-05T00:00:00.000Z'); // next Sunday 01:00 BST
    const nySundays = new BusinessCalendar({ timeZone: 'America/New_York', hours: { sun: range('00:00', '24:00') } });
    expect(iso(nySundays.add(at('2026-11-01T04:00:00Z'), 25 * 60))).toBe('2026-11-02T05:00:00.000Z');
  });

  it('maps skipped local times forward and repeated ones to the first occurrence', () => {
    expect(iso(new Date(zonedInstant(Date.UTC(2026, 2, 29, 1, 30), 'Europe/London')))).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
    expect(iso(new Date(zonedInstant(Date.UTC(2026, 9, 25, 1, 30), 'Europe/London')))).toBe('2026-10-25T00:30:00.000Z'); // first 01:30, BST
    expect(iso(new Date(zonedInstant(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')))).toBe(
      '2026-11-01T05:30:00.000Z',
    ); // first 01:30, EDT
  });
});

describe('calendar checks', () => {
  it('refuses an unknown zone, backwards hours and a calendar that never opens', () => {
    expect(() => new BusinessCalendar({ timeZone: 'Europe/Lundon', hours: weekdays('08:00', '18:00') })).toThrow(
      /Unknown time zone/,
    );
    expect(() => new BusinessCalendar({ timeZone: 'UTC', hours: { mon: range('18:00', '08:00') } })).toThrow(
      /Bad hours/,
    );
    expect(() => new BusinessCalendar({ timeZone: 'UTC', hours: {} })).toThrow(/at least one open day/);
  });
});
