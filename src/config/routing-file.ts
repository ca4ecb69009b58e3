import { RoutingRules, routingFileSchema } from '../core/tickets/routing-rules.js';
import { parseYamlConfig, readConfigFile } from './yaml-config.js';

export type RoutingFileResult = { ok: true; rules: RoutingRules } | { ok: false; problems: string[] };

/** Reads and validates ROUTING_FILE. Problems read "file:line: field: message". */
export function readRoutingFile(file: string): RoutingFileResult {
  return readConfigFile(file, 'routing', parseRoutingFile);
}

/** Parses a routing file's text (see parseYamlConfig for the YAML rules). */
export function parseRoutingFile(source: string, file: string): RoutingFileResult {
  const parsed = parseYamlConfig(
    source,
    file,
    routingFileSchema,
    'the routing file is empty (expected routes, default, tiers and groups)',
  );
  return parsed.ok ? { ok: true, rules: new RoutingRules(parsed.data) } : parsed;
}
