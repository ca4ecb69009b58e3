// npm run env:example: writes .env.example from the schema; `-- --check` only compares (exit 1 when it differs).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderEnvExample } from './env-example.js';

const file = path.resolve(import.meta.dirname, '../../.env.example');
const text = renderEnvExample();
let current: string | undefined;
try {
  current = readFileSync(file, 'utf8');
} catch {
  current = undefined;
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    process.stderr.write('.env.example differs from the schema: run `npm run env:example` and commit it.\n');
    process.exitCode = 1;
  } else {
    process.stdout.write('.env.example is current.\n');
  }
} else if (current === text) {
  process.stdout.write('.env.example is current.\n');
} else {
  writeFileSync(file, text);
  process.stdout.write(
    `wrote .env.example (${text.split('\n').filter((line) => /^#[A-Z]/.test(line)).length} variables)\n`,
  );
}
