import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { wording, type Wording } from '../messages/catalogue.js';
import type { Check } from '../scripts/script.js';
import { priorities, tiers, type Priority, type Tier } from '../tickets/ticket.js';
import type { AlertInstance, AlertNotice } from './alert.js';

const word = z.string().trim().min(1, 'expected a non-empty value');
const timeout = z.number().int().min(100).max(10_000).default(3000);
/** A check's target may name an alert's labels or annotations: ${labels.instance}, ${annotations.url}. */
const template = z.string().trim().min(1).max(500);

const checkSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    url: template,
    expect_status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    timeout_ms: timeout,
  }),
  z.strictObject({ type: z.literal('dns'), host: template, timeout_ms: timeout }),
  z.strictObject({
    type: z.literal('tcp'),
    host: template,
    port: z.union([z.number().int().min(1).max(65_535), template]),
    timeout_ms: timeout,
  }),
]);

const labelMatch = z.record(word, z.union([word, z.array(word).min(1)]));

const diagnosticSchema = z.strictObject({
  name: word,
  /** Labels the alert must have (any of the values listed); leave out to match every alert. */
  when: labelMatch.default({}),
  checks: z.array(checkSchema).min(1).max(10),
});

/** An allow-list entry: a host name, *.suffix (any host under it), an IP address, or a CIDR block. */
const allowEntry = z
  .string()
  .trim()
  .min(1)
  .refine((entry) => parseAllowEntry(entry) !== null, {
    message: 'expected a host name, *.domain, an IP address or a CIDR block such as 10.0.0.0/8',
  });

const DEFAULT_SEVERITIES: Record<string, Priority> = {
  critical: 'P1',
  page: 'P1',
  p1: 'P1',
  high: 'P2',
  error: 'P2',
  major: 'P2',
  p2: 'P2',
  warning: 'P3',
  warn: 'P3',
  medium: 'P3',
  minor: 'P3',
  p3: 'P3',
  info: 'P4',
  low: 'P4',
  none: 'P4',
  p4: 'P4',
};

/** ALERTS_FILE as written: how alerts become tickets and which diagnostics they get. */
export const alertsFileSchema = z.strictObject({
  /** The category of alert tickets (routes can match it). */
  category: word.default('monitoring'),
  /** The tier alert tickets start at; a route's tier wins. */
  tier: z.enum(tiers, { message: `expected one of ${tiers.join(', ')}` }).optional(),
  /** Severity (label or field, case-insensitive) to priority; added to and overriding the defaults. */
  severity: z.record(word, z.enum(priorities, { message: `expected one of ${priorities.join(', ')}` })).default({}),
  /** The priority of an alert whose severity is missing or unknown. */
  default_priority: z.enum(priorities, { message: `expected one of ${priorities.join(', ')}` }).default('P3'),
  /** When the whole group is resolved at the source: a line in the ticket always; resolve the ticket too when true. */
  resolve_on_recovery: z.boolean().default(false),
  /** The only targets diagnostics may reach. Empty: no diagnostics run. */
  allow: z.array(allowEntry).default([]),
  diagnostics: z.array(diagnosticSchema).default([]),
});

export type AlertsFile = z.output<typeof alertsFileSchema>;
type DiagnosticRule = AlertsFile['diagnostics'][number];
type RuleCheck = DiagnosticRule['checks'][number];

/** A check to run for an alert, with its target filled in and allowed. */
export interface PlannedCheck {
  /** "<rule name>: <target>", for the ticket. */
  name: string;
  target: string;
  check: Check;
}

/** A check that was configured but will not run, and why (a missing label, a target not allowed). */
export interface SkippedCheck {
  name: string;
  /** Worded where it is written: the ticket in the engineers' language, the log in English. */
  reason: Wording;
}

/** At most this many checks run for one notice, however many alerts it carries. */
export const MAX_CHECKS_PER_NOTICE = 10;

type AllowEntry = { kind: 'host'; host: string } | { kind: 'suffix'; suffix: string } | { kind: 'ip'; list: BlockList };

