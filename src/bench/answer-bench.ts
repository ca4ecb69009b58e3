// Answer-engine benchmark: index build time, memory and answer latency, on the bundled
// knowledge base and on a generated one of 10,000 articles. Prints figures; asserts nothing
// (timings on shared machines are noisy: compare runs, do not gate on them).
//
//   npm run bench [-- --articles 10000 --rounds 20 --encoder none|use-lite --cache DIR]
//
// The bundled knowledge base is measured with the sentence encoder (the bot's default; its
// phrasings' embeddings cached in --cache), the generated one without: its 80,000 made-up
// phrasings would take minutes to embed and mean nothing to the encoder.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AnswerEngine, embedArticles, type ArticleEmbeddings } from '../core/answering/answer-engine.js';
import type { Article } from '../core/knowledge/article.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { encoderCliOptions, encoderFromCli } from '../encoders/encoder-options.js';
import { evaluate, percentile, readQuestions } from '../evaluation/evaluate-questions.js';

const { values } = parseArgs({
  options: {
    kb: { type: 'string', default: 'knowledge-base' },
    questions: { type: 'string', default: 'test/fixtures/kb-questions.jsonl' },
    articles: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '20' },
    ...encoderCliOptions,
  },
});

const gc = (globalThis as { gc?: () => void }).gc;
const heapMB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function measure(label: string, articles: Article[], questions: string[], rounds: number, embeddings?: ArticleEmbeddings) {
  const before = heapMB();
  const builds: number[] = [];
  let engine!: AnswerEngine;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    engine = new AnswerEngine(articles, undefined, undefined, undefined, undefined, embeddings);
    builds.push(performance.now() - start);
  }
  const indexMB = heapMB() - before;
  for (const q of questions.slice(0, 50)) await engine.answer(q); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const start = process.hrtime.bigint();
      await engine.answer(q);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const row = {
    kb: label,
    articles: articles.length,
    encoder: embeddings?.encoder.name ?? 'none',
    indexBuildMs: Math.round(Math.min(...builds)),
    indexHeapMB: Number(indexMB.toFixed(1)),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    questions: times.length,
    medianMs: Number(percentile(times, 0.5).toFixed(3)),
    p99Ms: Number(percentile(times, 0.99).toFixed(3)),
  };
  return { row, engine };
}

/** Deterministic pseudo-random numbers, so every run generates the same knowledge base. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** 10,000 plausible articles: words drawn from the real articles, with invented product names mixed in. */
function generate(base: Article[], count: number): Article[] {
  const random = prng(42);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const words = [...new Set(base.flatMap((a) => `${a.title} ${a.questions.join(' ')} ${a.body}`.toLowerCase().match(/[a-z]{3,}/g) ?? []))];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');
  return Array.from({ length: count }, (_, i) => {
    const template = pick(base);
    const product = `app${i}`;
    return {
      ...template,
      id: `generated-${i}`,
      title: `${product} ${sentence(4)}`,
      questions: Array.from({ length: 8 }, () => `${product} ${sentence(6)}`),
      tags: [product, pick(words), pick(words)],
      body: Array.from({ length: 12 }, () => sentence(25)).join('.\n'),
      answer: sentence(60),
      path: `generated/${i}.md`,
    };
  });
}

const kb = await loadKnowledgeBase(path.resolve(values.kb));
const labelled = readQuestions(path.resolve(values.questions));
const questions = labelled.map((q) => q.text);
const rounds = Number(values.rounds);

const { encoder, phrasingEncoder } = await encoderFromCli(values);
const embedStart = performance.now();
const embeddings = encoder ? await embedArticles(kb.articles, phrasingEncoder ?? encoder, encoder) : undefined;
const embedMs = performance.now() - embedStart;
if (encoder) console.log(`${encoder.name}: the bundled knowledge base's phrasings embedded (or read from the cache) in ${embedMs.toFixed(0)} ms`);

const bundled = await measure('bundled', kb.articles, questions, rounds, embeddings);
const quality = await evaluate(bundled.engine, labelled);
const generated = await measure('generated', generate(kb.articles, Number(values.articles)), questions, Math.max(1, Math.floor(rounds / 4)));

console.table([bundled.row, generated.row]);
console.log(
  `quality on ${labelled.length} questions (${quality.inScope} in scope, ${quality.outOfScope} out of scope): ` +
    `top-1 ${pct(quality.top1, quality.inScope)}, top-3 ${pct(quality.top3, quality.inScope)}, ` +
    `answered right ${pct(quality.answeredCorrect, quality.inScope)}, answered or offered right ${pct(quality.answeredCorrect + quality.suggestedCorrect, quality.inScope)}, ` +
    `confident wrong ${quality.confidentWrong}, out-of-scope declined ${pct(quality.outOfScopeDeclined, quality.outOfScope)}`,
);
if (!gc) console.log('(run through `npm run bench` for heap figures after garbage collection)');
console.log(JSON.stringify({ bundled: bundled.row, generated: generated.row, quality: { ...quality, outcomes: undefined } }));

function pct(n: number, d: number): string {
  return `${((100 * n) / d).toFixed(1)}%`;
}
