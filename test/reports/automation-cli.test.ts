import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tempDir } from '../support/test-app.js';
import { AUTOMATION_KB, AUTOMATION_PERIOD, expectedAutomation, seedAutomation } from './automation-seed.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs the CLI as `npm run report` does, with the seeded folder as DATA_DIR. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, DEFLECTION_WINDOW_DAYS: _window, KB_DIR: _kb, ...inherited } = process.env;
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

const periodArgs = [
  '--automation',
  '--from',
  AUTOMATION_PERIOD.from,
  '--to',
  AUTOMATION_PERIOD.to,
  '--window',
  AUTOMATION_PERIOD.window,
];

describe('npm run report -- --automation', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    const { app } = await startTestApp(dir);
    await seedAutomation(app.store.prisma);
    await app.close();
  });
  afterAll(() => cleanup());

  it('--json prints the seeded figures (the knowledge base from KB_DIR), progress on stderr', async () => {
    const { code, stdout, stderr } = await runCli([...periodArgs, '--json', '--page-size', '5'], {
      DATA_DIR: dir,
      KB_DIR: AUTOMATION_KB,
    });
    expect(stderr).toContain('loading tickets 5/19');
    expect(stderr).toContain('loading script runs 5/5');
    expect(code).toBe(0);
    const { generatedAt, definitions, ...figures } = JSON.parse(stdout) as Record<string, unknown>;
    expect(typeof generatedAt).toBe('string');
    expect(definitions).toHaveProperty('hoursSaved');
    // Run "now", every span is over: the figures are those worked out for 2026-09-01.
    expect(figures).toEqual(expectedAutomation);
  });

  it('prints readable tables: the ranking, the assumption, "not enough data", the shipped items; no control characters from tickets', async () => {
    const { code, stdout } = await runCli([...periodArgs, '--quiet', '--kb', AUTOMATION_KB], { DATA_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Deflection rate assumed for a new article: 57.1% (4 of 7 answers with shipped articles deflected);',
    );
    expect(stdout).toContain('for a new script: 40.0% (2 of 5 script runs deflected).');
    expect(stdout).toMatch(
      /1\. Need access to the shared mailbox finance\s+4\s+4\.00\s+email\s+20m\s+1h 30m\s+4\.50\s+33\.3% \(1\/3\)\s+nothing\s+write an article\s+3\.43/,
    );
    expect(stdout).toMatch(
      /2\. Printer is jammed on floor 3\s+4\s+4\.00\s+printing\s+17\.5m\s+1h\s+3\.00\s+0\.0% \(0\/4\)\s+article printer-jam\s+write a script\s+1\.60/,
    );
    expect(stdout).toMatch(/3\. VPN will not connect from home .*script vpn-fix\s+covered\s+covered/);
    expect(stdout).toMatch(/5\. Laptop screen flickers .*not enough data/);
    expect(stdout).toContain('#5: not enough data: 1 ticket(s), an estimate needs 3');
    expect(stdout).toMatch(/script vpn-fix\s+2026-06-02\s+5\s+60\.0% \(3\/5\)\s+2\s+1\s+3\s+\+200\.0%/);
    expect(stdout).toMatch(/article vpn-connect\s+2026-05-01\s+4\s+50\.0% \(1\/2\)\s+2\s+3\s+1\s+-66\.7%/);
    // The hostile subject is printed as text: its escape sequences are gone.
    expect(stdout).toContain('4. <script>alert(1)</script> monitor broken [2J [3…  ');
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('bad flags exit with 2: --compare out of range, --kb without --automation; a missing knowledge base is an error', async () => {
    const compare = await runCli([...periodArgs, '--compare', '0'], { DATA_DIR: dir, KB_DIR: AUTOMATION_KB });
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain('--compare: expected a whole number of days from 1 to 365');
    const kbAlone = await runCli(['--kb', AUTOMATION_KB], { DATA_DIR: dir });
    expect(kbAlone.code).toBe(2);
    expect(kbAlone.stderr).toContain('--kb and --compare go with --automation');
    const missing = await runCli([...periodArgs, '--kb', path.join(dir, 'no-kb')], { DATA_DIR: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/report failed: .*no-kb/);
  });

  it('an empty database prints an empty report, not an error', async () => {
    const empty = tempDir();
    try {
      const { app } = await startTestApp(empty.dir);
      await app.close();
      const { code, stdout } = await runCli([...periodArgs, '--quiet'], { DATA_DIR: empty.dir, KB_DIR: AUTOMATION_KB });
      expect(code).toBe(0);
      expect(stdout).toContain('0 ticket(s) in 0 group(s)');
      expect(stdout).toContain('no tickets in the period');
      expect(stdout).toContain(
        'Deflection rate assumed for a new article: not enough data (0 answers with shipped articles; 5 needed);',
      );
      expect(stdout).toContain('none used in the period');
    } finally {
      empty.cleanup();
    }
  });
});
