import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertDesk, alertGroupId } from '../../src/core/alerts/alert-desk.js';
import type { AlertNotice } from '../../src/core/alerts/alert.js';
import { AlertRules, alertsFileSchema } from '../../src/core/alerts/alert-rules.js';
import type { LanguageCode } from '../../src/core/language/languages.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Check } from '../../src/core/scripts/script.js';
import type { CheckResult, CheckRunner } from '../../src/core/scripts/script-runner.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { parseAlertPayload } from '../../src/channels/alerts/alert-payloads.js';
import { loadTestLibrary, startMemoryApp } from '../support/memory-app.js';

const fixture = (name: string): AlertNotice => {
  const parsed = parseAlertPayload(
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/alerts', name), 'utf8')),
  );
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.notice;
};

class ScriptedChecks implements CheckRunner {
  readonly ran: Check[] = [];
  async run(check: Check): Promise<CheckResult> {
    this.ran.push(check);
    return check.type === 'tcp'
      ? { ok: false, detail: 'ECONNREFUSED: connect refused', ms: 3 }
      : { ok: true, detail: 'HTTP 200 in 4 ms', ms: 4 };
  }
}

const rules = (file: Record<string, unknown> = {}) => new AlertRules(alertsFileSchema.parse(file));
const engineer = { id: 'U0ENGINEER', name: 'Erin', role: 'engineer' as const };

let library: LiveKnowledge;
beforeAll(async () => {
  library = await loadTestLibrary();
});

async function desk(file: Record<string, unknown> = {}, language?: LanguageCode) {
  const { app, notifier, store } = await startMemoryApp({ library });
  const checks = new ScriptedChecks();
  const alertDesk = new AlertDesk({
    groups: store.alertGroups,
    tickets: app.tickets,
    rules: () => rules(file),
    checks,
    logger: silentLogger,
    ...(language ? { language } : {}),
  });
  return { app, notifier, store, checks, desk: alertDesk };
}

