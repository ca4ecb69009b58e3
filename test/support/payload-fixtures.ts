import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Platform payloads as Slack and Teams send them (with fake ids), kept as JSON templates under
 * test/fixtures/payloads and filled in by the harnesses. A string that is exactly "{{name}}"
 * becomes the value as it is (an object, a number, a string); an undefined value drops the key
 * or array element, as the platform leaves out a field it has nothing for. "{{name}}" inside a
 * longer string is replaced by the value's text. A placeholder without a value, other than a
 * whole one, is an error: a typo in a template fails the test that uses it.
 */
const root = path.resolve(import.meta.dirname, '../fixtures/payloads');
const cache = new Map<string, unknown>();

/** The names of the templates, e.g. "slack/block_actions" or "teams/message". */
export type PayloadName =
  | 'slack/event_callback'
  | 'slack/message'
  | 'slack/block_actions'
  | 'slack/view_submission'
  | 'teams/message'
  | 'teams/invoke.adaptiveCard-action';

/** The template filled in with `values` (see above); a fresh object each call. */
export function payload(name: PayloadName, values: Record<string, unknown>): Record<string, unknown> {
  let template = cache.get(name);
  if (template === undefined) {
    template = JSON.parse(readFileSync(path.join(root, `${name}.json`), 'utf8')) as unknown;
    cache.set(name, template);
  }
  return fill(template, values, name) as Record<string, unknown>;
}

const WHOLE = /^\{\{(\w+)\}\}$/;
const INSIDE = /\{\{(\w+)\}\}/g;
/** Marks what a whole placeholder without a value leaves: the key or element is dropped. */
const DROP = Symbol('drop');

function fill(node: unknown, values: Record<string, unknown>, name: string): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole) return values[whole[1]!] === undefined ? DROP : values[whole[1]!];
    return node.replace(INSIDE, (_, key: string) => {
      if (values[key] === undefined) throw new Error(`${name}: no value for {{${key}}}`);
      return String(values[key]);
    });
  }
  if (Array.isArray(node)) return node.map((item) => fill(item, values, name)).filter((item) => item !== DROP);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const filled = fill(value, values, name);
      if (filled !== DROP) out[key] = filled;
    }
    return out;
  }
  return node;
}
