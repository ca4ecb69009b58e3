/**
 * The command-line tools on a PostgreSQL DATABASE_URL (their SQLite runs, by DATA_DIR, are in
 * test/reports/report-cli.test.ts and test/analytics/content-gaps-source.test.ts).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { expectedFigures, PERIOD, seedMetrics } from '../reports/seed.js';
import { newTestSchema, postgresUrlFor, testPostgresUrl } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(
  script: string,
  args: string[],
  databaseUrl: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATA_DIR: _dir, DEFLECTION_WINDOW_DAYS: _window, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...inherited, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.skipIf(!testPostgresUrl)('npm run report and report:gaps on PostgreSQL', () => {
  let databaseUrl: string;
  beforeAll(async () => {
    const schema = newTestSchema();
    databaseUrl = postgresUrlFor(schema);
    const store = await openStore({ kind: 'postgres', url: testPostgresUrl!, schema });
    await seedMetrics(store.prisma);
    await store.close();
  });

  it('report prints the seeded figures from DATABASE_URL', async () => {
    const { code, stdout } = await run(
      'src/reports/report-cli.ts',
      ['--from', PERIOD.from, '--to', PERIOD.to, '--window', PERIOD.window, '--json', '--quiet'],
      databaseUrl,
    );
    expect(code).toBe(0);
    const { generatedAt: _at, definitions: _definitions, ...figures } = JSON.parse(stdout) as Record<string, unknown>;
    expect(figures).toEqual(expectedFigures);
  });

  it('report:gaps reads the same database; neither tool creates a schema that is not there', async () => {
    const gaps = await run(
      'src/evaluation/report-gaps.ts',
      ['--json', '--from', PERIOD.from, '--to', PERIOD.to],
      databaseUrl,
    );
    expect(gaps.code).toBe(0);
    expect(JSON.parse(gaps.stdout)).toMatchObject({ from: '2026-03-01T00:00:00.000Z' });
    const schema = newTestSchema();
    const missing = postgresUrlFor(schema);
    const report = await run('src/reports/report-cli.ts', ['--quiet'], missing);
    expect(report.code).toBe(1);
    expect(report.stderr).toMatch(/there is no database at .*schema hdt_\w+ has no helpdesk tables/);
    expect((await run('src/evaluation/report-gaps.ts', [], missing)).code).toBe(2);
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    expect((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(0);
    await client.end();
  });
});
