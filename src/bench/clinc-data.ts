import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Article } from '../core/knowledge/article.js';

const rows = z.array(z.tuple([z.string(), z.string()]));

/** A file in the format of CLINC150's data_full.json: each key holds [text, intent] rows. */
const clincSchema = z.object({
  train: rows,
  val: rows,
  oos_val: rows,
  test: rows.optional(),
  oos_test: rows.optional(),
});

export type ClincData = z.infer<typeof clincSchema>;
export type ClincSplit = 'val' | 'test';

export function readClinc(file: string): ClincData {
  const parsed = clincSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: not in CLINC150 format (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/** Article ids allow lowercase letters, digits and dashes. */
export function articleId(intent: string): string {
  return intent.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * One article per intent; its training utterances (the first `shots` of them, in file order,
 * when given) are the article's questions. Nothing else is given: the title is the first
 * utterance (not the intent's name, which the published systems never saw), and there is no
 * body or tags, so the engine learns only from the utterances.
 */
export function clincArticles(train: ClincData['train'], shots?: number): Article[] {
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of train) {
    if (intent === 'oos') continue;
    const list = byIntent.get(intent) ?? [];
    if (shots === undefined || list.length < shots) list.push(text);
    byIntent.set(intent, list);
  }
  return [...byIntent].map(([intent, questions]) => ({
    id: articleId(intent),
    title: questions[0] ?? intent,
    questions,
    tags: [],
    category: 'clinc',
    owner: 'benchmark',
    updated: '2019-09-04',
    answer: '',
    body: '',
    path: `clinc/${articleId(intent)}.md`,
  }));
}

/** Labelled questions of a split: in-scope rows expect their intent's article, out-of-scope rows expect no answer. */
export function clincQuestions(data: ClincData, split: ClincSplit): Array<{ text: string; expected: string | null }> {
  const inScope = split === 'val' ? data.val : data.test;
  const outOfScope = split === 'val' ? data.oos_val : data.oos_test;
  if (!inScope || !outOfScope) throw new Error(`the file has no "${split}" and "oos_${split}" keys`);
  return [
    ...inScope.map(([text, intent]) => ({ text, expected: intent === 'oos' ? null : articleId(intent) })),
    ...outOfScope.map(([text]) => ({ text, expected: null })),
  ];
}
