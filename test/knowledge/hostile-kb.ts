/**
 * A small sound knowledge base (two articles, one script) copied to a temp folder, to drop one
 * hostile file into, and the checks every hostile-file test makes: the bot still starts and
 * serves the sound files, the bad one is reported by name, and `kb:lint` reports it too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { formatProblem } from '../../src/core/knowledge/knowledge-base.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { tempDir } from '../support/test-app.js';

const root = path.resolve(import.meta.dirname, '../..');
const base = path.join(root, 'test/fixtures/kb-hostile-base');

/** A fresh copy of the sound knowledge base; `cleanup` removes it. */
export function soundKb(): { kb: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir('helpdesk-hostile-');
  const kb = path.join(dir, 'kb');
  cpSync(base, kb, { recursive: true });
  return { kb, cleanup };
}

export function loadLibrary(kb: string): Promise<LiveKnowledge> {
  return LiveKnowledge.load(kb, { answer: 0.5, suggest: 0.25 });
}

/** Every problem of the current snapshot, as the bot logs them. */
export function problemsOf(library: LiveKnowledge): string[] {
  const { knowledgeBase, scripts } = library.snapshot;
  return [...knowledgeBase.problems, ...scripts.problems].map(formatProblem);
}

/** The sound articles answer and the sound script is there. */
export function expectSoundFilesServed(library: LiveKnowledge): void {
  const { engine, scriptsById } = library.snapshot;
  const vpn = engine.ask('how do I connect to the vpn');
  expect(vpn.outcome === 'answered' && vpn.article.id).toBe('vpn-setup');
  const jam = engine.ask('paper is stuck in the printer');
  expect(jam.outcome === 'answered' && jam.article.id).toBe('printer-jam');
  expect([...scriptsById.keys()]).toEqual(['vpn-help']);
}

/**
 * `npm run kb:lint` on `kb`. The time-out only keeps a hang (the FIFO bug) from stalling the
 * suite: it is far above any normal run and is not what the tests assert.
 */
export function kbLint(kb: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/evaluation/kb-lint.ts'), '--kb', kb, '--today', '2026-11-01'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Whether this platform can make FIFOs with `mkfifo` (not on Windows). */
export const canMakeFifo: boolean = (() => {
  if (process.platform === 'win32') return false;
  const dir = path.join(os.tmpdir(), `helpdesk-fifo-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'probe')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

export function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/**
 * "Billion laughs" in YAML: nine aliases per level, `levels` deep (9^levels values expanded),
 * each level on its own line, the first alias on line 2 of the returned text.
 */
export function aliasBomb(key: string, levels = 9): string {
  const lines = [`${key}: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let level = 1; level <= levels; level += 1)
    lines.push(
      `${key}${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
}

/** An article's text with `frontMatter` in front. */
export function article(frontMatter: string): string {
  return `---\n${frontMatter}\n---\n\n# Title\n\n## Answer\n\nText.\n`;
}
