import type { Article } from '../../src/core/knowledge/article.js';

/** An article for tests that need one without a file: one question (its id), its answer as body; `extra` overrides. */
export function testArticle(id: string, extra: Partial<Article> = {}): Article {
  const answer = extra.answer ?? `the answer of ${id}`;
  return {
    id,
    title: id,
    questions: [id],
    tags: [],
    category: 'general',
    owner: 'it',
    updated: '2026-12-04',
    answer,
    body: answer,
    path: `${id}.md`,
    ...extra,
  };
}
