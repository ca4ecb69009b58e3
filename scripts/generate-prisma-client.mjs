// Generates the Prisma clients (run by npm's postinstall): the SQLite one from
// prisma/schema.prisma into src/store/prisma/generated, and the PostgreSQL one into
// src/store/prisma/generated-pg from prisma/postgres/schema.prisma, which this script writes
// from prisma/schema.prisma first (git-ignored: schema.prisma stays the one place where models
// are written, and a copy that could fall behind is never checked in).
//
// Why the environment variable: Prisma's CLI wants to locate its schema engine even for
// `generate`, which does not use it. The engine binary is downloaded by an install script
// that this project does not approve (our build machines have no internet), so we point the
// CLI at an existing file. Generation itself runs in WebAssembly and needs no engine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sqliteSchema = path.join(root, 'prisma', 'schema.prisma');
const postgresSchema = path.join(root, 'prisma', 'postgres', 'schema.prisma');

/**
 * The PostgreSQL twin of schema.prisma: the same text with only the datasource provider and the
 * generator's output changed. Each must match exactly once, so an edit to schema.prisma that
 * moves them fails here instead of generating a client from the wrong schema.
 */
function postgresSchemaText(sqliteText) {
  const swap = (text, pattern, replacement, what) => {
    const matches = text.match(new RegExp(pattern.source, 'gm')) ?? [];
    if (matches.length !== 1)
      throw new Error(`prisma/schema.prisma: expected exactly one ${what}, found ${matches.length}`);
    return text.replace(new RegExp(pattern.source, 'm'), replacement);
  };
  let text = swap(sqliteText, /^(\s*provider\s*=\s*)"sqlite"/, '$1"postgresql"', 'provider = "sqlite"');
  text = swap(
    text,
    /^(\s*output\s*=\s*)"\.\.\/src\/store\/prisma\/generated"/,
    '$1"../../src/store/prisma/generated-pg"',
    'output = "../src/store/prisma/generated"',
  );
  return `// GENERATED from prisma/schema.prisma by scripts/generate-prisma-client.mjs (npm install).\n// Edit prisma/schema.prisma instead; this file is rewritten.\n\n${text}`;
}

function generate(schema) {
  const require = createRequire(import.meta.url);
  const env = { ...process.env };
  env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
  env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
  const cli = require.resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], {
    stdio: 'inherit',
    env,
    cwd: root,
  });
  if (result.status !== 0) {
    console.error(`Generating the Prisma client from ${path.relative(root, schema)} failed (see above).`);
    process.exit(result.status ?? 1);
  }
}

// The prisma CLI is a dev dependency. A production install (npm ci --omit=dev --omit=optional)
// runs a dist/ compiled where the clients were generated (npm run build, which compiles them
// with the rest of src/), so it needs neither the CLI nor a generated client under src/.
try {
  createRequire(import.meta.url).resolve('prisma/build/index.js');
} catch {
  console.log(
    'Prisma clients not generated: the prisma CLI (a dev dependency) is not installed. A production install runs dist/ as built (npm run build) where the dev dependencies are.',
  );
  process.exit(0);
}

mkdirSync(path.dirname(postgresSchema), { recursive: true });
writeFileSync(postgresSchema, postgresSchemaText(readFileSync(sqliteSchema, 'utf8')));
generate(sqliteSchema);
generate(postgresSchema);
