import { stringify } from 'yaml';
import type { Article } from '../core/knowledge/article.js';

/** Deterministic pseudo-random numbers, so every run generates the same knowledge base. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/**
 * `count` plausible articles for the benchmarks: words drawn from the real articles, with
 * invented product names mixed in (the same seed, the same knowledge base).
 */
export function generateArticles(base: readonly Article[], count: number): Article[] {
  const random = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const words = [
    ...new Set(
      base.flatMap((a) => `${a.title} ${a.questions.join(' ')} ${a.body}`.toLowerCase().match(/[a-z]{3,}/g) ?? []),
    ),
  ];
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

/** An article as a markdown file, as an editor would write it (the start bench's and the start-up tests' knowledge bases). */
export function articleMarkdown(article: Article): string {
  const front = stringify({
    id: article.id,
    title: article.title,
    questions: article.questions,
    tags: article.tags,
    category: article.category,
    owner: article.owner,
    updated: '2026-12-01',
  });
  return `---\n${front}---\n\n# ${article.title}\n\n## Answer\n\n${article.answer}\n\n## Details\n\n${article.body}\n`;
}
