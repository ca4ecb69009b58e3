import { describe, expect, it } from 'vitest';
import type { AlertNotice } from '../../src/core/alerts/alert.js';
import { AlertRules, alertsFileSchema, MAX_CHECKS_PER_NOTICE } from '../../src/core/alerts/alert-rules.js';
import { messagesFor, sayWording, type Wording } from '../../src/core/messages/catalogue.js';
import path from 'node:path';
import { parseAlertsFile, readAlertsFile } from '../../src/config/alerts-file.js';

/** A skipped check's reason as the log and an English deployment's tickets read it. */
const english = (reason: Wording) => sayWording(messagesFor('en'), reason);

const rules = (file: Record<string, unknown>) => new AlertRules(alertsFileSchema.parse(file));
const notice = (labels: Record<string, string>[], common: Record<string, string> = {}): AlertNotice => ({
  source: 'alertmanager',
  sourceName: 'Alertmanager',
  groupKey: 'g',
  status: 'firing',
  title: 't',
  description: '',
  severity: null,
  labels: common,
  annotations: {},
  alerts: labels.map((own, i) => ({
    fingerprint: `f${i}`,
    status: 'firing',
    labels: own,
    annotations: {},
    startsAt: null,
    endsAt: null,
    url: null,
  })),
  url: null,
});

describe('alert rules', () => {
  it('maps severities to priorities, case-insensitively, with the file overriding the defaults', () => {
    const defaults = rules({});
    expect(
      ['critical', 'Error', 'warning', 'info', 'bogus', null].map((severity) => defaults.priorityOf({ severity })),
    ).toEqual(['P1', 'P2', 'P3', 'P4', 'P3', 'P3']);
    const own = rules({ severity: { warning: 'P2', sev1: 'P1' }, default_priority: 'P4' });
    expect(['warning', 'SEV1', 'unknown'].map((severity) => own.priorityOf({ severity }))).toEqual(['P2', 'P1', 'P4']);
  });

  it('allows only listed hosts, subdomains of a *.domain, listed addresses and CIDR blocks', () => {
    const allow = rules({
      allow: ['db.example.test', '*.internal.example.test', '10.1.0.0/16', '192.0.2.7', 'fd00::/8'],
    });
    const allowed = [
      'db.example.test',
      'DB.example.test.',
      'a.internal.example.test',
      'a.b.internal.example.test',
      '10.1.200.3',
      '192.0.2.7',
      'fd00::1',
      '[fd00::2]',
    ];
    const refused = [
      'internal.example.test',
      'evilinternal.example.test',
      'x.db.example.test',
      '10.2.0.1',
      '192.0.2.8',
      '169.254.169.254',
      '127.0.0.1',
      'localhost',
      '::1',
      'fe80::1',
      '',
    ];
    expect(allowed.filter((host) => !allow.allows(host))).toEqual([]);
    expect(refused.filter((host) => allow.allows(host))).toEqual([]);
    expect(rules({}).allows('anything.example.test')).toBe(false);
  });

  it('fills targets from labels, refuses values that would change a URL or host, and caps the checks of one notice', () => {
    const file = {
      allow: ['*.example.test'],
      diagnostics: [
        {
          name: 'web',
          checks: [
            { type: 'http', url: 'https://${labels.host}/health' },
            { type: 'tcp', host: '${labels.host}', port: '${labels.port}' },
          ],
        },
      ],
    };
    const hostile = [
      'a.example.test@evil.test',
      'evil.test/x?.example.test',
      'a b.example.test',
      'javascript:alert(1)',
      'evil.test#.example.test',
    ];
    const plan = rules(file).plan(notice(hostile.map((host) => ({ host, port: '443' }))));
    expect(plan.checks).toEqual([]);
    expect(plan.skipped.length).toBeGreaterThan(0);
    const many = rules(file).plan(
      notice(Array.from({ length: 30 }, (_, i) => ({ host: `h${i}.example.test`, port: '8443' }))),
    );
    expect(many.checks).toHaveLength(MAX_CHECKS_PER_NOTICE);
    expect(many.skipped.some((skip) => english(skip.reason).includes(`more than ${MAX_CHECKS_PER_NOTICE}`))).toBe(true);
    const badPort = rules(file).plan(notice([{ host: 'ok.example.test', port: '99999' }]));
    expect(badPort.checks.map((c) => c.target)).toEqual(['https://ok.example.test/health']);
    expect(english(badPort.skipped[0]!.reason)).toBe('99999 is not a port');
  });

  it('matches diagnostics on labels (any of the values), the group labels under each alert', () => {
    const file = {
      allow: ['*.example.test'],
      diagnostics: [
        {
          name: 'db',
          when: { job: ['postgres', 'mysql'], env: 'prod' },
          checks: [{ type: 'dns', host: '${labels.host}' }],
        },
      ],
    };
    const plan = rules(file).plan(
      notice(
        [
          { host: 'a.example.test', job: 'postgres' },
          { host: 'b.example.test', job: 'redis' },
          { host: 'c.example.test', job: 'MySQL' },
        ],
        { env: 'prod' },
      ),
    );
    expect(plan.checks.map((c) => c.target)).toEqual(['a.example.test', 'c.example.test']);
  });

  it("reports an alerts file's problems with file, line and field", () => {
    const result = parseAlertsFile(
      [
        'severity:',
        '  critical: P0',
        'allow:',
        '  - "not a host!"',
        'diagnostics:',
        '  - name: x',
        '    checks:',
        '      - type: ftp',
        '        host: a',
      ].join('\n'),
      'alerts.yaml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alerts\.yaml:2: severity\.critical: expected one of P1, P2, P3, P4/),
        expect.stringMatching(/^alerts\.yaml:4: allow\[0\]: expected a host name/),
        expect.stringMatching(/^alerts\.yaml:8: diagnostics\[0\]\.checks\[0\]/),
      ]),
    );
    expect(parseAlertsFile('', 'alerts.yaml')).toEqual({
      ok: false,
      problems: ['alerts.yaml:1: file: the alerts file is empty (expected category, severity, allow, diagnostics...)'],
    });
    expect(parseAlertsFile('category: infra\nallow: [10.0.0.0/8]\n', 'alerts.yaml').ok).toBe(true);
    const example = readAlertsFile(path.resolve(import.meta.dirname, '../../config/alerts.example.yaml'));
    expect(example.ok ? example.rules.file.diagnostics.map((d) => d.name) : example.problems).toEqual([
      'postgres reachable',
      'web health',
    ]);
  });
});