function parseAllowEntry(entry: string): AllowEntry | null {
  const value = entry.trim().toLowerCase();
  const slash = value.indexOf('/');
  if (slash > 0) {
    const address = value.slice(0, slash);
    const bits = Number(value.slice(slash + 1));
    const family = isIP(address);
    if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return null;
    const list = new BlockList();
    list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'ip', list };
  }
  const family = isIP(value);
  if (family) {
    const list = new BlockList();
    list.addAddress(value, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'ip', list };
  }
  if (value.startsWith('*.')) return HOST_NAME.test(value.slice(2)) ? { kind: 'suffix', suffix: value.slice(1) } : null;
  return HOST_NAME.test(value) ? { kind: 'host', host: value } : null;
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** Alert policy from ALERTS_FILE (or the defaults without one). Pure: no I/O. */
export class AlertRules {
  private readonly allowList: AllowEntry[];
  private readonly severities: Record<string, Priority>;

  constructor(readonly file: AlertsFile = alertsFileSchema.parse({})) {
    this.allowList = file.allow.map((entry) => parseAllowEntry(entry)!);
    this.severities = {
      ...DEFAULT_SEVERITIES,
      ...Object.fromEntries(Object.entries(file.severity).map(([name, priority]) => [name.toLowerCase(), priority])),
    };
  }

  get category(): string {
    return this.file.category;
  }

  get tier(): Tier | undefined {
    return this.file.tier;
  }

  get resolveOnRecovery(): boolean {
    return this.file.resolve_on_recovery;
  }

  /** The notice's priority from its severity; the default priority when it has none the rules know. */
  priorityOf(notice: Pick<AlertNotice, 'severity'>): Priority {
    const severity = notice.severity?.trim().toLowerCase();
    return (severity && this.severities[severity]) || this.file.default_priority;
  }

  /** Whether diagnostics may reach this host (a name or an IP address). */
  allows(host: string): boolean {
    const name = host
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
    const family = isIP(name);
    return this.allowList.some((entry) => {
      if (entry.kind === 'ip') return family !== 0 && entry.list.check(name, family === 4 ? 'ipv4' : 'ipv6');
      if (family !== 0) return false;
      return entry.kind === 'host'
        ? entry.host.replace(/\.$/, '') === name
        : name.endsWith(entry.suffix.replace(/\.$/, '')) && name.length > entry.suffix.length;
    });
  }

