import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';
import { parseKbYaml } from '../../src/core/knowledge/parse-kb-yaml.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { watchKnowledge } from '../../src/service/knowledge-watch.js';
import { eventually } from '../support/slack.js';
import {
  aliasBomb,
  article,
  canMakeFifo,
  expectSoundFilesServed,
  kbLint,
  loadLibrary,
  mkfifo,
  problemsOf,
  soundKb,
} from './hostile-kb.js';

let kb: string;
let cleanup: () => void;
beforeEach(() => {
  ({ kb, cleanup } = soundKb());
});
afterEach(() => cleanup());

const frontMatter = `id: bomb\ntitle: Bomb\nquestions: [a question]\ntags: [x]\ncategory: general\nowner: me\nupdated: 2026-10-01`;
const bombArticle = article(`${frontMatter}\n${aliasBomb('laughs')}`);
// The lines holding aliases: the problem points at the one where expansion went over the limit.
const bombLines = bombArticle.split('\n').flatMap((line, index) => (line.includes('*l') ? [index + 1] : []));
const bombAt = `network/bomb.md:(${bombLines.join('|')}): front matter: `;

/** Start-up with one hostile article: everything else serves, the file is reported, and kb:lint says so. */
async function expectReportedAndSkipped(file: string, message: RegExp): Promise<void> {
  const library = await loadLibrary(kb);
  expectSoundFilesServed(library);
  expect(library.snapshot.knowledgeBase.articles.map((a) => a.id).sort()).toEqual(['printer-jam', 'vpn-setup']);
  const problems = problemsOf(library);
  expect(
    problems.some((p) => p.startsWith(`${file}`) && message.test(p)),
    problems.join('\n'),
  ).toBe(true);
  const lint = kbLint(kb);
  expect(
    lint.stdout.split('\n').some((line) => line.startsWith(`knowledge-base/${file}`) && message.test(line)),
    lint.stdout + lint.stderr,
  ).toBe(true);
  expect(lint.stderr).toMatch(/^2 articles, 1 scripts: 1 error, /);
  expect(lint.status).toBe(1);
}

describe('a hostile article is reported and skipped, the rest loads', () => {
  it('a YAML alias bomb in the front matter, reported at the alias that goes over the limit', async () => {
    writeFileSync(path.join(kb, 'network/bomb.md'), bombArticle);
    await expectReportedAndSkipped('network/bomb.md:', new RegExp(`^(knowledge-base/)?${bombAt}.*alias bomb`));
  });

  it('front matter nested too deep for the YAML parser to survive', async () => {
    // 10,000 levels in 20 KB: composing that reaches the stack limit, where V8 may abort the process.
    writeFileSync(path.join(kb, 'network/deep.md'), article(`${frontMatter}\nx:\n  ${'- '.repeat(10_000)}x`));
    await expectReportedAndSkipped('network/deep.md:10: front matter:', /nested more than 64 levels/);
  });

  it('a folder named like an article', async () => {
    mkdirSync(path.join(kb, 'network/folder.md'));
    writeFileSync(path.join(kb, 'network/folder.md/inside.md'), article(frontMatter.replace('id: bomb', 'id: inside')));
    await expectReportedAndSkipped('network/folder.md: file:', /is a folder with an article's name/);
  });

  it.skipIf(!canMakeFifo)('a FIFO named like an article is never opened', async () => {
    mkfifo(path.join(kb, 'network/pipe.md'));
    await expectReportedAndSkipped('network/pipe.md: file:', /is a FIFO/);
  });

  it.skipIf(!canMakeFifo)('a symlink to a FIFO', async () => {
    mkfifo(path.join(kb, 'network/.pipe'));
    symlinkSync('.pipe', path.join(kb, 'network/link.md'));
    await expectReportedAndSkipped('network/link.md: file:', /is a FIFO/);
  });

  it('an article over the size limit', async () => {
    writeFileSync(path.join(kb, 'network/huge.md'), article(`${frontMatter}\n# ${'x'.repeat(1024 * 1024)}`));
    await expectReportedAndSkipped('network/huge.md: file:', /is larger than 512 KiB/);
  });
});

describe('parseKbYaml, attacked', () => {
  const problem = (text: string) => {
    const result = parseKbYaml(text);
    return result.ok ? 'ok' : result.problems.map((p) => `${p.line}: ${p.message}`).join(' | ');
  };

  it.each([
    [
      'an alias inside its own anchor (data containing itself)',
      'a: 1\nb: &x [1, *x]',
      /^2: alias \*x is inside its own anchor/,
    ],
    ['a map that contains itself', 'b: &x\n  c: *x', /^2: alias \*x is inside its own anchor/],
    ['an alias with no anchor', 'a: 1\nb: *nope', /^2: alias \*nope has no anchor/],
    ['an alias bomb as a map key', `${aliasBomb('l')}\n? *l9\n: x`, /alias bomb/],
    [
      'a merge key repeating a bomb',
      `${aliasBomb('l', 3)}\nc: { <<: [${Array(20).fill('*l3').join(', ')}] }`,
      /alias bomb/,
    ],
    ['400 KB of "["', `a: ${'['.repeat(400 * 1024)}`, /^1: more than 1000 unclosed brackets/],
    ['flow maps 100 deep', `${'{a: '.repeat(100)}1${'}'.repeat(100)}`, /^1: nested more than 64 levels deep/],
    [
      'block maps 100 deep',
      Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x',
      /^65: nested more than 64 levels deep/,
    ],
    ['a custom tag', 'a: !!js/function "function () {}"', /^1: invalid YAML: Unresolved tag/],
  ])('refuses %s, with its line', (_name, text, expected) => {
    expect(problem(text)).toMatch(expected);
  });

  it('reports a repeated key at its line, also when the same key repeats 10,000 times (once quadratic), 20 lines at most', () => {
    expect(problem('a: 1\nb: 2\na: 3\n')).toBe('3: invalid YAML: Map keys must be unique');
    const result = parseKbYaml(Array(10_000).fill('a: 1').join('\n'));
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      ...Array(20).fill('invalid YAML: Map keys must be unique'),
      'and 9979 more problem(s) in this file',
    ]);
  });

  it('keeps ordinary aliases and merge keys (as a plain "<<" key: the core schema does not merge)', () => {
    const result = parseKbYaml('base: &b { x: 1 }\nc:\n  <<: *b\n  y: 2\nd: [*b, *b]\n');
    expect(result.ok && result.data).toEqual({ base: { x: 1 }, c: { '<<': { x: 1 }, y: 2 }, d: [{ x: 1 }, { x: 1 }] });
  });
});

