import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../src');

/** Imports the core must never make: chat SDKs, the database layer, the app's outer rings. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/^@slack\//, 'a Slack SDK'],
  [/^botbuilder/, 'the Bot Framework SDK'],
  [/^@microsoft\/(agents|teams)/, 'a Microsoft channel SDK'],
  [/^@prisma\//, 'Prisma'],
  [/^prisma/, 'Prisma'],
  [/generated/, 'the generated Prisma client'],
  [/^better-sqlite3|^pg$/, 'a database driver'],
  [/^pino/, 'the logging library (use the Logger port)'],
  [/(^|\/)(store|channels|config)\//, 'the store, channels or config (they depend on the core, not the reverse)'],
  [/(^|\/)app\.js$|(^|\/)main\.js$/, 'the composition root'],
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1] ?? match[2] ?? match[3] ?? '');
  return specifiers;
}

function violations(file: string, source: string): string[] {
  return importsOf(source).flatMap((specifier) => {
    const rule = FORBIDDEN.find(([pattern]) => pattern.test(specifier));
    return rule ? [`${path.relative(root, file)} imports ${specifier} (${rule[1]})`] : [];
  });
}

describe('architecture', () => {
  it('the core imports no chat SDK, no database library and nothing outside the core', () => {
    const files = filesUnder(path.join(root, 'core'));
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((file) => violations(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check catches each kind of forbidden import', () => {
    const sample = [
      "import { App } from '@slack/bolt';",
      "import { CloudAdapter } from 'botbuilder';",
      "import { PrismaClient } from '../../store/prisma/generated/client.js';",
      "const x = await import('@prisma/client');",
      "export { openSqliteStore } from '../store/open-store.js';",
      "import '../channels/local/local-chat.js';",
    ].join('\n');
    expect(violations(path.join(root, 'core/x.ts'), sample)).toHaveLength(6);
  });
});
