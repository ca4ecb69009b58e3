import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function kbLint(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/evaluation/kb-lint.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('npm run kb:lint (CLI)', () => {
  it('reports one of each problem in the fixture, as file:line, sorted, and exits 1', () => {
    const result = kbLint('--kb', 'test/fixtures/kb-lint', '--today', '2026-06-01');
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'knowledge-base/accounts/account-locked.md:11: review_by: 2026-03-31 has passed (warning)',
      'knowledge-base/accounts/password-change.md:6: questions: "how do I reset my password" is also a question of accounts/password-reset.md (line 6); only one of them can get it',
      'knowledge-base/accounts/password-reset.md:6: questions: "How do I reset my password?" is also a question of accounts/password-change.md (line 6); only one of them can get it',
      'knowledge-base/hardware/monitor-dock.md:10: updated: expected a date like 2026-10-15, got "last tuesday"',
      "knowledge-base/network/globalprotect-not-connecting.md:5: questions: near-duplicate of network/vpn-troubleshooting.md (similarity 0.74): they will steal each other's matches (warning)",
      "knowledge-base/network/vpn-troubleshooting.md:6: questions: near-duplicate of network/globalprotect-not-connecting.md (similarity 0.74): they will steal each other's matches (warning)",
      'knowledge-base/printing/printer-setup.md:10: updated: 2026-12-24 is in the future (warning)',
      'knowledge-base/printing/printer-setup.md:20: link: "../printing/printer-not-printing.md" does not lead to an article (no printing/printer-not-printing.md) (warning)',
      'knowledge-base/software/software-install.md:11: script: "install-helper" is not a working script',
      'knowledge-base/software/visio.md:2: id: id "software-install" is already used by software/software-install.md',
    ]);
    expect(result.stderr).toBe('7 articles, 0 scripts: 5 errors, 5 warnings\n');
    expect(result.status).toBe(1);
  });

  it('lints the bundled knowledge base clean: exit 0, no near-duplicates, no broken links', () => {
    const result = kbLint();
    expect(result.stdout).not.toMatch(/near-duplicate|: link: |: questions: /);
    expect(result.stderr).toMatch(/^\d+ articles, \d+ scripts: no errors, /);
    expect(result.status).toBe(0);
  });

  it('exits 2 when it cannot run', () => {
    const result = kbLint('--today', '2026-13-45');
    expect(result.stderr).toMatch(/kb:lint failed: --today must be a date like 2026-10-15/);
    expect(result.status).toBe(2);
  });
});