describe('AlertDesk: one ticket per alert group', () => {
  it('opens a ticket for a firing group, as the source, with its priority from the severity and its alerts listed', async () => {
    const { app, desk: alerts } = await desk();
    const notice = fixture('alertmanager-v4-firing.json');
    const outcome = await alerts.handle(notice, 'alert:1');
    expect(outcome).toMatchObject({ action: 'opened' });
    const ticket = await app.tickets.get((outcome as { ticketKey: string }).ticketKey);
    expect(ticket).toMatchObject({
      priority: 'P1',
      category: 'monitoring',
      channel: 'alerts',
      requesterId: 'alerts:alertmanager',
      requesterName: 'Alertmanager',
      subject: 'Alertmanager: PostgresDown',
    });
    expect(ticket.description).toContain('2 firing:');
    expect(ticket.description).toContain('instance=db1.internal.example.test:9187');
    expect(ticket.description).toContain('Diagnostics: none configured');
    expect(ticket.collected.alert).toMatchObject({
      source: 'alertmanager',
      labels: { team: 'data', severity: 'critical' },
      firing: ['5e2b8a1f0c9d3e47', '9a0f33c61b7e2d58'],
    });
  });

  it('counts a repeat that changes nothing without a line, and writes one when the firing alerts change', async () => {
    const { app, desk: alerts, store } = await desk();
    const notice = fixture('alertmanager-v4-firing.json');
    const opened = await alerts.handle(notice, 'alert:1');
    const key = (opened as { ticketKey: string }).ticketKey;
    expect(await alerts.handle(notice, 'alert:2')).toEqual({ action: 'repeat', ticketKey: key });
    expect(await alerts.handle(notice, 'alert:3')).toEqual({ action: 'repeat', ticketKey: key });
    const oneCleared = {
      ...notice,
      alerts: [notice.alerts[0]!, { ...notice.alerts[1]!, status: 'resolved' as const }],
    };
    expect(await alerts.handle(oneCleared, 'alert:4')).toEqual({ action: 'updated', ticketKey: key });
    const ticket = await app.tickets.get(key);
    const comments = (await app.tickets.history(ticket)).filter((event) => event.type === 'comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.detail.text).toContain('1 firing, 1 resolved (1 cleared)');
    expect((await store.alertGroups.find(alertGroupId(notice)))!.repeats).toBe(2);
  });

  it('notes a resolved group in its ticket, and resolves the ticket only when the rules say so', async () => {
    for (const resolveOnRecovery of [false, true]) {
      const { app, desk: alerts } = await desk({ resolve_on_recovery: resolveOnRecovery });
      const notice = fixture('grafana-firing.json');
      const key = ((await alerts.handle(notice, 'alert:1')) as { ticketKey: string }).ticketKey;
      const resolved = {
        ...notice,
        status: 'resolved' as const,
        alerts: notice.alerts.map((alert) => ({ ...alert, status: 'resolved' as const })),
      };
      expect(await alerts.handle(resolved, 'alert:2')).toEqual({ action: 'recovered', ticketKey: key });
      // Sent again (Grafana repeats resolved notices): nothing more.
      expect(await alerts.handle(resolved, 'alert:3')).toEqual({ action: 'repeat', ticketKey: key });
      const ticket = await app.tickets.get(key);
      expect(ticket.status).toBe(resolveOnRecovery ? 'resolved' : 'new');
      expect(ticket.priority).toBe('P3');
      const comments = (await app.tickets.history(ticket)).filter((event) => event.type === 'comment');
      expect(comments.map((event) => event.detail.text)).toEqual(['Grafana: resolved at the source (1 resolved).']);
    }
  });

  it('reopens a resolved ticket when its group fires again, and opens a new one after it was closed', async () => {
    const { app, desk: alerts } = await desk();
    const notice = fixture('generic-firing.json');
    const key = ((await alerts.handle(notice, 'alert:1')) as { ticketKey: string }).ticketKey;
    await app.tickets.resolve(key, engineer, 'Power-cycled the printer');
    expect(await alerts.handle(notice, 'alert:2')).toEqual({ action: 'reopened', ticketKey: key });
    expect((await app.tickets.get(key)).status).toBe('reopened');
    await app.tickets.close(key, engineer, 'replaced');
    const again = await alerts.handle(notice, 'alert:3');
    expect(again).toMatchObject({ action: 'opened' });
    const fresh = await app.tickets.get((again as { ticketKey: string }).ticketKey);
    expect(fresh.key).not.toBe(key);
    expect(fresh.description).toContain(`earlier ticket ${key} is closed`);
  });

  it('does nothing twice when a notice is handled again after a crash, and ignores a resolved notice for a group it never saw', async () => {
    const { app, desk: alerts, notifier } = await desk();
    const notice = fixture('generic-firing.json');
    const first = await alerts.handle(notice, 'alert:1');
    const again = await alerts.handle(notice, 'alert:1');
    expect(again).toMatchObject({ ticketKey: (first as { ticketKey: string }).ticketKey });
    expect(await app.tickets.queue()).toHaveLength(1);
    const update = { ...notice, status: 'resolved' as const };
    await alerts.handle(update, 'alert:2');
    await alerts.handle(update, 'alert:2');
    const ticket = await app.tickets.get((first as { ticketKey: string }).ticketKey);
    expect((await app.tickets.history(ticket)).filter((event) => event.type === 'comment')).toHaveLength(1);
    expect(notifier.sent.filter((n) => n.type === 'opened').length).toBeGreaterThanOrEqual(1);
    expect(await alerts.handle({ ...notice, groupKey: 'never-seen', status: 'resolved' }, 'alert:3')).toEqual({
      action: 'ignored',
      reason: 'resolved notice for a group with no ticket',
    });
  });

  // French typography too: a no-break space (U+00A0) before ':' in the fixed words; the alert's values as sent.
  it("words a ticket in the engineers' language: no severity, no diagnostics, an earlier closed ticket, checks, many alerts", async () => {
    const { app, desk: alerts } = await desk({}, 'fr');
    const generic = fixture('generic-firing.json');
    const bare = { ...generic, severity: null, labels: {} };
    const first = ((await alerts.handle(bare, 'alert:1')) as { ticketKey: string }).ticketKey;
    // The subject too: the source's name and the alert's title as sent, French's colon between them.
    expect((await app.tickets.get(first)).subject).toBe('Nagios\u00a0: Printer PRN-3F-01 offline');
    expect((await app.tickets.get(first)).description).toBe(
      [
        'No SNMP answer from PRN-3F-01 for 10 minutes.',
        '',
        'Gravité\u00a0: non indiquée (P3)',
        '',
        'Diagnostic\u00a0: aucun configuré pour cette alerte.',
        '',
        'Alertes (active)\u00a0:',
        'Source\u00a0: https://nagios.internal.example.test/cgi-bin/extinfo.cgi?type=1&host=prn-3f-01',
      ].join('\n'),
    );
    await app.tickets.close(first, engineer, 'remplacée');
    const again = ((await alerts.handle(bare, 'alert:2')) as { ticketKey: string }).ticketKey;
    expect((await app.tickets.get(again)).description).toContain(
      `\nLe ticket précédent de ce groupe, ${first}, est clos.\n`,
    );

    const { app: app2, desk: checked } = await desk(
      {
        allow: ['*.internal.example.test'],
        diagnostics: [
          {
            name: 'pg',
            when: { job: 'postgres' },
            checks: [
              { type: 'tcp', host: 'db1.internal.example.test', port: 5432 },
              { type: 'dns', host: 'db1.internal.example.test' },
            ],
          },
        ],
      },
      'fr',
    );
    const notice = fixture('alertmanager-v4-firing.json');
    // 21 alerts: 20 listed and one more; the last has only the group's labels.
    const many = {
      ...notice,
      alerts: Array.from({ length: 21 }, (_, i) => ({
        ...notice.alerts[0]!,
        fingerprint: `f${i}`,
        labels: i === 0 ? { ...notice.labels } : { ...notice.alerts[0]!.labels, instance: `db${i}:9187` },
        annotations: i === 0 ? {} : notice.alerts[0]!.annotations,
        startsAt: i === 0 ? null : notice.alerts[0]!.startsAt,
      })),
    };
    const key = ((await checked.handle(many, 'alert:1')) as { ticketKey: string }).ticketKey;
    const lines = (await app2.tickets.get(key)).description.split('\n');
    expect(lines.slice(2, 9)).toEqual([
      'Gravité\u00a0: critical (P1)',
      'Étiquettes\u00a0: alertname=PostgresDown job=postgres severity=critical team=data',
      '',
      'Diagnostic\u00a0:',
      '- pg: db1.internal.example.test:5432\u00a0: ÉCHEC, ECONNREFUSED: connect refused',
      '- pg: db1.internal.example.test\u00a0: OK, HTTP 200 in 4 ms',
      '',
    ]);
    expect(lines[9]).toBe('Alertes (21 actives)\u00a0:');
    expect(lines[10]).toBe('- ACTIVE (étiquettes du groupe)');
    expect(lines[11]).toBe(
      '- ACTIVE instance=db1:9187\u00a0: PostgreSQL is down on db1 (depuis 2026-12-04T08:58:12.345Z)',
    );
    expect(lines[30]).toBe('- ... et 1 autre');
    // A second notice: two of them recover.
    const fewer = { ...many, alerts: many.alerts.map((a, i) => (i < 2 ? { ...a, status: 'resolved' as const } : a)) };
    await checked.handle(fewer, 'alert:2');
    const comment = (await app2.tickets.history(await app2.tickets.get(key))).find((e) => e.type === 'comment');
    expect(String(comment?.detail.text).split('\n')[0]).toBe('Alertmanager\u00a0: 19 actives, 2 résolues (2 levées).');
  });

  it('runs the configured diagnostics on allowed targets and writes their results in the ticket, skipping the rest with a reason', async () => {
    const {
      app,
      desk: alerts,
      checks,
    } = await desk({
      allow: ['*.internal.example.test'],
      diagnostics: [
        {
          name: 'postgres',
          when: { job: 'postgres' },
          checks: [
            { type: 'tcp', host: '${labels.instance}', port: 5432 },
            { type: 'http', url: 'http://${labels.instance}/metrics' },
            { type: 'dns', host: '${labels.missing}' },
          ],
        },
        { name: 'never', when: { job: 'web' }, checks: [{ type: 'dns', host: 'web.internal.example.test' }] },
      ],
    });
    const notice = fixture('alertmanager-v4-firing.json');
    // The instance label is host:port: the tcp check takes the rule's port, the URL keeps it.
    const patched = {
      ...notice,
      alerts: notice.alerts.map((alert) => ({
        ...alert,
        labels: { ...alert.labels, instance: alert.labels.instance!.replace(':9187', '') },
      })),
    };
    patched.alerts[1]!.labels.instance = 'attacker.example.com';
    const key = ((await alerts.handle(patched, 'alert:1')) as { ticketKey: string }).ticketKey;
    expect(checks.ran).toEqual([
      { type: 'tcp', host: 'db1.internal.example.test', port: 5432, timeout_ms: 3000 },
      { type: 'http', url: 'http://db1.internal.example.test/metrics', timeout_ms: 3000 },
    ]);
    const ticket = await app.tickets.get(key);
    expect(ticket.description).toContain('- postgres: db1.internal.example.test:5432: FAILED, ECONNREFUSED');
    expect(ticket.description).toContain('- postgres: http://db1.internal.example.test/metrics: ok, HTTP 200 in 4 ms');
    expect(ticket.description).toContain('attacker.example.com is not on the allow-list');
    expect(ticket.description).toContain('the alert has no labels.missing');
    // On the card, which shows the description's first 1,200 characters, however many alerts fire.
    expect(ticket.description.indexOf('Diagnostics:')).toBeLessThan(ticket.description.indexOf('2 firing:'));
    expect(ticket.collected.checks).toMatchObject({
      'postgres: db1.internal.example.test:5432': { ok: false, target: 'db1.internal.example.test:5432' },
    });
  });
});
