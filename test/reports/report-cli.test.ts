import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tempDir } from '../support/test-app.js';
import { expectedFigures, PERIOD, seedMetrics } from './seed.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs the CLI as `npm run report` does, with the seeded folder as DATA_DIR. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, DEFLECTION_WINDOW_DAYS: _window, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/reports/report-cli.ts', ...args], {
      cwd: root,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const periodArgs = ['--from', PERIOD.from, '--to', PERIOD.to];

describe('npm run report', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    const { app } = await startTestApp(dir);
    await seedMetrics(app.store.prisma);
    await app.close();
  });
  afterAll(() => cleanup());

  it('--json prints the seeded figures, and progress goes to stderr', async () => {
    const { code, stdout, stderr } = await runCli([...periodArgs, '--json', '--page-size', '2'], {
      DATA_DIR: dir,
      DEFLECTION_WINDOW_DAYS: '7',
    });
    expect(stderr).toContain('loading tickets 2/8');
    expect(stderr).toContain('loading tickets 8/8');
    expect(stderr).toContain('loading questions 12/12');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    const { generatedAt, definitions, ...figures } = report;
    expect(figures).toEqual(expectedFigures);
    expect(typeof generatedAt).toBe('string');
    expect(definitions).toHaveProperty('deflectionRate');
  });

  it('prints readable tables by default', async () => {
    const { code, stdout } = await runCli([...periodArgs, '--quiet'], { DATA_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/Deflection rate\s+27\.3% \(3\/11\)/);
    expect(stdout).toMatch(/vpn\s+4\s+2\s+1\s+66\.7%/);
    expect(stdout).toMatch(/First response\s+5\s+45m\s+1h 36m/);
    expect(stdout).toMatch(/Resolution\s+6\s+3\s+3\s+0\s+50\.0%/);
    expect(stdout).toMatch(/L2\s+5\s+2\s+40\.0%/);
  });

  it('DEFLECTION_WINDOW_DAYS and --window change the window', async () => {
    const fromEnv = await runCli([...periodArgs, '--json', '--quiet'], { DATA_DIR: dir, DEFLECTION_WINDOW_DAYS: '14' });
    expect(fromEnv.code).toBe(0);
    // With 14 days, q6's ticket 10 days later counts: 2 deflected of 11.
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      windowDays: 14,
      deflection: { deflected: 2, followedByTicket: 2 },
    });
    const fromFlag = await runCli([...periodArgs, '--json', '--quiet', '--window', '1'], {
      DATA_DIR: dir,
      DEFLECTION_WINDOW_DAYS: '14',
    });
    // With 1 day: q4's re-ask (3 days), q8's (4 days) and q11's (7 days) no longer count; q3's ticket (exactly 1 day) still does.
    expect(JSON.parse(fromFlag.stdout)).toMatchObject({
      windowDays: 1,
      deflection: { deflected: 6, followedByTicket: 1, followedByReask: 0 },
    });
  });

  it('bad arguments exit with 2 and say what is wrong; a missing database is not created', async () => {
    const bad = await runCli(['--from', '2026-02-30'], { DATA_DIR: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: expected an ISO date');
    const missing = await runCli([], { DATA_DIR: path.join(dir, 'nowhere') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/there is no database at .*nowhere/);
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });
});
