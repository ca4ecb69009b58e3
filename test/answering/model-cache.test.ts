import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnswerEngine, type BuildProgress } from '../../src/core/answering/answer-engine.js';
import { IntentModel, ModelFormatError } from '../../src/core/answering/intent-model.js';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { defaultSynonyms, defaultPhrases } from '../../src/core/answering/synonyms.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { FileModelCache } from '../../src/store/model-cache.js';
import { MemoryModelCache } from '../../src/store/memory/memory-model-cache.js';
import { MemoryLearnedPhrasings } from '../../src/store/memory/memory-learned-phrasings.js';
import { readQuestions } from '../../src/evaluation/evaluate-questions.js';
import { generateArticles } from '../../src/bench/generated-kb.js';
import { tempDir } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const bundled = path.join(ROOT, 'knowledge-base');
const fitQuestions = readQuestions(path.join(ROOT, 'test/fixtures/kb-questions-fit.jsonl')).map((q) => q.text);
const hostile = [
  '',
  '   ',
  '🙂'.repeat(300),
  'a'.repeat(5000),
  '\u0000\u0007 printer',
  'printer printer printer printer',
];

let articles: Article[];
/** Articles with 60 phrasings each: the hinge model and the word network are trained too (rankingShare >= 0.5). */
let many: Article[];

beforeAll(async () => {
  articles = (await loadKnowledgeBase(bundled)).articles;
  many = generateArticles(articles, 12).map((article, i) => ({
    ...article,
    questions: Array.from(
      { length: 60 },
      (_, j) =>
        `${article.questions[j % article.questions.length]!} ${article.tags[j % article.tags.length]!} ${['now', 'again', 'today', 'please', 'ok'][(i + j) % 5]!}`,
    ),
  }));
});

/** Builds with the cache and says where the model came from. */
async function build(
  list: readonly Article[],
  cache: MemoryModelCache | FileModelCache,
  analyzer?: TextAnalyzer,
): Promise<{ engine: AnswerEngine; events: BuildProgress[] }> {
  const events: BuildProgress[] = [];
  const engine = await AnswerEngine.build(list, undefined, analyzer, undefined, undefined, {
    modelCache: cache,
    progress: (event) => events.push(event),
  });
  return { engine, events };
}

const source = (events: BuildProgress[]) => events.flatMap((e) => (e.kind === 'model' ? [e.source] : []));
const warnings = (events: BuildProgress[]) => events.flatMap((e) => (e.kind === 'warning' ? [e.message] : []));
/** Everything `ask` decides and explains, for every question. */
const answers = (engine: AnswerEngine, questions: readonly string[]) =>
  questions.map((q) => JSON.stringify(engine.ask(q)));

