import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { BusinessCalendar, weekdays, type OpenInterval, type Weekday } from '../core/tickets/business-calendar.js';
import { isTimeZone } from '../core/time-zones.js';
import { SlaPolicy, type SlaTarget, type SlaTargets, type TierSlaTargets } from '../core/tickets/sla-policy.js';
import { priorities, tiers, type Priority } from '../core/tickets/ticket.js';
import type { TimerSettings } from '../core/escalation/timer-settings.js';

/** One problem in an SLA file, with the line it is on. */
export interface SlaFileProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export class SlaFileError extends Error {
  override readonly name = 'SlaFileError';
  constructor(readonly problems: SlaFileProblem[]) {
    super(`Invalid SLA file:\n${problems.map((p) => `  - ${p.file}:${p.line}: ${p.field}: ${p.message}`).join('\n')}`);
  }
}

const MAX_BYTES = 64 * 1024;
const TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;

const minutesOf = (time: string): number | undefined => {
  const match = TIME.exec(time);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : undefined;
};

/** "08:00-18:00", or several ranges separated by commas: "08:00-12:00, 13:00-17:00". */
const hoursSchema = z.string({ error: 'expected opening hours like "08:00-18:00"' }).transform((value, ctx) => {
  const intervals: OpenInterval[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const [from, to, extra] = part.split('-').map((p) => p.trim());
    const start = from === undefined ? undefined : minutesOf(from);
    const end = to === undefined ? undefined : minutesOf(to);
    if (start === undefined || end === undefined || extra !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected opening hours like "08:00-18:00" (HH:MM-HH:MM, 24-hour clock), got "${value}"`,
      });
      return z.NEVER;
    }
    if (end <= start) {
      ctx.addIssue({
        code: 'custom',
        message: `closing time ${to} is not after opening time ${from}; hours must open and close on the same day (use 00:00-24:00 for all day)`,
      });
      return z.NEVER;
    }
    const previous = intervals.at(-1);
    if (previous && start < previous.end) {
      ctx.addIssue({ code: 'custom', message: `ranges in "${value}" overlap or are out of order` });
      return z.NEVER;
    }
    intervals.push({ start, end });
  }
  return intervals;
});

const dateSchema = z.string({ error: 'expected a date like 2026-12-25' }).refine(
  (value) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) return false;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return date.toISOString().slice(0, 10) === value;
  },
  { error: (issue) => `expected a real date like 2026-12-25, got "${String(issue.input)}"` },
);

const minutes = z
  .number({ error: 'expected a whole number of minutes' })
  .int('expected a whole number of minutes')
  .min(1, 'expected a whole number of minutes, 1 or more');

/** Timer periods: 0 turns a timer off. */
const wallMinutes = z
  .number({ error: 'expected a whole number of minutes (0 turns it off)' })
  .int('expected a whole number of minutes (0 turns it off)')
  .min(0, 'expected a whole number of minutes (0 turns it off)');

const targetSchema = z.strictObject({
  response: minutes,
  resolution: minutes,
  around_the_clock: z.boolean({ error: 'expected true or false' }).optional(),
});
const overrideSchema = targetSchema.partial();

const byWeekday = <T extends z.ZodType>(schema: T) =>
  z.strictObject(
    Object.fromEntries(weekdays.map((day) => [day, schema.optional()])) as Record<Weekday, z.ZodOptional<T>>,
  );
const byPriority = <T extends z.ZodType>(schema: T) =>
  z.strictObject(Object.fromEntries(priorities.map((p) => [p, schema])) as Record<Priority, T>);
const tierOverrides = byPriority(overrideSchema.optional());

const fileSchema = z.strictObject({
  calendar: z.strictObject({
    time_zone: z.string({ error: 'expected an IANA time zone like Europe/London' }).refine(isTimeZone, {
      error: (issue) =>
        `unknown time zone "${String(issue.input)}"; expected an IANA name like Europe/London or America/New_York`,
    }),
    hours: byWeekday(hoursSchema).refine((hours) => Object.values(hours).some((h) => h && h.length > 0), {
      error: 'expected at least one open day',
    }),
    holidays: z.array(dateSchema, { error: 'expected a list of dates like [2026-12-25, 2027-01-01]' }).default([]),
  }),
  targets: byPriority(targetSchema),
  tiers: z
    .strictObject({
      L1: tierOverrides.optional(),
      L2: tierOverrides.optional(),
      L3: tierOverrides.optional(),
      L4: tierOverrides.optional(),
    })
    .optional(),
  timers: z
    .strictObject({
      remind_before: wallMinutes.optional(),
      auto_escalate: z.boolean({ error: 'expected true or false' }).optional(),
      reannounce_every: wallMinutes.optional(),
      nudge_waiting_after: wallMinutes.optional(),
      close_waiting_after: wallMinutes.optional(),
    })
    .optional(),
});

type Keys = Array<string | number>;

/** Parses and checks an SLA file; throws SlaFileError naming file:line and field for every problem. */
export function parseSlaFile(source: string, file: string): SlaPolicy {
  const fail = (problems: SlaFileProblem[]): never => {
    throw new SlaFileError(problems);
  };
  if (Buffer.byteLength(source) > MAX_BYTES)
    fail([{ file, line: 1, field: 'file', message: `larger than ${MAX_BYTES / 1024} KiB` }]);
  const lines = new LineCounter();
  // The core schema keeps 2026-12-25 a string and 08:00 a string, not a date or a sexagesimal number.
  const doc = parseDocument(source, { schema: 'core', uniqueKeys: true, prettyErrors: true, lineCounter: lines });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    fail(
      yamlProblems.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? 1,
        field: 'yaml',
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const lineOf = (keys: Keys): number =>
    keyLine(doc, lines, keys) ??
    valueLine(doc, lines, keys) ??
    keyLine(doc, lines, keys.slice(0, -1)) ??
    valueLine(doc, lines, keys.slice(0, -1)) ??
    1;
  const problem = (keys: Keys, message: string): SlaFileProblem => ({
    file,
    line: lineOf(keys),
    field: keys.join('.') || 'file',
    message,
  });

  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    fail(
      parsed.error.issues.flatMap((issue) => {
        const keys = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((key) => problem([...keys, key], unknownKey(keys, key)));
        const missing = issue.code === 'invalid_type' && keys.length > 0 && !doc.hasIn(keys);
        return [problem(keys, missing ? 'missing' : issue.message)];
      }),
    );
  }
  const data = parsed.data!;

  const targets = Object.fromEntries(priorities.map((p) => [p, toTarget(data.targets[p])])) as SlaTargets;
  const tierTargets: TierSlaTargets = {};
  const problems: SlaFileProblem[] = [];
  for (const p of priorities) {
    if (targets[p].resolveMinutes < targets[p].responseMinutes)
      problems.push(
        problem(['targets', p, 'resolution'], `is shorter than the response target (${targets[p].responseMinutes})`),
      );
  }
  for (const tier of tiers) {
    for (const p of priorities) {
      const override = data.tiers?.[tier]?.[p];
      if (!override) continue;
      const base = data.targets[p];
      const merged = toTarget({ ...base, ...override });
      if (merged.resolveMinutes < merged.responseMinutes)
        problems.push(
          problem(
            ['tiers', tier, p],
            `resolution ${merged.resolveMinutes} is shorter than response ${merged.responseMinutes}`,
          ),
        );
      (tierTargets[tier] ??= {})[p] = merged;
    }
  }
  const t = data.timers;
  if (t?.nudge_waiting_after && t.close_waiting_after && t.close_waiting_after <= t.nudge_waiting_after) {
    problems.push(
      problem(
        ['timers', 'close_waiting_after'],
        `closes before the nudge (${t.nudge_waiting_after}) is sent; make it longer or set nudge_waiting_after to 0`,
      ),
    );
  }
  if (problems.length > 0) fail(problems);
  const timers: Partial<TimerSettings> = {
    ...(t?.remind_before !== undefined ? { remindBeforeMinutes: t.remind_before } : {}),
    ...(t?.auto_escalate !== undefined ? { autoEscalate: t.auto_escalate } : {}),
    ...(t?.reannounce_every !== undefined ? { reannounceMinutes: t.reannounce_every } : {}),
    ...(t?.nudge_waiting_after !== undefined ? { nudgeWaitingMinutes: t.nudge_waiting_after } : {}),
    ...(t?.close_waiting_after !== undefined ? { closeWaitingMinutes: t.close_waiting_after } : {}),
  };

  const calendar = new BusinessCalendar({
    timeZone: data.calendar.time_zone,
    hours: data.calendar.hours,
    holidays: data.calendar.holidays,
  });
  return new SlaPolicy(targets, undefined, { calendar, tiers: tierTargets, timers });
}

/** Reads SLA_FILE. */
export async function loadSlaFile(file: string): Promise<SlaPolicy> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SlaFileError([
      {
        file,
        line: 1,
        field: 'file',
        message: code === 'ENOENT' ? 'does not exist (check SLA_FILE)' : `cannot be read: ${(error as Error).message}`,
      },
    ]);
  }
  return parseSlaFile(source, file);
}

function toTarget(target: { response: number; resolution: number; around_the_clock?: boolean | undefined }): SlaTarget {
  return {
    responseMinutes: target.response,
    resolveMinutes: target.resolution,
    ...(target.around_the_clock ? { aroundTheClock: true } : {}),
  };
}

function unknownKey(parent: Keys, key: string): string {
  const [section, sub] = parent;
  if (parent.length === 0) return 'unknown section; expected calendar, targets, tiers or timers';
  if (section === 'timers')
    return 'unknown field; expected remind_before, auto_escalate, reannounce_every, nudge_waiting_after or close_waiting_after';
  if (section === 'calendar' && parent.length === 1) return 'unknown field; expected time_zone, hours or holidays';
  if (section === 'calendar' && sub === 'hours')
    return `unknown day "${key}"; expected ${weekdays.slice(1).join(', ')} or sun`;
  if (section === 'targets' && parent.length === 1)
    return `unknown priority "${key}"; expected ${priorities.join(', ')}`;
  if (section === 'tiers' && parent.length === 1) return `unknown tier "${key}"; expected ${tiers.join(', ')}`;
  if (section === 'tiers' && parent.length === 2) return `unknown priority "${key}"; expected ${priorities.join(', ')}`;
  return 'unknown field; expected response, resolution or around_the_clock';
}

function valueLine(doc: Document, lines: LineCounter, keys: Keys): number | undefined {
  if (keys.length === 0) return undefined;
  const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** The line of a key (not its value) in a map. */
function keyLine(doc: Document, lines: LineCounter, keys: Keys): number | undefined {
  if (keys.length === 0) return undefined;
  const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === keys.at(-1));
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
