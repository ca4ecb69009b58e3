import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintScript } from '../../src/core/scripts/lint-script.js';
import { parseScript } from '../../src/core/scripts/load-scripts.js';
import { tempDir } from '../support/test-app.js';

const root = path.resolve(import.meta.dirname, '../..');

function lint(yaml: string, articles: string[] = ['known-article']): string[] {
  const parsed = parseScript(yaml, 'scripts/test.yaml');
  if (!parsed.ok) return parsed.problems.map((p) => `${p.line ?? '?'}: ${p.field}: ${p.message}`);
  return lintScript(parsed.script, new Set(articles), parsed.lineOf).map(
    (p) => `${p.line ?? '?'}: ${p.field}: ${p.message}`,
  );
}

const header = `id: test-script\ntitle: Test script\ncategory: general\nstart: a\nsteps:\n`;

describe('script lint', () => {
  it('accepts a sound script', () => {
    expect(
      lint(
        `${header}  a:\n    kind: choice\n    text: Fixed?\n    choices:\n      - { label: Yes, next: done }\n      - { label: No, next: human }\n  done: { kind: resolve, text: Great }\n  human: { kind: escalate, text: Ticket }\n`,
      ),
    ).toEqual([]);
  });

  it('reports unknown targets, missing articles and bad patterns with their lines', () => {
    const problems = lint(
      `${header}  a:\n    kind: question\n    text: Code?\n    save_as: code\n    validate: { pattern: "([" }\n    next: nowhere\n  b: { kind: article, article: missing-article, next: a }\n`,
    );
    expect(problems).toContain('6: steps.a: leads to "nowhere", which is not a step');
    expect(problems).toContain('12: steps.b.article: links the article "missing-article", which does not exist');
    expect(problems.some((p) => p.includes('is not a valid regular expression'))).toBe(true);
  });

  it('reports unreachable steps, dead ends, loops with no exit and automatic loops', () => {
    const problems = lint(
      `${header}  a:\n    kind: choice\n    text: Pick\n    choices:\n      - { label: Loop, next: b }\n      - { label: Done, next: done }\n  b: { kind: choice, text: Again?, choices: [{ label: Again, next: c }] }\n  c: { kind: message, text: Looping, next: b }\n  done: { kind: resolve, text: Bye }\n  orphan: { kind: resolve, text: Never }\n  spin1: { kind: message, text: One, next: spin2 }\n  spin2: { kind: message, text: Two, next: spin1 }\n`,
    );
    expect(problems.some((p) => /steps\.orphan: is never reached/.test(p))).toBe(true);
    expect(problems.some((p) => /steps\.b: can never reach a resolve or escalate step/.test(p))).toBe(true);
    const spinning = lint(
      `${header}  a:\n    kind: choice\n    text: Pick\n    choices:\n      - { label: Spin, next: spin1 }\n      - { label: Done, next: done }\n  spin1: { kind: message, text: One, next: spin2 }\n  spin2: { kind: check, check: { type: dns, host: example.com }, on_ok: spin1, on_fail: done }\n  done: { kind: resolve, text: Bye }\n`,
    );
    expect(spinning.some((p) => /steps\.spin1: is in a loop of automatic steps/.test(p))).toBe(true);
  });

  it('refuses missing texts, unknown fields and branches on answers nobody saves', () => {
    expect(lint(`${header}  a: { kind: resolve, text: "" }\n`).join('\n')).toMatch(/steps\.a\.text: must not be empty/);
    expect(lint(`${header}  a: { kind: resolve, text: Done, colour: red }\n`).join('\n')).toMatch(
      /unknown field\(s\) "colour"/,
    );
    expect(
      lint(
        `${header}  a: { kind: branch, on: nothing, cases: [{ equals: x, next: b }], default: b }\n  b: { kind: resolve, text: Done }\n`,
      ).join('\n'),
    ).toMatch(/steps\.a\.on: branches on "nothing", which no step saves/);
  });
});

describe('npm run kb:lint', () => {
  it('prints file:line problems, exits 1, and the other scripts stay loadable', () => {
    const { dir, cleanup } = tempDir('helpdesk-kb-');
    try {
      cpSync(path.join(root, 'knowledge-base/general'), path.join(dir, 'general'), { recursive: true });
      mkdirSync(path.join(dir, 'scripts'));
      writeFileSync(
        path.join(dir, 'scripts/broken.yaml'),
        `${header.replace('test-script', 'broken')}  a: { kind: message, text: Hi, next: gone }\n`,
      );
      writeFileSync(
        path.join(dir, 'scripts/fine.yaml'),
        `${header.replace('test-script', 'fine')}  a: { kind: resolve, text: Done }\n`,
      );
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'src/evaluation/kb-lint.ts'), '--kb', dir],
        { cwd: root, encoding: 'utf8' },
      );
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        'knowledge-base/scripts/broken.yaml:6: steps.a: leads to "gone", which is not a step',
      );
      expect(result.stderr).toMatch(/1 scripts: 1 error/);
    } finally {
      cleanup();
    }
  });
});