describe('the trained answer model cache', () => {
  it('a model read back from the cache ranks every question of kb-questions-fit.jsonl as the trained one did', async () => {
    const cache = new MemoryModelCache();
    const trained = await build(articles, cache);
    const loaded = await build(articles, cache);
    expect(source(trained.events)).toEqual(['trained']);
    expect(source(loaded.events)).toEqual(['cache']);
    expect(fitQuestions.length).toBeGreaterThan(100);
    expect(answers(loaded.engine, [...fitQuestions, ...hostile])).toEqual(
      answers(trained.engine, [...fitQuestions, ...hostile]),
    );
  });

  it('with many phrasings per article (hinge model and word network) the model read back gives the same probabilities, and the same bytes again', async () => {
    const cache = new MemoryModelCache();
    const trained = await build(many, cache);
    const loaded = await build(many, cache);
    expect(source(loaded.events)).toEqual(['cache']);
    const questions = [...many.flatMap((a) => a.questions.slice(0, 3)), ...fitQuestions.slice(0, 40), ...hostile];
    expect(answers(loaded.engine, questions)).toEqual(answers(trained.engine, questions));
    const analyzer = new TextAnalyzer();
    const model = IntentModel.fromBytes(
      (await cache.get(
        [...(cache as unknown as { models: Map<string, Uint8Array> }).models.keys()].find((key) =>
          key.startsWith('answer-'),
        )!,
      ))!,
      analyzer,
    );
    expect(model.rankingShare).toBeGreaterThanOrEqual(0.5);
    const bytes = model.toBytes();
    expect(Buffer.from(IntentModel.fromBytes(bytes, analyzer).toBytes()).equals(Buffer.from(bytes))).toBe(true);
    // Read where its arrays are views on the bytes (aligned) and where they must be copied (one byte off).
    const offset = new Uint8Array(bytes.length + 1);
    offset.set(bytes, 1);
    const copied = IntentModel.fromBytes(offset.subarray(1), analyzer);
    expect(Buffer.from(copied.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    const vector = model.vector(many[0]!.questions[0]!);
    expect(copied.assess(vector)).toEqual(model.assess(vector));
  });

  it('a changed question, an added phrasing, another article order or another analyzer misses the cache', async () => {
    const cache = new MemoryModelCache(10);
    expect(source((await build(articles, cache)).events)).toEqual(['trained']);
    const edited = articles.map((a, i) =>
      i === 3 ? { ...a, questions: [...a.questions.slice(0, -1), `${a.questions.at(-1)!}?`] } : a,
    );
    expect(source((await build(edited, cache)).events)).toEqual(['trained']);
    const learned = articles.map((a, i) =>
      i === 5 ? { ...a, questions: [...a.questions, 'my thing is broken again'] } : a,
    );
    expect(source((await build(learned, cache)).events)).toEqual(['trained']);
    expect(source((await build([...articles].reverse(), cache)).events)).toEqual(['trained']);
    const otherSynonyms = new TextAnalyzer({ ...defaultSynonyms, wifi: 'wireless network' }, defaultPhrases);
    expect(source((await build(articles, cache, otherSynonyms)).events)).toEqual(['trained']);
    // The body is not something the model learns from: a changed body still hits.
    const newBody = articles.map((a, i) => (i === 2 ? { ...a, body: `${a.body}\n\nOne more line.` } : a));
    expect(source((await build(newBody, cache)).events)).toEqual(['cache']);
  });

  it('bytes cut short, changed or of another format are refused with ModelFormatError, never half read', async () => {
    const cache = new MemoryModelCache();
    await build(many, cache);
    const bytes = (await cache.get(
      [...(cache as unknown as { models: Map<string, Uint8Array> }).models.keys()].find((key) =>
        key.startsWith('answer-'),
      )!,
    ))!;
    const analyzer = new TextAnalyzer();
    const flipped = bytes.slice();
    flipped[Math.floor(bytes.length / 2)]! ^= 0x40;
    const otherFormat = bytes.slice();
    otherFormat[4] = 99;
    for (const bad of [
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 100),
      bytes.subarray(0, 5),
      new Uint8Array(0),
      flipped,
      otherFormat,
      new TextEncoder().encode('HDIM not a model at all, but long enough to have a header and a checksum'),
    ]) {
      expect(() => IntentModel.fromBytes(bad, analyzer)).toThrow(ModelFormatError);
    }
  });
});

describe('the model cache on disk', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('helpdesk-model-cache-')));
  afterEach(() => cleanup());

  const modelFiles = () => readdirSync(dir).filter((name) => name.endsWith('.model'));

  it('a truncated or corrupt file is ignored with a warning, the model retrained and the file written whole again', async () => {
    const cache = new FileModelCache(dir);
    const first = await build(articles, cache);
    const [file] = modelFiles();
    const full = statSync(path.join(dir, file!)).size;
    truncateSync(path.join(dir, file!), Math.floor(full / 2));
    const afterTruncation = await build(articles, cache);
    expect(source(afterTruncation.events)).toEqual(['trained']);
    expect(warnings(afterTruncation.events)).toEqual([expect.stringContaining('cached answer model is unusable')]);
    expect(statSync(path.join(dir, file!)).size).toBe(full);
    const bytes = readFileSync(path.join(dir, file!));
    bytes[full - 100]! ^= 0xff;
    writeFileSync(path.join(dir, file!), bytes);
    const afterCorruption = await build(articles, cache);
    expect(source(afterCorruption.events)).toEqual(['trained']);
    expect(warnings(afterCorruption.events)).toHaveLength(1);
    const again = await build(articles, cache);
    expect(source(again.events)).toEqual(['cache']);
    expect(answers(again.engine, fitQuestions)).toEqual(answers(first.engine, fitQuestions));
  });

  it('keeps only the most recently used models', async () => {
    const cache = new FileModelCache(dir, 2);
    const key = (kind: string, n: number) => `${kind}-${n.toString(16).padStart(64, '0')}`;
    await cache.put(key('answer', 1), new Uint8Array([1]));
    for (let n = 1; n <= 4; n++) {
      // mtime has a resolution of milliseconds or coarser: each file visibly newer than the last.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await cache.put(key('triage', n), new Uint8Array([n]));
    }
    // The answer model is the oldest file, but triage models do not push it out.
    expect(modelFiles().sort()).toEqual([
      `${key('answer', 1)}.model`,
      `${key('triage', 3)}.model`,
      `${key('triage', 4)}.model`,
    ]);
    expect(await cache.get('../../etc/passwd')).toBeNull();
    await expect(cache.put('../escape', new Uint8Array(1))).rejects.toThrow(/not a model cache key/);
  });

  it('two processes writing the same key at once leave a whole model, and a reader meanwhile sees a whole one or none', async () => {
    const cache = new MemoryModelCache();
    await build(many, cache);
    await build(many.slice(0, 10), cache);
    const [a, b] = [...(cache as unknown as { models: Map<string, Uint8Array> }).models]
      .filter(([key]) => key.startsWith('answer-'))
      .map(([, bytes]) => bytes);
    writeFileSync(path.join(dir, 'a.bytes'), a!);
    writeFileSync(path.join(dir, 'b.bytes'), b!);
    const key = `answer-${'ab'.repeat(32)}`;
    const writer = (file: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(ROOT, 'test/support/model-cache-writer.ts'),
            dir,
            key,
            path.join(dir, file),
            '25',
          ],
          { cwd: ROOT, stdio: 'ignore' },
        );
        child.once('exit', resolve);
      });
    const writers = Promise.all([writer('a.bytes'), writer('b.bytes')]);
    let done = false;
    void writers.then(() => (done = true));
    const reader = new FileModelCache(dir);
    const analyzer = new TextAnalyzer();
    let reads = 0;
    while (!done) {
      const bytes = await reader.get(key);
      if (bytes) {
        expect(() => IntentModel.fromBytes(bytes, analyzer)).not.toThrow();
        reads++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await writers).toEqual([0, 0]);
    expect(reads).toBeGreaterThan(0);
    const final = (await reader.get(key))!;
    expect([Buffer.from(a!), Buffer.from(b!)].some((bytes) => bytes.equals(Buffer.from(final)))).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('a restart and a reload with unchanged articles read the model from the cache; an edited article retrains', async () => {
    cpSync(bundled, path.join(dir, 'kb'), { recursive: true });
    const lines: string[] = [];
    const open = () =>
      LiveKnowledge.load(path.join(dir, 'kb'), { answer: 0.42, suggest: 0.16 }, null, {
        modelCacheDir: path.join(dir, 'model-cache'),
        progress: (line) => lines.push(line),
      });
    const first = await open();
    expect(lines.filter((line) => line.startsWith('The answer model'))).toEqual([
      expect.stringMatching(/^The answer model trained in [\d.]+ s/),
    ]);
    expect(lines[0]).toMatch(/^Indexing \d+ articles/);
    lines.length = 0;
    const restarted = await open();
    expect(lines.filter((line) => line.startsWith('The answer model'))).toEqual([
      expect.stringMatching(/^The answer model read from the cache in [\d.]+ s/),
    ]);
    expect(answers(restarted.snapshot.engine, fitQuestions)).toEqual(answers(first.snapshot.engine, fitQuestions));
    lines.length = 0;
    await restarted.reload();
    expect(lines.filter((line) => line.startsWith('The answer model'))).toEqual([
      expect.stringContaining('read from the cache'),
    ]);
    const kb = path.join(dir, 'kb');
    const file = path.join(
      kb,
      readdirSync(kb, { recursive: true, encoding: 'utf8' }).find(
        (name) => name.endsWith('.md') && /^questions:\n/m.test(readFileSync(path.join(kb, name), 'utf8')),
      )!,
    );
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^questions:\n/m, 'questions:\n  - how do I ask this brand new question\n'),
    );
    lines.length = 0;
    await restarted.reload();
    expect(lines.filter((line) => line.startsWith('The answer model'))).toEqual([expect.stringContaining('trained')]);
  }, 60_000);

  it('a start with learned phrasings builds once, with them, and a learned phrasing is a new model', async () => {
    cpSync(bundled, path.join(dir, 'kb'), { recursive: true });
    const learned = new MemoryLearnedPhrasings();
    const articleId = articles[0]!.id;
    for (const asker of ['a', 'b', 'c']) {
      await learned.vote({
        articleId,
        text: 'zorblax keeps asking me',
        textKey: 'zorblax keeps asking me',
        askerHash: asker,
        helpful: true,
        at: new Date(),
      });
    }
    const lines: string[] = [];
    const library = await LiveKnowledge.load(path.join(dir, 'kb'), { answer: 0.42, suggest: 0.16 }, null, {
      modelCache: new MemoryModelCache(),
      progress: (line) => lines.push(line),
      learned: { store: learned, minAskers: 3 },
    });
    await library.learnFrom(learned, 3);
    expect(lines.filter((line) => line.startsWith('Indexing'))).toHaveLength(1);
    expect(library.snapshot.engine.article(articleId)?.questions).toContain('zorblax keeps asking me');
    expect(lines.filter((line) => line.startsWith('The answer model'))).toEqual([expect.stringContaining('trained')]);
  }, 60_000);
});
