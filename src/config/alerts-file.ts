import { AlertRules, alertsFileSchema } from '../core/alerts/alert-rules.js';
import { parseYamlConfig, readConfigFile } from './yaml-config.js';

export type AlertsFileResult = { ok: true; rules: AlertRules } | { ok: false; problems: string[] };

/** Reads and validates ALERTS_FILE. Problems read "file:line: field: message". */
export function readAlertsFile(file: string): AlertsFileResult {
  return readConfigFile(file, 'alerts', parseAlertsFile);
}

/** Parses an alerts file's text (see parseYamlConfig for the YAML rules). */
export function parseAlertsFile(source: string, file: string): AlertsFileResult {
  const parsed = parseYamlConfig(
    source,
    file,
    alertsFileSchema,
    'the alerts file is empty (expected category, severity, allow, diagnostics...)',
  );
  return parsed.ok ? { ok: true, rules: new AlertRules(parsed.data) } : parsed;
}
