import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScript } from '../../src/core/scripts/load-scripts.js';
import {
  aliasBomb,
  canMakeFifo,
  expectSoundFilesServed,
  kbLint,
  loadLibrary,
  mkfifo,
  problemsOf,
  soundKb,
} from '../knowledge/hostile-kb.js';

let kb: string;
let cleanup: () => void;
beforeEach(() => {
  ({ kb, cleanup } = soundKb());
});
afterEach(() => cleanup());

const scripts = () => path.join(kb, 'scripts');

/** Start-up with one hostile script: everything else serves, the file is reported, and kb:lint says so. */
async function expectReportedAndSkipped(where: RegExp): Promise<void> {
  const library = await loadLibrary(kb);
  expectSoundFilesServed(library);
  const problems = problemsOf(library);
  expect(
    problems.some((p) => where.test(p)),
    problems.join('\n'),
  ).toBe(true);
  const lint = kbLint(kb);
  expect(
    lint.stdout
      .split('\n')
      .some((line) => line.startsWith('knowledge-base/') && where.test(line.slice('knowledge-base/'.length))),
    lint.stdout + lint.stderr,
  ).toBe(true);
  expect(lint.stderr).toMatch(/^2 articles, 1 scripts: 1 error, /);
  expect(lint.status).toBe(1);
}

describe('a hostile script is reported and skipped, the rest loads', () => {
  it('a YAML alias bomb, at a line holding its aliases', async () => {
    const text = `id: bomb\ntitle: Bomb\ncategory: general\n${aliasBomb('laughs')}\n`;
    writeFileSync(path.join(scripts(), 'bomb.yaml'), text);
    const aliasLines = text.split('\n').flatMap((line, index) => (line.includes('*l') ? [index + 1] : []));
    await expectReportedAndSkipped(new RegExp(`^scripts/bomb\\.yaml:(${aliasLines.join('|')}): yaml: .*alias bomb`));
  });

  it('one anchor used more than 100 times, which the yaml package refuses on its own', async () => {
    writeFileSync(
      path.join(scripts(), 'many.yaml'),
      `id: many\nlabel: &t hello\nlist: [${Array(150).fill('*t').join(', ')}]\n`,
    );
    await expectReportedAndSkipped(/^scripts\/many\.yaml:3: yaml: an anchor is used more than 100 times/);
  });

  it('a script nested deeper than the parser can take', async () => {
    writeFileSync(path.join(scripts(), 'deep.yaml'), `id: deep\nsteps:\n  a:\n    ${'- '.repeat(10_000)}x\n`);
    await expectReportedAndSkipped(/^scripts\/deep\.yaml:4: yaml: nested more than 64 levels deep/);
  });

  it('a script with more steps than its checks can walk in good time', () => {
    const steps = Array.from({ length: 201 }, (_, i) => `  s${i}: { kind: message, text: Step, next: s${i + 1} }`).join(
      '\n',
    );
    const result = parseScript(
      `id: long\ntitle: A long script\ncategory: general\nstart: s0\nsteps:\n${steps}\n`,
      'scripts/long.yaml',
    );
    expect(result.ok ? [] : result.problems).toEqual([
      {
        file: 'scripts/long.yaml',
        field: 'steps',
        message: 'more than 200 steps: split the script into shorter ones',
        severity: 'error',
        line: 5,
      },
    ]);
  });

  it('a folder named like a script', async () => {
    mkdirSync(path.join(scripts(), 'folder.yaml'));
    await expectReportedAndSkipped(/^scripts\/folder\.yaml: file: is a folder/);
  });

  it.skipIf(!canMakeFifo)('a FIFO named like a script is never opened', async () => {
    mkfifo(path.join(scripts(), 'pipe.yaml'));
    await expectReportedAndSkipped(/^scripts\/pipe\.yaml: file: is a FIFO/);
  });

  it('a symlink to a script inside the knowledge base is followed; one leading outside, nowhere or to itself is refused', async () => {
    writeFileSync(path.join(kb, '../outside.yaml'), 'id: outside\n');
    symlinkSync(path.join(kb, 'scripts/vpn-help.yaml'), path.join(scripts(), 'again.yaml'));
    symlinkSync(path.join(kb, '../outside.yaml'), path.join(scripts(), 'outside.yaml'));
    symlinkSync('nowhere.yaml', path.join(scripts(), 'dangling.yaml'));
    symlinkSync('self.yaml', path.join(scripts(), 'self.yaml'));
    const problems = problemsOf(await loadLibrary(kb));
    // Followed: the link and its target are the same script, so the second in path order is a duplicate.
    // No message carries the server's absolute paths: editors read them.
    expect(problems).toEqual([
      'scripts/dangling.yaml: file: cannot read: not found (removed while loading, or a symlink to nothing)',
      'scripts/outside.yaml: file: is a symlink to a file outside the knowledge base',
      'scripts/self.yaml: file: cannot read: a symlink loop',
      'scripts/vpn-help.yaml: id: id "vpn-help" is already used by scripts/again.yaml',
    ]);
  });

  it('a script over the size limit', async () => {
    writeFileSync(path.join(scripts(), 'huge.yaml'), `id: huge\n# ${'x'.repeat(300 * 1024)}\n`);
    await expectReportedAndSkipped(/^scripts\/huge\.yaml: file: is larger than 256 KiB/);
  });

  it('a file named "scripts" instead of the folder: no scripts, the articles load', async () => {
    rmSync(scripts(), { recursive: true });
    writeFileSync(scripts(), 'not a folder\n');
    const library = await loadLibrary(kb);
    expect(library.snapshot.knowledgeBase.articles).toHaveLength(2);
    expect(problemsOf(library).join('\n')).toMatch(/^scripts: file: scripts folder cannot be read/);
  });
});
