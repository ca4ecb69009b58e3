import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, embedArticles, SEMANTIC_CANDIDATES } from '../../src/core/answering/answer-engine.js';
import { normalize, type SentenceEncoder } from '../../src/core/answering/sentence-encoder.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';

/**
 * An encoder that knows one synonym: a question about a kettle points one way; teapot model t<i>
 * a little further from it the larger i is (cosine 1 / sqrt(1 + (i/10)^2)); anything else
 * another way, tilted by its length.
 */
const encoder: SentenceEncoder = {
  name: 'kettle-test',
  dimensions: 3,
  embed: (texts) =>
    Promise.resolve(
      texts.map((text) => {
        const model = /teapot\D*t(\d+)/i.exec(text);
        if (model) return normalize(Float32Array.of(1, 0, Number(model[1]) / 10));
        if (/kettle|teapot/i.test(text)) return normalize(Float32Array.of(1, 0, 0));
        return normalize(Float32Array.of(0, 1, text.length / 100));
      }),
    ),
};

let template: Article;
const filler = (i: number): Article => ({
  ...template,
  id: `widget-${i}`,
  title: `Widget ${i} printer setup`,
  questions: [`how do I set up the printer of widget ${i}`, `widget ${i} printer driver`],
  tags: [`widget${i}`],
  body: `Widget ${i} prints from the printer driver.`,
});
let teapot: Article;
/** Articles about a kettle or a teapot with no word of the question "printer kettle". */
const teapots = (n: number): Article[] =>
  Array.from({ length: n }, (_, i) => ({
    ...teapot,
    id: `teapot-${i}`,
    title: `Descaling teapot model t${i}`,
    questions: [`descale teapot t${i}`],
    tags: [`t${i}`],
  }));

async function engineOf(articles: Article[]): Promise<AnswerEngine> {
  return new AnswerEngine(articles, undefined, undefined, undefined, undefined, await embedArticles(articles, encoder));
}

const round = (v: number) => Math.round(v * 1000) / 1000;

async function ask(engine: AnswerEngine, question: string) {
  const [vector] = await encoder.embed([question]);
  return engine.ask(question, vector);
}

beforeAll(async () => {
  template = (await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'))).articles[0]!;
  teapot = {
    ...template,
    id: 'teapot',
    title: 'Descaling the teapot',
    questions: ['how do I descale the teapot in the kitchen'],
    tags: ['teapot'],
    body: 'Vinegar, then rinse twice.',
  };
});

describe('The sentence encoder over a large knowledge base', () => {
  // The question names 20 widgets, so that the intent model's pools hold widgets only: an
  // article the encoder compares is then one the keyword search ranked (or every one).
  const question = `printer kettle ${Array.from({ length: 20 }, (_, i) => `widget${i}`).join(' ')}`;

  it('compares every article when there are no more than SEMANTIC_CANDIDATES', async () => {
    const engine = await engineOf([
      ...Array.from({ length: SEMANTIC_CANDIDATES - 30 }, (_, i) => filler(i)),
      ...teapots(30),
    ]);
    // "kettle" is no word of the teapot articles': only the encoder sees them.
    const result = await ask(engine, question);
    expect(result.explanation.candidates.slice(0, 2)).toMatchObject([
      { articleId: 'teapot-0', semantic: 1 },
      { articleId: 'teapot-1', semantic: round(1 / Math.hypot(1, 0.1)) },
    ]);
  });

  it("above that, compares the question with the keyword search's best articles only", async () => {
    const engine = await engineOf([
      ...Array.from({ length: SEMANTIC_CANDIDATES + 50 }, (_, i) => filler(i)),
      ...teapots(30),
    ]);
    // "printer" matches every widget: no teapot article is among the words' best 300.
    const result = await ask(engine, question);
    // Compared with every article, teapot-0 (cosine 1) would rank first; the intent model's pools
    // hold a few teapot articles (its probabilities are flat over 380 articles), never these.
    const ids = result.explanation.candidates.map((c) => c.articleId);
    expect(ids).not.toContain('teapot-0');
    expect(ids).not.toContain('teapot-1');
  });

  it('compares every article when the words match fewer than SEMANTIC_CANDIDATES', async () => {
    const engine = await engineOf([
      ...Array.from({ length: SEMANTIC_CANDIDATES + 50 }, (_, i) => filler(i)),
      ...teapots(30),
    ]);
    for (const question of ['kettle', 'descale the kettle']) {
      const result = await ask(engine, question);
      expect(result.explanation.candidates[0], question).toMatchObject({ articleId: 'teapot-0', semantic: 1 });
    }
  });
});
