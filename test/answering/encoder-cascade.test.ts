import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerEngine,
  defaultEngineSettings,
  embedArticles,
  encoderText,
  MAX_ENCODED_CHARS,
  SEMANTIC_CANDIDATES,
} from '../../src/core/answering/answer-engine.js';
import { HashingSentenceEncoder } from '../../src/core/answering/hashing-sentence-encoder.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { readQuestions } from '../../src/evaluation/evaluate-questions.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A hashing encoder that keeps the texts it was asked to embed. */
class RecordingEncoder extends HashingSentenceEncoder {
  readonly texts: string[] = [];
  override embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.texts.push(...texts);
    return super.embed(texts);
  }
}

let articles: Article[];
let questions: string[];
beforeAll(async () => {
  articles = (await loadKnowledgeBase(path.join(root, 'knowledge-base'))).articles.filter((a) => !a.lang);
  questions = readQuestions(path.join(root, 'test/fixtures/kb-questions-fit.jsonl')).map((q) => q.text);
});

async function engineWith(list: Article[]): Promise<{ engine: AnswerEngine; encoder: RecordingEncoder }> {
  const encoder = new RecordingEncoder();
  const engine = new AnswerEngine(list, undefined, undefined, undefined, undefined, await embedArticles(list, encoder));
  encoder.texts.length = 0;
  return { engine, encoder };
}

describe('the encoder cascade (AnswerEngine.answer)', () => {
  it("decides as ask() with the question's embedding, or without it when the words are sure, reusing the words' pass", async () => {
    const { engine, encoder } = await engineWith(articles);
    let encoded = 0;
    for (const question of questions) {
      const before = encoder.texts.length;
      const answered = await engine.answer(question);
      if (encoder.texts.length === before) {
        expect(answered).toEqual(engine.ask(question));
        continue;
      }
      encoded++;
      const [vector] = await encoder.embed([question]);
      expect(answered).toEqual(engine.ask(question, vector));
    }
    // Both paths were taken (about 40% of the fitting file's questions are embedded).
    expect(encoded).toBeGreaterThan(questions.length / 5);
    expect(encoded).toBeLessThan(questions.length);
  });

  it('above SEMANTIC_CANDIDATES articles too, where the encoder narrows itself to the keyword search’s wider list', async () => {
    const many: Article[] = [...articles];
    for (let i = 0; many.length <= SEMANTIC_CANDIDATES; i++)
      many.push({
        ...articles[i % articles.length]!,
        id: `copy-${i}`,
        title: `Widget ${i} setup`,
        questions: [`set up widget ${i}`, `widget ${i} is not working`],
      });
    const { engine, encoder } = await engineWith(many);
    for (const question of questions.slice(0, 40)) {
      const answered = await engine.answer(question);
      const [vector] = await encoder.embed([question]);
      expect(answered).toEqual(answered.explanation.encoded ? engine.ask(question, vector) : engine.ask(question));
    }
  });

  it('embeds only the first MAX_ENCODED_CHARS characters of a long message, cut at a word', async () => {
    const { engine: cascade, encoder } = await engineWith(articles);
    // Every question embedded, however sure the words are.
    const engine = cascade.withSettings({ ...defaultEngineSettings, encoderBelow: 2 });
    const long = `my laptop cannot connect to the vpn since this morning ${'and it keeps saying the gateway is unreachable '.repeat(8)}`;
    await engine.answer(long);
    expect(encoder.texts).toHaveLength(1);
    const embedded = encoder.texts[0]!;
    expect(embedded.length).toBeLessThanOrEqual(MAX_ENCODED_CHARS);
    expect(long.startsWith(embedded)).toBe(true);
    expect(long[embedded.length]).toBe(' ');
    expect(embedded.length).toBeGreaterThan(MAX_ENCODED_CHARS - 20);
  });
});

describe('encoderText', () => {
  it('leaves a question of up to MAX_ENCODED_CHARS as it is, cuts a longer one at a word, or at the limit without one', () => {
    const exact = 'x'.repeat(MAX_ENCODED_CHARS);
    expect(encoderText('vpn keeps dropping')).toBe('vpn keeps dropping');
    expect(encoderText(exact)).toBe(exact);
    expect(encoderText(`${'word '.repeat(60)}`)).toBe('word '.repeat(40).trimEnd());
    expect(encoderText('y'.repeat(MAX_ENCODED_CHARS + 50))).toBe('y'.repeat(MAX_ENCODED_CHARS));
  });
});