describe('parseArticle, attacked', () => {
  it('refuses front matter over 64 KiB before parsing it', () => {
    const result = parseArticle(article(`${frontMatter}\ntags2: [${Array(30_000).fill('x').join(', ')}]`), 'big.md');
    expect(result.ok ? [] : result.problems).toEqual([
      { file: 'big.md', field: 'front matter', message: 'is larger than 64 KiB', line: 1 },
    ]);
  });

  it('reports 20 of 5,000 empty questions and how many more', () => {
    const result = parseArticle(
      article(frontMatter.replace('questions: [a question]', `questions: [${Array(5_000).fill('""').join(', ')}]`)),
      'empty.md',
    );
    const problems = result.ok ? [] : result.problems;
    expect(problems).toHaveLength(21);
    expect(problems[0]).toMatchObject({ field: 'questions.0', line: 4 });
    expect(problems[20]).toEqual({
      file: 'empty.md',
      field: 'front matter',
      message: 'and 4980 more problem(s) in this file',
    });
  });
});

describe('live reload with a hostile file', () => {
  let library: LiveKnowledge;
  let stop: () => void;
  const told: string[] = [];
  beforeEach(async () => {
    library = await loadLibrary(kb);
    told.length = 0;
    // watchKnowledge needs only the live knowledge of the app.
    stop = watchKnowledge({ knowledge: library } as unknown as App, silentLogger, async (markdown) => {
      told.push(markdown);
    });
  });
  afterEach(() => stop());

  it('keeps serving and reloading while bad files are there, and recovers when they go', async () => {
    const bomb = path.join(kb, 'network/bomb.md');
    const folder = path.join(kb, 'scripts/folder.yaml');
    const pipe = path.join(kb, 'scripts/pipe.yaml');
    writeFileSync(bomb, bombArticle);
    mkdirSync(folder);
    if (canMakeFifo) mkfifo(pipe);
    await eventually(
      () => told.some((m) => m.includes('network/bomb.md')) && told.some((m) => m.includes('scripts/folder.yaml')),
      10_000,
    );
    const all = told.join('\n');
    expect(all).toMatch(new RegExp(`${bombAt}.*alias bomb`));
    expect(all).toMatch(/scripts\/folder\.yaml: file: is a folder/);
    if (canMakeFifo)
      await eventually(
        () => problemsOf(library).some((p) => p.startsWith('scripts/pipe.yaml: file: is a FIFO')),
        10_000,
      );
    expectSoundFilesServed(library);

    // Later edits still reload: the bug was that every reload after a bad file stopped.
    writeFileSync(
      path.join(kb, 'printing/toner.md'),
      article(
        frontMatter
          .replace('id: bomb', 'id: toner-low')
          .replace('questions: [a question]', 'questions: [the printer says toner is low]'),
      ),
    );
    await eventually(() => library.snapshot.knowledgeBase.articles.some((a) => a.id === 'toner-low'), 10_000);

    rmSync(bomb);
    rmSync(folder, { recursive: true });
    rmSync(pipe, { force: true });
    await eventually(() => problemsOf(library).length === 0, 10_000);
    expectSoundFilesServed(library);
    expect(library.snapshot.knowledgeBase.articles.map((a) => a.id).sort()).toEqual([
      'printer-jam',
      'toner-low',
      'vpn-setup',
    ]);
  });
});
