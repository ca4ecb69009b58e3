import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerEngine,
  defaultEngineSettings,
  embedArticles,
  phrasingsOf,
  type ArticleEmbeddings,
} from '../../src/core/answering/answer-engine.js';
import { HashingSentenceEncoder } from '../../src/core/answering/hashing-sentence-encoder.js';
import { dot } from '../../src/core/answering/sentence-encoder.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { CachedSentenceEncoder } from '../../src/encoders/embedding-cache.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';

const kbDir = path.resolve(import.meta.dirname, '../../knowledge-base');
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'encoder-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('HashingSentenceEncoder (the encoder port without a model)', () => {
  it('gives the same unit vector for the same text, and closer vectors for texts that share words', async () => {
    const encoder = new HashingSentenceEncoder();
    const [a, b, c, again] = await encoder.embed([
      'reset my password',
      'I forgot my password',
      'the printer is offline',
      'reset my password',
    ]);
    expect(a).toHaveLength(256);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(again).toEqual(a);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
    expect((await encoder.embed(['']))[0]!.every((x) => x === 0)).toBe(true);
  });
});

describe('CachedSentenceEncoder', () => {
  it('embeds each text once across restarts, and only what changed', async () => {
    const dir = await tempDir();
    const inner = new HashingSentenceEncoder(64);
    const first = await CachedSentenceEncoder.open(inner, dir);
    const vectors = await first.embed(['a', 'b', 'a']);
    expect(inner.embedded).toBe(2);
    expect(vectors[2]).toBe(vectors[0]);

    const restarted = await CachedSentenceEncoder.open(inner, dir);
    expect(await restarted.size()).toBe(2);
    const again = await restarted.embed(['b', 'c']);
    expect(inner.embedded).toBe(3); // only "c"
    expect(again[0]).toEqual(vectors[1]);
    expect(restarted.misses).toBe(1);
  });

  it('ignores a record cut short by a crash, and drops stale records once they outnumber the live ones', async () => {
    const dir = await tempDir();
    const inner = new HashingSentenceEncoder(16);
    const cache = await CachedSentenceEncoder.open(inner, dir);
    await cache.embed(['one', 'two', 'three']);
    const file = path.join(dir, 'hashing-16-16.bin');
    const record = 32 + 4 * 16;
    expect((await stat(file)).size).toBe(3 * record);
    await truncate(file, 3 * record - 5);
    expect(await (await CachedSentenceEncoder.open(inner, dir)).size()).toBe(2);

    await cache.retainOnly(['one', 'two']); // one stale record of three: kept
    expect((await stat(file)).size).toBe(3 * record - 5);
    await cache.retainOnly(['one']);
    expect((await stat(file)).size).toBe(record);
    const reopened = await CachedSentenceEncoder.open(inner, dir);
    expect(await reopened.size()).toBe(1);
    expect((await reopened.embed(['one']))[0]).toEqual((await inner.embed(['one']))[0]);
  });
});

describe("CachedSentenceEncoder and the model's weights", () => {
  it('reads back no vector of other weights (an upgraded package): embeds again in a file of their own and deletes the old one', async () => {
    const dir = await tempDir();
    const texts = ['reset my password', 'the printer is offline'];
    const old = new HashingSentenceEncoder(16, '0.2.0-aaaaaaaaaaaaaaaa');
    await (await CachedSentenceEncoder.open(old, dir)).embed(texts);
    // A file from before the files were named by their weights.
    await writeFile(path.join(dir, 'hashing-16-16.bin'), Buffer.alloc(32 + 4 * 16));

    const upgraded = new HashingSentenceEncoder(16, '0.3.0-bbbbbbbbbbbbbbbb');
    const expected = await upgraded.embed(texts);
    expect(expected[0]).not.toEqual((await old.embed(texts))[0]); // the stand-in's weights do change its vectors
    const cache = await CachedSentenceEncoder.open(upgraded, dir);
    expect(cache.weights).toBe('0.3.0-bbbbbbbbbbbbbbbb');
    expect(await cache.embed(texts)).toEqual(expected);
    expect(cache.misses).toBe(2);
    await cache.retainOnly(texts);
    expect(await readdir(dir)).toEqual(['hashing-16-16--0.3.0-bbbbbbbbbbbbbbbb.bin']);

    // The same weights at the next start: read back.
    const restarted = await CachedSentenceEncoder.open(new HashingSentenceEncoder(16, '0.3.0-bbbbbbbbbbbbbbbb'), dir);
    expect(await restarted.embed(texts)).toEqual(expected);
    expect(restarted.misses).toBe(0);
  });
});

