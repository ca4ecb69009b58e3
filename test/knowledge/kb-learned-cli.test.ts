import { spawn } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { askerHash } from '../../src/core/knowledge/learned-phrasings.js';
import type { Store } from '../../src/store/open-store.js';
import { tempDir } from '../support/test-app.js';
import { databaseEnvFor, openTestStore } from '../support/test-database.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
let kb: string;
let store: Store;

/** Runs the CLI as `npm run kb:learned` does, on the temp database and the temp copy of the knowledge base. */
function kbLearned(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _url, LEARN_MIN_ASKERS: _min, KB_DIR: _kb, ...inherited } = process.env;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src/evaluation/kb-learned.ts'), ...args],
      {
        cwd: root,
        env: { ...inherited, DATA_DIR: dir, KB_DIR: kb, ...databaseEnvFor(dir) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function confirm(articleId: string, text: string, askers: string[], helpful = true): Promise<void> {
  const key = text.toLowerCase();
  for (const who of askers)
    await store.learned.vote({
      articleId,
      text,
      textKey: key,
      askerHash: askerHash(articleId, key, who),
      helpful,
      at: new Date('2026-12-01T10:00:00Z'),
    });
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  kb = path.join(dir, 'kb');
  cpSync(path.join(root, 'knowledge-base'), kb, { recursive: true });
  store = await openTestStore(dir);
  await confirm('mfa-setup', 'zorblax keeps asking me for a code', ['ann', 'bob', 'cat']);
  await confirm('vpn-troubleshooting', 'vpn is being weird', ['ann', 'bob', 'cat', 'dan']);
  await confirm('vpn-troubleshooting', 'vpn is being weird', ['eve', 'fay'], false);
  await confirm('deleted-article', 'about something gone', ['ann', 'bob', 'cat']);
  await confirm('mfa-setup', 'mfa is rubbish', ['gus'], false);
});
afterEach(async () => {
  await store.close();
  cleanup();
});

describe('npm run kb:learned (CLI)', () => {
  it('lists the phrasings with their askers, not-helpful votes, status and whether the bot uses them, never who asked', async () => {
    const { code, stdout, stderr } = await kbLearned();
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' '));
    expect(lines).toEqual([
      'id status askers not helpful in use article phrasing',
      '2 pending 4 2 no vpn-troubleshooting "vpn is being weird"',
      '1 pending 3 0 yes mfa-setup "zorblax keeps asking me for a code"',
      '3 pending 3 0 article gone deleted-article "about something gone"',
    ]);
    expect(stdout).not.toMatch(/ann|bob|cat/);
    expect(stderr).toMatch(/3 phrasing\(s\); in use: .* at least 3 people \(LEARN_MIN_ASKERS\)/);
  });

  it("--accept appends the phrasing to the article's questions, leaving the rest of the file as it was, and marks it accepted", async () => {
    const file = path.join(kb, 'accounts/mfa-setup.md');
    const before = readFileSync(file, 'utf8');
    const { code, stdout } = await kbLearned('--accept', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Accepted 1: added "zorblax keeps asking me for a code" to the questions of knowledge-base\/accounts\/mfa-setup\.md/,
    );
    const after = readFileSync(file, 'utf8');
    const lastQuestion = /questions:\n(?: {2}- .*\n)*/.exec(before)![0];
    expect(after).toBe(before.replace(lastQuestion, `${lastQuestion}  - zorblax keeps asking me for a code\n`));
    expect(await store.learned.find(1)).toMatchObject({ status: 'accepted' });
    const listed = await kbLearned();
    expect(listed.stdout).toMatch(/1 +accepted +3 +0 +no +mfa-setup/);
  });

  it('--reject marks it rejected: no longer listed unless --all, never used', async () => {
    const { code, stdout } = await kbLearned('--reject', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Rejected 1: "zorblax keeps asking me for a code" will not be used for mfa-setup/);
    expect((await kbLearned()).stdout).not.toMatch(/zorblax/);
    const all = (await kbLearned('--all')).stdout;
    expect(all).toMatch(/1 +rejected +3 +0 +no +mfa-setup/);
    // Only ever voted not helpful: nothing for an editor to accept, listed with --all alone.
    expect(all).toMatch(/4 +pending +0 +1 +no +mfa-setup +"mfa is rubbish"/);
    expect(await store.learned.candidates(3)).not.toContainEqual(expect.objectContaining({ id: 1 }));
  });

  it('exits 2 with a clear message: unknown id, article gone, file missing, file not writable, bad flag', async () => {
    const unknown = await kbLearned('--accept', '99');
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      'kb:learned failed: there is no learned phrasing 99 (npm run kb:learned -- --all lists them)\n',
    ]);
    expect((await kbLearned('--reject', '99')).code).toBe(2);

    const gone = await kbLearned('--accept', '3');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(
      /article deleted-article is not in .*: it was deleted or renamed, or its file does not load/,
    );

    chmodSync(path.join(kb, 'accounts/mfa-setup.md'), 0o444);
    const readOnly = await kbLearned('--accept', '1');
    if (process.getuid?.() !== 0) {
      expect(readOnly.code).toBe(2);
      expect(readOnly.stderr).toBe(
        'kb:learned failed: cannot write knowledge-base/accounts/mfa-setup.md: permission denied\n',
      );
      expect(await store.learned.find(1)).toMatchObject({ status: 'pending' });
    }

    rmSync(path.join(kb, 'network/vpn-troubleshooting.md'));
    const missing = await kbLearned('--accept', '2');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/article vpn-troubleshooting is not in /);

    const bad = await kbLearned('--accept', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--accept: expected a phrasing id .*\nusage: npm run kb:learned/);
    // Six CLI processes, each compiling through tsx: at load 12 on two cores they took over 30 s.
  }, 120_000);
});
