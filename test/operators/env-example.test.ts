import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/config.js';
import { defaultOf, renderEnvExample } from '../../src/config/env-example.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const names = Object.keys(envSchema.shape);

/** The variable names in the first column of README's Configuration table. */
function readmeVariables(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*\*?)` \|/gm)].map((m) => m[1]!);
}

describe('.env.example', () => {
  it('is what npm run env:example writes from the schema (run it and commit the file when this fails)', () => {
    expect(readFileSync(path.join(ROOT, '.env.example'), 'utf8')).toBe(renderEnvExample());
  });

  it('lists every variable of the schema once, commented out, with its default', () => {
    const text = renderEnvExample();
    for (const name of names) {
      const lines = text.split('\n').filter((line) => line.startsWith(`#${name}=`));
      expect(lines, name).toHaveLength(1);
      expect(text).toContain(`Default: ${defaultOf(name as keyof typeof envSchema.shape).text}.`);
    }
    // Nothing in it takes effect when copied to .env as it is.
    expect(text.split('\n').filter((line) => line.trim() && !line.startsWith('#'))).toEqual([]);
  });

  it('takes defaults from the schema itself', () => {
    expect(defaultOf('PORT')).toEqual({ value: '3000', text: '3000' });
    expect(defaultOf('TICKET_KEY_PREFIX').value).toBe('HD');
    expect(defaultOf('HOST').value).toBeUndefined();
  });

  it("every variable of the schema has a row in README's Configuration table, and every row is a variable", () => {
    const rows = readmeVariables();
    expect(names.filter((name) => !rows.includes(name))).toEqual([]);
    expect(rows.filter((row) => !names.includes(row) && row !== 'CHECK_*')).toEqual([]);
  });
});
