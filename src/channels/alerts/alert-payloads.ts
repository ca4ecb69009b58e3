import { z } from 'zod';
import type { AlertInstance, AlertNotice } from '../../core/alerts/alert.js';

/** Alerts beyond this many in one notice are counted, not kept (Alertmanager's own max_alerts does the same). */
export const MAX_ALERTS = 200;
const MAX_LABELS = 64;

const text = (max: number) => z.string().transform((value) => value.slice(0, max));
const labelSet = z
  .record(z.string().min(1).max(100), z.string().max(2000))
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, { message: `expected at most ${MAX_LABELS} labels` })
  .default({});
const status = z.enum(['firing', 'resolved'], { message: 'expected "firing" or "resolved"' });
const time = z.string().max(64).nullish();

const alertSchema = z.object({
  status,
  labels: labelSet,
  annotations: labelSet,
  startsAt: time,
  endsAt: time,
  generatorURL: z.string().max(2000).nullish(),
  fingerprint: z.string().max(200).nullish(),
});

/** Prometheus Alertmanager's webhook, version 4 (Grafana's adds title, state, message and orgId). */
const alertmanagerSchema = z.object({
  version: z.string(),
  groupKey: z.string().min(1).max(5000),
  truncatedAlerts: z.number().int().min(0).optional(),
  status,
  receiver: z.string().max(500).optional(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string().max(2000).optional(),
  alerts: z.array(alertSchema).max(10_000),
  // Grafana's fields.
  title: text(300).optional(),
  message: text(4000).optional(),
  orgId: z.number().optional(),
});

/** The generic format, for senders that are neither (documented in the README). */
const genericSchema = z.strictObject({
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a short lowercase name such as "nagios" (letters, digits, -)'),
  name: z.string().trim().min(1).max(60).optional(),
  key: z.string().min(1).max(500),
  status,
  title: z.string().trim().min(1).max(300),
  description: text(4000).optional(),
  severity: z.string().max(40).optional(),
  labels: labelSet,
  url: z.string().max(2000).optional(),
});

export type PayloadResult = { ok: true; notice: AlertNotice } | { ok: false; problem: string };

/**
 * A sender's JSON as an AlertNotice. Alertmanager (version "4") and Grafana (orgId, or version "1")
 * are told apart by their fields; anything else must be the generic format.
 */
export function parseAlertPayload(body: unknown): PayloadResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, problem: 'expected a JSON object' };
  const fields = body as Record<string, unknown>;
  if ('alerts' in fields && 'groupKey' in fields) {
    const grafana = 'orgId' in fields || fields.version === '1';
    if (!grafana && fields.version !== '4')
      return {
        ok: false,
        problem: `unsupported Alertmanager webhook version ${JSON.stringify(fields.version)} (expected "4")`,
      };
    const parsed = alertmanagerSchema.safeParse(body);
    if (!parsed.success) return { ok: false, problem: describe(parsed.error) };
    return { ok: true, notice: fromAlertmanager(parsed.data, grafana) };
  }
  const parsed = genericSchema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      problem: `not an Alertmanager (version 4), Grafana or generic alert: ${describe(parsed.error)}`,
    };
  const generic = parsed.data;
  return {
    ok: true,
    notice: {
      source: generic.source,
      sourceName: generic.name ?? generic.source,
      groupKey: generic.key,
      status: generic.status,
      title: generic.title,
      description: generic.description ?? '',
      severity: generic.severity ?? generic.labels.severity ?? null,
      labels: generic.labels,
      annotations: {},
      alerts: [],
      url: httpUrl(generic.url),
    },
  };
}

function fromAlertmanager(payload: z.output<typeof alertmanagerSchema>, grafana: boolean): AlertNotice {
  const labels = { ...payload.groupLabels, ...payload.commonLabels };
  const annotations = payload.commonAnnotations;
  const alerts: AlertInstance[] = payload.alerts.slice(0, MAX_ALERTS).map((alert, i) => ({
    // Both senders give fingerprints; a hand-made payload without one is told apart by its labels.
    fingerprint:
      alert.fingerprint ||
      `labels:${JSON.stringify(Object.entries(alert.labels).sort())}`.slice(0, 200) ||
      `alert-${i}`,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt ?? null,
    endsAt: alert.endsAt && !alert.endsAt.startsWith('0001-') ? alert.endsAt : null,
    url: httpUrl(alert.generatorURL ?? undefined),
  }));
  const firstAlert = payload.alerts[0];
  const title =
    annotations.summary ??
    labels.alertname ??
    firstAlert?.labels.alertname ??
    (grafana && payload.title ? payload.title : undefined) ??
    'Alert';
  const description = annotations.description ?? (grafana && payload.message ? payload.message : '');
  return {
    source: grafana ? 'grafana' : 'alertmanager',
    sourceName: grafana ? 'Grafana' : 'Alertmanager',
    groupKey: payload.groupKey,
    status: payload.status,
    title: title.slice(0, 300),
    description: description.slice(0, 4000),
    severity: labels.severity ?? firstAlert?.labels.severity ?? null,
    labels,
    annotations,
    alerts,
    url: httpUrl(payload.externalURL),
  };
}

/** Only http(s) links are kept: a link shown to engineers must not be javascript: or data:. */
function httpUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''}`;
}
