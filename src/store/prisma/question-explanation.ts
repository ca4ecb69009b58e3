import type { AnswerExplanation, Candidate } from '../../core/answering/answer-engine.js';
import { parseJson } from './json-column.js';

/**
 * How a question's explanation is kept in the Question table: compact, as ids and numbers (the
 * candidates as arrays, which fields a term matched as bits, terms by their index), with one
 * title only, the asked-about article's (the content-gap report names articles from it). The
 * rest of the titles are the articles' own: whoever shows an explanation to an editor takes them
 * from the live knowledge base, by id. Rows written before (the whole JSON) read as they were,
 * and so does any explanation not of the engine's shape (kept whole).
 */
const COMPACT_VERSION = 2;

/** The keyword index's fields, as bits (a term can match several). */
const FIELD_BITS: Record<string, number> = { title: 1, questions: 2, body: 4, tags: 8 };
const FIELDS = Object.keys(FIELD_BITS);

/** [articleId, score, confidence, probability, keyword, semantic?] */
type CompactCandidate = [string, number, number, number, number, number?];

interface CompactExplanation {
  v: typeof COMPACT_VERSION;
  /** queryTerms */
  q: string[];
  /** matched: [term's index in q (or the term, if not among them), field bits] */
  m: Array<[number | string, number]>;
  /** unmatchedTerms, as indexes in q */
  u: number[];
  /** coverage, margin */
  c: number;
  g: number;
  /** threshold: [answer, suggest] */
  h: [number, number];
  k: CompactCandidate[];
  /** The title kept: [index in k, title] */
  n?: [number, string];
  e?: 1;
  a?: 1;
}

/** The stored text of an explanation; `titleOf`: the article whose title is kept (the question's article). */
export function storedExplanation(explanation: unknown, titleOf: string | null): string {
  const compact = isEngineExplanation(explanation) ? compactOf(explanation, titleOf) : undefined;
  return JSON.stringify(compact ?? explanation);
}

/** An explanation read back: the compact form expanded (titles but the kept one absent), anything else as stored. */
export function readExplanation(text: string): Record<string, unknown> {
  const stored = parseJson<unknown>(text, {});
  if (!isObject(stored)) return {};
  if (stored.v !== COMPACT_VERSION) return stored;
  const c = stored as unknown as CompactExplanation;
  const term = (ref: number | string) => (typeof ref === 'number' ? (c.q[ref] ?? String(ref)) : ref);
  const candidates = c.k.map(([articleId, score, confidence, probability, keyword, semantic], index) => ({
    articleId,
    ...(c.n?.[0] === index ? { title: c.n[1] } : {}),
    score,
    confidence,
    probability,
    keyword,
    ...(semantic === undefined ? {} : { semantic }),
  }));
  return {
    queryTerms: c.q,
    matched: Object.fromEntries(c.m.map(([ref, bits]) => [term(ref), FIELDS.filter((f) => bits & FIELD_BITS[f]!)])),
    unmatchedTerms: c.u.map((i) => term(i)),
    coverage: c.c,
    margin: c.g,
    threshold: { answer: c.h[0], suggest: c.h[1] },
    candidates,
    ...(c.e ? { encoded: true } : {}),
    ...(c.a ? { ambiguous: true } : {}),
  };
}

function compactOf(x: AnswerExplanation, titleOf: string | null): CompactExplanation | undefined {
  const index = new Map(x.queryTerms.map((t, i) => [t, i] as const));
  const matched: Array<[number | string, number]> = [];
  for (const [term, fields] of Object.entries(x.matched)) {
    let bits = 0;
    for (const field of fields) {
      const bit = FIELD_BITS[field];
      // A field the index did not have when this was written: keep the whole explanation.
      if (bit === undefined) return undefined;
      bits |= bit;
    }
    matched.push([index.get(term) ?? term, bits]);
  }
  const unmatched: number[] = [];
  for (const term of x.unmatchedTerms) {
    const i = index.get(term);
    if (i === undefined) return undefined;
    unmatched.push(i);
  }
  const kept = titleOf === null ? -1 : x.candidates.findIndex((candidate) => candidate.articleId === titleOf);
  return {
    v: COMPACT_VERSION,
    q: x.queryTerms,
    m: matched,
    u: unmatched,
    c: x.coverage,
    g: x.margin,
    h: [x.threshold.answer, x.threshold.suggest],
    k: x.candidates.map((c) => [
      c.articleId,
      c.score,
      c.confidence,
      c.probability,
      c.keyword,
      ...(c.semantic === undefined ? [] : [c.semantic]),
    ]) as CompactCandidate[],
    ...(kept >= 0 ? { n: [kept, x.candidates[kept]!.title] as [number, string] } : {}),
    ...(x.encoded ? { e: 1 as const } : {}),
    ...(x.ambiguous ? { a: 1 as const } : {}),
  };
}

const EXPLANATION_KEYS = new Set([
  'queryTerms',
  'matched',
  'unmatchedTerms',
  'coverage',
  'margin',
  'threshold',
  'candidates',
  'encoded',
  'ambiguous',
]);
const CANDIDATE_KEYS = new Set(['articleId', 'title', 'score', 'confidence', 'probability', 'keyword', 'semantic']);

/** Exactly the engine's shape (nothing the compact form would drop), or it is kept whole. */
function isEngineExplanation(x: unknown): x is AnswerExplanation {
  if (!isObject(x) || !Object.keys(x).every((key) => EXPLANATION_KEYS.has(key))) return false;
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const threshold = x.threshold;
  return (
    strings(x.queryTerms) &&
    strings(x.unmatchedTerms) &&
    isObject(x.matched) &&
    Object.values(x.matched).every(strings) &&
    typeof x.coverage === 'number' &&
    typeof x.margin === 'number' &&
    isObject(threshold) &&
    Object.keys(threshold).length === 2 &&
    typeof threshold.answer === 'number' &&
    typeof threshold.suggest === 'number' &&
    (x.encoded === undefined || x.encoded === true) &&
    (x.ambiguous === undefined || x.ambiguous === true) &&
    Array.isArray(x.candidates) &&
    x.candidates.every(isEngineCandidate)
  );
}

function isEngineCandidate(c: unknown): c is Candidate {
  if (!isObject(c) || !Object.keys(c).every((key) => CANDIDATE_KEYS.has(key))) return false;
  return (
    typeof c.articleId === 'string' &&
    typeof c.title === 'string' &&
    ['score', 'confidence', 'probability', 'keyword'].every((key) => typeof c[key] === 'number') &&
    (c.semantic === undefined || typeof c.semantic === 'number')
  );
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