  /**
   * The checks to run for a notice: for each firing alert (the group's labels under its own), each
   * matching rule's checks with their targets filled in; the same target once; at most
   * MAX_CHECKS_PER_NOTICE. A target that names a missing label, is malformed or is not on the
   * allow-list is skipped with its reason: an alert can never make the bot probe an arbitrary address.
   */
  plan(notice: AlertNotice): { checks: PlannedCheck[]; skipped: SkippedCheck[] } {
    const checks: PlannedCheck[] = [];
    const skipped: SkippedCheck[] = [];
    const seen = new Set<string>();
    const firing = notice.alerts.filter((alert) => alert.status === 'firing');
    const subjects: Array<Pick<AlertInstance, 'labels' | 'annotations'>> =
      firing.length > 0 ? firing : [{ labels: {}, annotations: {} }];
    for (const alert of subjects) {
      const labels = { ...notice.labels, ...alert.labels };
      const annotations = { ...notice.annotations, ...alert.annotations };
      for (const rule of this.file.diagnostics) {
        if (!matchesLabels(rule.when, labels)) continue;
        for (const ruleCheck of rule.checks) {
          const planned = fill(rule.name, ruleCheck, { labels, annotations });
          if ('reason' in planned) {
            const id = `skip:${planned.name}:${JSON.stringify(planned.reason)}`;
            if (!seen.has(id)) skipped.push(planned);
            seen.add(id);
            continue;
          }
          const id = `${planned.check.type}:${planned.target}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const host = hostOf(planned.check);
          if (!this.allows(host)) {
            skipped.push({ name: planned.name, reason: wording('eng.alert.skip.notAllowed', { host }) });
            continue;
          }
          if (checks.length >= MAX_CHECKS_PER_NOTICE) {
            skipped.push({
              name: planned.name,
              reason: wording('eng.alert.skip.tooMany', { max: MAX_CHECKS_PER_NOTICE }),
            });
            continue;
          }
          checks.push(planned);
        }
      }
    }
    return { checks, skipped };
  }
}

function matchesLabels(when: Record<string, string | string[]>, labels: Record<string, string>): boolean {
  return Object.entries(when).every(([name, wanted]) => {
    const value = labels[name];
    if (value === undefined) return false;
    return (Array.isArray(wanted) ? wanted : [wanted]).some((option) => option.toLowerCase() === value.toLowerCase());
  });
}

const PLACEHOLDER = /\$\{(labels|annotations)\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Fills ${labels.x} / ${annotations.x}; a value with characters no host, port or URL part needs is refused. */
function expand(
  text: string,
  values: { labels: Record<string, string>; annotations: Record<string, string> },
  part: 'url' | 'host',
): string | { missing: string } | { bad: string } {
  let problem: { missing: string } | { bad: string } | undefined;
  const filled = text.replace(PLACEHOLDER, (whole, kind: 'labels' | 'annotations', name: string) => {
    const value = values[kind][name];
    if (value === undefined || value === '') {
      problem ??= { missing: `${kind}.${name}` };
      return whole;
    }
    // A label fills a host or a path segment, never the URL's structure: no scheme, user info or whitespace.
    const allowed = part === 'host' ? /^[A-Za-z0-9._:[\]-]{1,253}$/ : /^[A-Za-z0-9._:[\]~%/-]{1,500}$/;
    if (!allowed.test(value) || (part === 'url' && value.includes('//'))) {
      problem ??= { bad: `${kind}.${name}` };
      return whole;
    }
    return value;
  });
  return problem ?? filled;
}

function fill(
  rule: string,
  ruleCheck: RuleCheck,
  values: { labels: Record<string, string>; annotations: Record<string, string> },
): PlannedCheck | SkippedCheck {
  const problem = (name: string, result: { missing: string } | { bad: string }): SkippedCheck => ({
    name,
    reason:
      'missing' in result
        ? wording('eng.alert.skip.missing', { label: result.missing })
        : wording('eng.alert.skip.notPlain', { label: result.bad }),
  });
  switch (ruleCheck.type) {
    case 'http': {
      const url = expand(ruleCheck.url, values, 'url');
      if (typeof url !== 'string') return problem(`${rule}: ${ruleCheck.url}`, url);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { name: `${rule}: ${url}`, reason: wording('eng.alert.skip.badUrl') };
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        return { name: `${rule}: ${url}`, reason: wording('eng.alert.skip.scheme') };
      if (parsed.username || parsed.password)
        return { name: `${rule}: ${url}`, reason: wording('eng.alert.skip.credentials') };
      const check: Check = {
        type: 'http',
        url: parsed.href,
        timeout_ms: ruleCheck.timeout_ms,
        ...(ruleCheck.expect_status ? { expect_status: ruleCheck.expect_status } : {}),
      };
      return { name: `${rule}: ${parsed.href}`, target: parsed.href, check };
    }
    case 'dns': {
      const host = expand(ruleCheck.host, values, 'host');
      if (typeof host !== 'string') return problem(`${rule}: ${ruleCheck.host}`, host);
      if (!HOST_NAME.test(host.toLowerCase()))
        return { name: `${rule}: ${host}`, reason: wording('eng.alert.skip.notHost') };
      return { name: `${rule}: ${host}`, target: host, check: { type: 'dns', host, timeout_ms: ruleCheck.timeout_ms } };
    }
    case 'tcp': {
      const hostText = expand(ruleCheck.host, values, 'host');
      if (typeof hostText !== 'string') return problem(`${rule}: ${ruleCheck.host}`, hostText);
      // Prometheus's instance label is often host:port: the port comes from the rule.
      const host = hostText.replace(/^\[(.*)\]$/, '$1');
      const portText =
        typeof ruleCheck.port === 'number' ? String(ruleCheck.port) : expand(ruleCheck.port, values, 'host');
      if (typeof portText !== 'string') return problem(`${rule}: ${host}:${String(ruleCheck.port)}`, portText);
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        return { name: `${rule}: ${host}:${portText}`, reason: wording('eng.alert.skip.notPort', { port: portText }) };
      if (!isIP(host) && !HOST_NAME.test(host.toLowerCase()))
        return { name: `${rule}: ${host}:${port}`, reason: wording('eng.alert.skip.notHost') };
      return {
        name: `${rule}: ${host}:${port}`,
        target: `${host}:${port}`,
        check: { type: 'tcp', host, port, timeout_ms: ruleCheck.timeout_ms },
      };
    }
  }
}

function hostOf(check: Check): string {
  if (check.type === 'http') return new URL(check.url).hostname;
  return check.host;
}
