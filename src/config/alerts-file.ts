import { readFileSync } from 'node:fs';
import { AlertRules, alertsFileSchema } from '../core/alerts/alert-rules.js';
import { parseYamlConfig } from './yaml-config.js';

export type AlertsFileResult = { ok: true; rules: AlertRules } | { ok: false; problems: string[] };

/** Reads and validates ALERTS_FILE. Problems read "file:line: field: message". */
export function readAlertsFile(file: string): AlertsFileResult {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [
        `${file}: file: cannot read the alerts file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      ],
    };
  }
  return parseAlertsFile(source, file);
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
