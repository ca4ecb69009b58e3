import { createHash } from 'node:crypto';
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

/** The seed `--shots` draws with when none is given, so runs without --seed compare. */
export const DEFAULT_SHOT_SEED = 1;

/**
 * One article per intent; its training utterances are the article's questions: all of them, or
 * `shots` drawn at random per intent with `seed`. A random draw, not the first `shots` in file
 * order: CLINC150 lists each intent's utterances in the order they were collected, so the first
 * few are alike and measure a model worse than the knowledge bases it will meet. Nothing else is given: the title is the first utterance drawn (not the intent's name,
 * which the published systems never saw), and there is no body or tags, so the engine learns
 * only from the utterances.
 */
export function clincArticles(train: ClincData['train'], shots?: number, seed = DEFAULT_SHOT_SEED): Article[] {
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of train) {
    if (intent === 'oos') continue;
    const list = byIntent.get(intent) ?? [];
    list.push(text);
    byIntent.set(intent, list);
  }
  if (shots !== undefined) {
    for (const [intent, texts] of byIntent) byIntent.set(intent, drawn(texts, shots, `${seed}:${intent}`));
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

/**
 * `n` of the texts in an order fixed by the key: each text's rank is the hash of the key and its
 * position, so a draw depends on nothing but the seed and the intent (not on a generator's state
 * shared across intents), and the same seed draws the same utterances on every machine.
 */
function drawn(texts: readonly string[], n: number, key: string): string[] {
  const rank = (i: number) => createHash('sha256').update(`${key}:${i}`).digest().readUInt32BE(0);
  return texts
    .map((text, i) => ({ text, rank: rank(i), i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, n)
    .map((entry) => entry.text);
}