describe('CachedSentenceEncoder on disk (only where each record is, in memory)', () => {
  it('reads a file that another process appended to or rewrote meanwhile, never misreading a vector', async () => {
    const dir = await tempDir();
    const inner = new HashingSentenceEncoder(16);
    const mine = await CachedSentenceEncoder.open(inner, dir);
    await mine.embed(['alpha', 'beta']);
    const other = await CachedSentenceEncoder.open(inner, dir);
    await other.embed(['gamma']);
    // What another process appended after this one opened the file is embedded again, as before (and kept twice: harmless).
    expect(await mine.embed(['gamma'])).toEqual(await inner.embed(['gamma']));
    expect(mine.misses).toBe(3);
    // The other rewrites the file with gamma alone (two stale records of three): alpha's place now holds gamma.
    await other.retainOnly(['gamma']);
    const vectors = await mine.embed(['alpha', 'beta', 'gamma']);
    expect(vectors).toEqual(await inner.embed(['alpha', 'beta', 'gamma']));
    expect(mine.misses).toBe(5); // alpha and beta embedded again; gamma read from its new place
  });

  it('embeds again a record whose key or length does not match, instead of reading it', async () => {
    const dir = await tempDir();
    const inner = new HashingSentenceEncoder(16);
    const cache = await CachedSentenceEncoder.open(inner, dir);
    await cache.embed(['one', 'two']);
    const file = path.join(dir, 'hashing-16-16.bin');
    const bytes = await readFile(file);
    bytes[0] = bytes[0]! ^ 0xff; // the first record's key
    await writeFile(file, bytes);
    expect(await cache.embed(['one', 'two'])).toEqual(await inner.embed(['one', 'two']));
    expect(cache.misses).toBe(3);
  });

  it('reads thousands of records back in runs, as they were written', async () => {
    const dir = await tempDir();
    const inner = new HashingSentenceEncoder(8);
    const texts = Array.from({ length: 5000 }, (_, i) => `phrasing ${i}`);
    const first = await CachedSentenceEncoder.open(inner, dir);
    const written = await first.embed(texts);
    const reopened = await CachedSentenceEncoder.open(inner, dir);
    expect(await reopened.size()).toBe(5000);
    const read = await reopened.embed([...texts].reverse());
    expect(reopened.misses).toBe(0);
    expect(read.reverse()).toEqual(written);
    await reopened.retainOnly(texts.slice(0, 1000));
    const kept = await CachedSentenceEncoder.open(inner, dir);
    expect(await kept.size()).toBe(1000);
    expect(await kept.embed(texts.slice(0, 1000))).toEqual(written.slice(0, 1000));
    expect(kept.misses).toBe(0);
  });
});

describe('AnswerEngine with a sentence encoder', () => {
  let articles: Article[];
  let embeddings: ArticleEmbeddings;
  let encoder: HashingSentenceEncoder;
  let lexical: AnswerEngine;
  let blended: AnswerEngine;

  beforeAll(async () => {
    articles = (await loadKnowledgeBase(kbDir)).articles;
    encoder = new HashingSentenceEncoder();
    embeddings = await embedArticles(articles, encoder);
    lexical = new AnswerEngine(articles);
    blended = await AnswerEngine.build(articles, undefined, undefined, undefined, embeddings);
  });

  it('answers a question it is sure of without asking the encoder', async () => {
    const before = encoder.embedded;
    const result = await blended.answer('how do I reset my password');
    expect(result.confidence).toBeGreaterThanOrEqual(defaultEngineSettings.encoderBelow);
    expect(result.explanation.encoded).toBeUndefined();
    expect(result).toEqual(lexical.ask('how do I reset my password'));
    expect(encoder.embedded).toBe(before);
  });

  it('asks the encoder when unsure, and its similarity takes part in the ranking and the confidence', async () => {
    const question = 'cant print';
    expect(lexical.ask(question).confidence).toBeLessThan(defaultEngineSettings.encoderBelow);
    const before = encoder.embedded;
    const result = await blended.answer(question);
    expect(encoder.embedded).toBe(before + 1);
    expect(result.explanation.encoded).toBe(true);
    expect(result.explanation.candidates.every((c) => typeof c.semantic === 'number')).toBe(true);
    const [vector] = await encoder.embed([question]);
    expect(result).toEqual(blended.ask(question, vector));
  });

  it('without the question embedding, or without embeddings at all, is the lexical engine', async () => {
    for (const question of ['vpn keeps dropping', 'printer', 'can i expense a new monitor']) {
      expect(blended.ask(question)).toEqual(lexical.ask(question));
      expect(await lexical.answer(question)).toEqual(lexical.ask(question));
    }
  });
});

describe('LiveKnowledge with a sentence encoder', () => {
  it('embeds the phrasings once: a restart embeds nothing, a reload only the edited article', async () => {
    const dir = await tempDir();
    const kb = path.join(dir, 'kb');
    await cp(kbDir, kb, { recursive: true });
    const cacheDir = path.join(dir, 'encoder-cache');
    const encoder = new HashingSentenceEncoder();
    const library = await LiveKnowledge.load(kb, { answer: 0.5, suggest: 0.25 }, { encoder, cacheDir });
    // The encoder reads English: only the English articles' phrasings are embedded (German and French are matched by their words).
    const english = library.snapshot.knowledgeBase.articles.filter((a) => (a.lang ?? 'en') === 'en');
    expect(english.length).toBeLessThan(library.snapshot.knowledgeBase.articles.length);
    const phrasings = new Set(english.flatMap(phrasingsOf)).size;
    expect(encoder.embedded).toBe(phrasings);
    expect(library.snapshot.engine.encoder).toBe(encoder);

    const restart = new HashingSentenceEncoder();
    await LiveKnowledge.load(kb, { answer: 0.5, suggest: 0.25 }, { encoder: restart, cacheDir });
    expect(restart.embedded).toBe(0);

    const file = path.join(kb, 'accounts', 'password-reset.md');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^questions:\n/m, 'questions:\n  - my login word is not accepted any more\n'));
    const before = encoder.embedded;
    await library.reload();
    expect(encoder.embedded - before).toBe(1);
    const [vector] = await encoder.embed(['my login word is not accepted any more']);
    expect(
      library.snapshot.engine.ask('my login word is not accepted any more', vector).explanation.candidates[0]
        ?.articleId,
    ).toBe('password-reset');
  });
});
