import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-app.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('the compiled bot (npm run build, node dist/main.js)', () => {
  it(
    'builds dist/ when it is stale and answers a piped question from the bundled knowledge base with plain Node',
    { timeout: 180_000 },
    () => {
      // --if-stale: a dist/ already built from these sources is used as it is.
      const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);

      // No loader, no tsx: what a production start runs. With the sentence encoder, so its dynamic
      // import and TensorFlow.js's require are proven to resolve from dist/ too.
      const run = spawnSync(process.execPath, ['dist/main.js'], {
        cwd: root,
        input: 'how do I reset my password\n',
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          DATA_DIR: dir,
          LOCAL_USER: 'ann',
          LOG_LEVEL: 'warn',
          ENCODER: 'use-lite',
          NODE_OPTIONS: '',
        },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Reset a forgotten password');
      expect(run.stdout).toContain('https://myaccount.example.com');
      expect(run.stdout).toContain('1) Helpful');
    },
  );
});
