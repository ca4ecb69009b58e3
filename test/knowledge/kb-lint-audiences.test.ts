import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-app.js';

const root = path.resolve(import.meta.dirname, '../..');

function kbLint(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/evaluation/kb-lint.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AUDIENCES_FILE: '', ...env },
  });
}

const article = (id: string, audience: string | null, extra = '') =>
  [
    '---',
    `id: ${id}`,
    `title: The ${id} article`,
    'questions:',
    `  - how does ${id} work`,
    'tags: [x]',
    'category: network',
    'owner: it',
    'updated: 2026-01-01',
    ...(audience ? [`audience: ${audience}`] : []),
    extra,
    '---',
    '',
    '## Answer',
    '',
    `All about ${id}.`,
    '',
  ].join('\n');

let dir = '';
let cleanup = () => {};
beforeAll(() => {
  ({ dir, cleanup } = tempDir('helpdesk-kb-lint-audiences-'));
  mkdirSync(path.join(dir, 'kb/network'), { recursive: true });
  mkdirSync(path.join(dir, 'kb/scripts'), { recursive: true });
  writeFileSync(path.join(dir, 'kb/network/open.md'), article('open', null));
  writeFileSync(path.join(dir, 'kb/network/staff-only.md'), article('staff-only', '[staff, engineers]'));
  writeFileSync(path.join(dir, 'kb/network/vendors.md'), article('vendors', 'vendor-team'));
  // For everyone, its answer linking to an article for staff and engineers only (line 15), and to one for everyone.
  writeFileSync(
    path.join(dir, 'kb/network/linker.md'),
    article('linker', null).replace(
      'All about linker.',
      'Staff: see [the staff article](staff-only.md#setup).\nEveryone: see [open](open.md).',
    ),
  );
  mkdirSync(path.join(dir, 'kb/de/network'), { recursive: true });
  writeFileSync(
    path.join(dir, 'kb/de/network/open-de.md'),
    article('open-de', 'engineers', 'lang: de\ntranslation_of: open').replace('how does open-de work', 'wie geht das'),
  );
  writeFileSync(
    path.join(dir, 'kb/scripts/walk.yaml'),
    [
      'id: walk',
      'title: A walkthrough',
      'category: network',
      'audience: all',
      'start: show',
      'steps:',
      '  show:',
      '    kind: article',
      '    article: staff-only',
      '    next: done',
      '  done:',
      '    kind: resolve',
      '    text: Done.',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'audiences.yaml'), 'audiences:\n  staff:\n    local_users: [ann]\n');
});
afterAll(() => cleanup());

describe('kb:lint and audiences', () => {
  it('reports each audience the configuration does not define, at its line, scripts that show a narrower article, translations for other people, answers linking to a narrower article', () => {
    const result = kbLint({}, '--kb', path.join(dir, 'kb'));
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'knowledge-base/de/network/open-de.md:10: audience: this translation is for "engineers", but network/open.md, which it translates, is for everyone (warning)',
      'knowledge-base/network/linker.md:15: answer: links to network/staff-only.md, which is not for "all": they are given the answer without this line (warning)',
      'knowledge-base/network/staff-only.md:10: audience: "staff" is not an audience the configuration defines (all, engineers; AUDIENCES_FILE adds others): nobody is given this article as "staff"',
      'knowledge-base/network/vendors.md:10: audience: "vendor-team" is not an audience the configuration defines (all, engineers; AUDIENCES_FILE adds others): nobody is given this article as "vendor-team"',
      'knowledge-base/scripts/walk.yaml:7: steps.show: shows network/staff-only.md, which is not for "all": they are never offered this script (warning)',
    ]);
    expect(result.status).toBe(1);
  });

  it('reads the audiences from AUDIENCES_FILE, or from --audiences', () => {
    const file = path.join(dir, 'audiences.yaml');
    for (const result of [
      kbLint({ AUDIENCES_FILE: file }, '--kb', path.join(dir, 'kb')),
      kbLint({}, '--kb', path.join(dir, 'kb'), '--audiences', file),
    ]) {
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines.some((l) => l.includes('"staff"'))).toBe(false);
      expect(
        lines.filter((l) =>
          l.includes('"vendor-team" is not an audience the configuration defines (all, engineers, staff;'),
        ),
      ).toHaveLength(1);
    }
  });

  it('exits 2 on an audiences file it cannot use, saying why', () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'audiences:\n  all: {}\n');
    const result = kbLint({}, '--kb', path.join(dir, 'kb'), '--audiences', bad);
    expect(result.stderr).toMatch(
      /kb:lint failed: the audiences file is not valid:\n.*bad\.yaml:2: .*"all" is everyone/,
    );
    expect(result.status).toBe(2);
  });
});
