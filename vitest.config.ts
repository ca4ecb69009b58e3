import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const postgresUrl = process.env.TEST_POSTGRES_URL?.trim() || undefined;

/** Tests about PostgreSQL itself (migrations, replicas): they run once, in the postgres project. */
const postgresOnly = ['test/store/postgres-*.test.ts', 'test/replicas/**/*.test.ts'];

/**
 * The files that run a second time on PostgreSQL: every test file that builds the app or a store
 * through test/support (startTestApp, startSlackHarness, startTeamsHarness, openTestStore), found
 * by reading them so a new test file is included without anyone remembering to list it. Left out:
 * files that also hand their data folder (DATA_DIR) to a child process, which finds its database
 * by the folder alone.
 */
function appTestFiles(): string[] {
  const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.posix.join('test', file.split(path.sep).join('/')));
  return files.filter((file) => {
    const source = readFileSync(file, 'utf8');
    return /\b(startTestApp|startSlackHarness|startTeamsHarness|openTestStore)\(/.test(source) && !/\bDATA_DIR\b/.test(source);
  });
}

/** The folder of the trained models every test app of the run shares (test/support/shared-models.ts). */
const modelCacheSetup = 'test/support/model-cache-global-setup.ts';

const sqlite: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'sqlite',
    include: ['test/**/*.test.ts'],
    // Without a server the PostgreSQL-only files still load and show as skipped.
    ...(postgresUrl
      ? { exclude: postgresOnly, globalSetup: [modelCacheSetup] }
      : { globalSetup: [modelCacheSetup, 'test/support/postgres-skipped-notice.ts'] }),
  },
};

const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: [...appTestFiles(), ...postgresOnly],
    env: { HELPDESK_TEST_DATABASE: 'postgres' },
    globalSetup: ['test/support/postgres-global-setup.ts', modelCacheSetup],
    setupFiles: ['test/support/postgres-setup-file.ts'],
  },
};

export default defineConfig({
  test: {
    // Tests open real SQLite files and spawn the real app; give the shared 2-core machines room.
    testTimeout: 30_000,
    // vitest 4 runs one file at a time on two cores (its default leaves one core to itself), while
    // many files wait on child processes, timers and the database: on SQLite alone two at once
    // take 0.80x the time on these machines (README). With PostgreSQL its server shares the two
    // cores, and one run each at the same commit took 884 s with two workers, 810 s with one:
    // there, vitest's default.
    ...(postgresUrl ? {} : { maxWorkers: Math.max(2, availableParallelism() - 1) }),
    hookTimeout: 30_000,
    projects: postgresUrl ? [sqlite, postgres] : [sqlite],
  },
});
