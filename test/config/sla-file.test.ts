import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadSlaFile, parseSlaFile, SlaFileError, type SlaFileProblem } from '../../src/config/sla-file.js';

const good = `calendar:
  time_zone: Europe/London
  hours:
    mon: "08:00-18:00"
    tue: "08:00-12:00, 13:00-18:00"
    fri: 08:00-17:00
  holidays: [2026-12-25, 2027-01-01]
targets:
  P1: { response: 15, resolution: 240, around_the_clock: true }
  P2: { response: 60, resolution: 480 }
  P3: { response: 240, resolution: 1440 }
  P4: { response: 1440, resolution: 4800 }
tiers:
  L3: { P2: { response: 120, resolution: 960 } }
`;

function problemsOf(source: string): SlaFileProblem[] {
  try {
    parseSlaFile(source, 'sla.yaml');
  } catch (error) {
    if (error instanceof SlaFileError) return error.problems;
    throw error;
  }
  return [];
}
const brief = (problems: SlaFileProblem[]) => problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`);

describe('SLA file', () => {
  it('loads a good file into a policy with a calendar, overrides and 24x7 targets', () => {
    const policy = parseSlaFile(good, 'sla.yaml');
    expect(policy.calendar?.timeZone).toBe('Europe/London');
    expect(policy.target('P2', 'L3')).toEqual({ responseMinutes: 120, resolveMinutes: 960 });
    expect(policy.target('P2', 'L2')).toEqual({ responseMinutes: 60, resolveMinutes: 480 });
    expect(policy.target('P1')).toEqual({ responseMinutes: 15, resolveMinutes: 240, aroundTheClock: true });
    // Tuesday's lunch break does not count: 11:30 BST + 60 -> 13:30 BST.
    expect(policy.dueTimes('P2', new Date('2026-06-02T10:30:00Z')).responseDueAt.toISOString()).toBe(
      '2026-06-02T12:30:00.000Z',
    );
    // Wednesday and Thursday are not listed, so closed: Tue 17:30 BST + 60 -> Fri 08:30 BST.
    expect(policy.dueTimes('P2', new Date('2026-06-02T16:30:00Z')).responseDueAt.toISOString()).toBe(
      '2026-06-05T07:30:00.000Z',
    );
  });

  it('loads the example file', async () => {
    const policy = await loadSlaFile(path.resolve(import.meta.dirname, '../../config/sla.example.yaml'));
    expect(policy.calendar?.timeZone).toBe('Europe/London');
    expect(policy.target('P2', 'L3').responseMinutes).toBe(120);
  });

  it.each([
    [
      'backwards hours',
      good.replace('mon: "08:00-18:00"', 'mon: "18:00-08:00"'),
      'sla.yaml:4 calendar.hours.mon: closing time 08:00 is not after opening time 18:00',
    ],
    [
      'malformed hours',
      good.replace('mon: "08:00-18:00"', 'mon: "8am-6pm"'),
      'sla.yaml:4 calendar.hours.mon: expected opening hours like "08:00-18:00"',
    ],
    ['an unknown day', good.replace('    fri:', '    fry:'), 'sla.yaml:6 calendar.hours.fry: unknown day "fry"'],
    [
      'a bad date',
      good.replace('2027-01-01', '2027-02-30'),
      'sla.yaml:7 calendar.holidays.1: expected a real date like 2026-12-25, got "2027-02-30"',
    ],
    [
      'an unknown time zone',
      good.replace('Europe/London', 'Europe/Lundon'),
      'sla.yaml:2 calendar.time_zone: unknown time zone "Europe/Lundon"',
    ],
    [
      'negative minutes',
      good.replace('response: 60,', 'response: -60,'),
      'sla.yaml:10 targets.P2.response: expected a whole number of minutes, 1 or more',
    ],
    [
      'fractional minutes',
      good.replace('response: 60,', 'response: 1.5,'),
      'sla.yaml:10 targets.P2.response: expected a whole number of minutes',
    ],
    [
      'minutes as text',
      good.replace('response: 60,', 'response: "1h",'),
      'sla.yaml:10 targets.P2.response: expected a whole number of minutes',
    ],
    ['a missing calendar', good.replace('calendar:', 'calendr:'), 'sla.yaml:1 calendar: missing'],
    ['an unknown priority', good.replace('  P4:', '  P5:'), 'sla.yaml:12 targets.P5: unknown priority "P5"'],
    ['a missing priority', good.replace('  P4:', '  P5:'), 'sla.yaml:8 targets.P4: missing'],
    ['an unknown tier', good.replace('  L3:', '  L9:'), 'sla.yaml:14 tiers.L9: unknown tier "L9"'],
    [
      'an unknown priority in a tier',
      good.replace('L3: { P2:', 'L3: { P7:'),
      'sla.yaml:14 tiers.L3.P7: unknown priority "P7"',
    ],
    [
      'resolution before response',
      good.replace('P3: { response: 240, resolution: 1440 }', 'P3: { response: 240, resolution: 30 }'),
      'sla.yaml:11 targets.P3.resolution: is shorter than the response target',
    ],
    ['an unknown section', `${good}escalation: {}\n`, 'sla.yaml:15 escalation: unknown section'],
    [
      'a typo in a target',
      good.replace('around_the_clock', 'around_the_clok'),
      'sla.yaml:9 targets.P1.around_the_clok: unknown field',
    ],
    [
      'no open day',
      good.replace(/ {2}hours:\n( {4}.*\n)+/, '  hours: {}\n'),
      'sla.yaml:3 calendar.hours: expected at least one open day',
    ],
    ['broken YAML', good.replace('  P2: {', '  P2: {{'), 'sla.yaml:'],
  ])('names file:line and field for %s', (_name, source, expected) => {
    const problems = brief(problemsOf(source));
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports every problem at once, in the error message too', () => {
    const source = good.replace('Europe/London', 'Mars/Olympus').replace('response: 60,', 'response: -1,');
    expect(() => parseSlaFile(source, 'sla.yaml')).toThrow(
      /sla\.yaml:2: calendar\.time_zone: .*\n.*sla\.yaml:10: targets\.P2\.response/,
    );
  });

  it('says when SLA_FILE does not exist', async () => {
    await expect(loadSlaFile('/nonexistent/sla.yaml')).rejects.toThrow(
      /\/nonexistent\/sla\.yaml:1: file: does not exist \(check SLA_FILE\)/,
    );
  });

  it('keeps the example file in step with the documented format', () => {
    expect(readFileSync(path.resolve(import.meta.dirname, '../../config/sla.example.yaml'), 'utf8')).toContain(
      'around_the_clock: true',
    );
  });

  it('is optional in the configuration', () => {
    expect(loadConfig({}).slaFile).toBeUndefined();
    expect(loadConfig({ SLA_FILE: './config/sla.yaml' }).slaFile).toBe('./config/sla.yaml');
  });
});
