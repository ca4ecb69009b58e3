import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, embedArticles, type AnswerResult } from '../../src/core/answering/answer-engine.js';
import { HashingSentenceEncoder } from '../../src/core/answering/hashing-sentence-encoder.js';
import { defaultIntentModelSettings, IntentModel } from '../../src/core/answering/intent-model.js';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { runSteps } from '../../src/core/answering/time-slicing.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { canSee, EVERYONE_ONLY } from '../../src/core/knowledge/audience.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';

// The VPN articles are made engineers-only here: the bundled questions about them are the probes.
const RESTRICTED = new Set(['vpn-setup', 'vpn-troubleshooting']);
const questions = readFileSync(path.resolve(import.meta.dirname, '../fixtures/kb-questions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { text: string; expected: string | null });

let articles: Article[];
let engine: AnswerEngine;
const employee = (article: Article) => canSee(article, EVERYONE_ONLY);
// (staff: two bundled articles are for staff; this engineer is on staff too, so nothing is hidden from them.)
const engineer = (article: Article) => canSee(article, new Set(['all', 'engineers', 'staff']));

/** Every article id a result shows or explains. */
function shown(result: AnswerResult): string[] {
  return [
    ...(result.outcome === 'answered' ? [result.article.id] : []),
    ...(result.outcome === 'suggested' ? result.candidates.map((a) => a.id) : []),
    ...result.explanation.candidates.map((c) => c.articleId),
  ];
}

beforeAll(async () => {
  const loaded = (await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'))).articles;
  articles = loaded.map((a) => (RESTRICTED.has(a.id) ? { ...a, audiences: ['engineers'] } : a));
  engine = new AnswerEngine(articles);
});

describe('the answer engine, scoped to an audience', () => {
  it('never answers with, offers or explains a hidden article, whatever is asked', () => {
    const probes = [
      ...questions.map((q) => q.text),
      ...articles.filter((a) => RESTRICTED.has(a.id)).flatMap((a) => [a.title, ...a.questions]),
      'vpn',
      'globalprotect',
    ];
    let hiddenWouldShow = 0;
    for (const text of probes) {
      expect(
        shown(engine.ask(text, undefined, { allow: employee })).filter((id) => RESTRICTED.has(id)),
        text,
      ).toEqual([]);
      if (shown(engine.ask(text)).some((id) => RESTRICTED.has(id))) hiddenWouldShow++;
    }
    // The probes do reach the restricted articles when nothing is filtered.
    expect(hiddenWouldShow).toBeGreaterThan(20);
  });

  it('gives the audience that may see them the restricted articles as before', () => {
    const result = engine.ask('how do i install globalprotect', undefined, { allow: engineer });
    expect(result.outcome).toBe('answered');
    expect(result.outcome === 'answered' && result.article.id).toBe('vpn-setup');
    expect(result).toEqual(engine.ask('how do i install globalprotect'));
  });

  it('changes nothing when every article is allowed (the same result, to the last digit)', () => {
    for (const { text } of questions.slice(0, 60))
      expect(engine.ask(text, undefined, { allow: () => true }), text).toEqual(engine.ask(text));
  });

  it('filters before ranking with the sentence encoder too', async () => {
    const encoder = new HashingSentenceEncoder();
    const withEncoder = new AnswerEngine(
      articles,
      undefined,
      undefined,
      undefined,
      undefined,
      await embedArticles(articles, encoder),
    );
    for (const text of ['vpn keeps dropping at home', 'how do i connect to the vpn', 'globalprotect portal']) {
      const result = await withEncoder.answer(text, { allow: employee });
      expect(
        shown(result).filter((id) => RESTRICTED.has(id)),
        text,
      ).toEqual([]);
      const [vector] = await encoder.embed([text]);
      expect(shown(withEncoder.ask(text, vector, { allow: employee })).filter((id) => RESTRICTED.has(id))).toEqual([]);
    }
  });

  it('hides everything when nothing is allowed: no answer, no candidate', () => {
    const result = engine.ask('how do I reset my password', undefined, { allow: () => false });
    expect(result.outcome).toBe('no_answer');
    expect(result.explanation.candidates).toEqual([]);
  });
});

describe("the intent model's probabilities over the allowed articles", () => {
  it('are the full softmax conditioned on them: hidden zero, the rest renormalised to sum to 1', () => {
    const analyzer = new TextAnalyzer();
    const model = runSteps(
      IntentModel.learn(
        articles.flatMap((a, label) => [a.title, ...a.questions].map((text) => ({ text, label }))),
        articles.length,
        analyzer,
      ),
    );
    const allowed = new Uint8Array(articles.map((a) => (RESTRICTED.has(a.id) ? 0 : 1)));
    for (const text of ['vpn will not connect', 'reset my password', 'printer jammed']) {
      const full = model.assess(model.vector(text)).probabilities;
      const scoped = model.assess(model.vector(text), allowed).probabilities;
      let visibleMass = 0;
      for (let k = 0; k < articles.length; k++) if (allowed[k]) visibleMass += full[k]!;
      expect(visibleMass).toBeLessThan(1);
      let sum = 0;
      for (let k = 0; k < articles.length; k++) {
        if (!allowed[k]) expect(scoped[k]).toBe(0);
        else expect(scoped[k]).toBeCloseTo(full[k]! / visibleMass, 12);
        sum += scoped[k]!;
      }
      expect(sum).toBeCloseTo(1, 12);
    }
  });

  it('condition each part of the blend (hinge model, network, softmax) when the model ranks with them', () => {
    const examples = articles.flatMap((a, label) => [a.title, ...a.questions].map((text) => ({ text, label })));
    // Ranking from one phrasing per article on: the hinge model (and network) take part.
    const settings = { ...defaultIntentModelSettings, rankingFrom: 0, rankingFull: 1 };
    const model = runSteps(IntentModel.learn(examples, articles.length, new TextAnalyzer(), settings));
    const allowed = new Uint8Array(articles.map((a) => (RESTRICTED.has(a.id) ? 0 : 1)));
    const { ranking, confidence } = model.assess(model.vector('vpn will not connect from home'), allowed);
    const full = model.assess(model.vector('vpn will not connect from home')).ranking;
    let sum = 0;
    for (let k = 0; k < articles.length; k++) {
      if (!allowed[k]) {
        expect(ranking[k]).toBe(0);
        expect(confidence[k]).toBe(0);
      }
      sum += ranking[k]!;
    }
    expect(sum).toBeCloseTo(1, 9);
    // Unfiltered, the restricted articles were the model's first choice for this question.
    const top = full.indexOf(Math.max(...full));
    expect(RESTRICTED.has(articles[top]!.id)).toBe(true);
  });
});
