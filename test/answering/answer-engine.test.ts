import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/core/answering/answer-engine.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';

let articles: Article[];
let engine: AnswerEngine;

beforeAll(async () => {
  articles = (await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'))).articles;
  engine = new AnswerEngine(articles);
});

describe('AnswerEngine', () => {
  it('answers a plain question with the article and explains why', () => {
    const result = engine.ask('how do I reset my password');
    expect(result.outcome).toBe('answered');
    if (result.outcome !== 'answered') return;
    expect(result.article.id).toBe('password-reset');
    expect(result.confidence).toBeGreaterThanOrEqual(0.5);
    expect(result.explanation.queryTerms).toEqual(['reset', 'password']);
    expect(Object.keys(result.explanation.matched)).toEqual(expect.arrayContaining(['reset', 'password']));
    expect(result.explanation.candidates[0]).toMatchObject({ articleId: 'password-reset' });
  });

  it.each([
    ['need to reset my pw', 'password-reset'],
    ['how do i set up 2fa', 'mfa-setup'],
    ['wi-fi in the office wont connect', 'wifi-office'],
    ['my pasword expired, how to chnage it', 'password-change'],
    ['outlok not syncing', 'outlook-not-syncing'],
  ])('understands jargon and typos: "%s"', (question, expected) => {
    expect(engine.ask(question).explanation.candidates[0]?.articleId).toBe(expected);
  });

  it('offers up to three candidates when unsure', () => {
    const result = engine.ask('printer');
    expect(result.outcome).toBe('suggested');
    if (result.outcome !== 'suggested') return;
    expect(result.candidates.length).toBeGreaterThan(1);
    expect(result.candidates.length).toBeLessThanOrEqual(3);
    expect(result.candidates.every((a) => a.category === 'printing')).toBe(true);
  });

  it('offers, never answers, one word that several articles have in their title, phrasings or tags', () => {
    for (const word of ['vpn', 'wifi', 'password', 'Printer']) {
      const result = engine.ask(word);
      expect(result.outcome, word).toBe('suggested');
      expect(result.explanation.ambiguous, word).toBe(true);
    }
    // One word only one article is about is answered; two words are not "one word".
    expect(engine.ask('outlook').outcome).toBe('answered');
    expect(engine.ask('vpn setup').explanation.ambiguous).toBeUndefined();
  });

  it('keeps an ambiguous question from an answer, never raises one below the suggest threshold to an offer', () => {
    // Out of scope: after its stop words the one term "transfer", which several articles share.
    // (At a suggest threshold above its confidence: the fitted 0.08 offers it, as any question there.)
    const careful = { answer: 0.43, suggest: 0.225 };
    const result = new AnswerEngine(articles, careful).ask('i want to transfer to another team');
    expect(result.explanation.queryTerms).toEqual(['transfer']);
    expect(result.explanation.ambiguous).toBe(true);
    expect(result.confidence).toBeLessThan(careful.suggest);
    expect(result.outcome).toBe('no_answer');
    // At or above the suggest threshold it is offered; however low the answer threshold, not answered.
    const eager = new AnswerEngine(articles, { answer: 0.01, suggest: 0.01 });
    expect(eager.ask('i want to transfer to another team').outcome).toBe('suggested');
    expect(eager.ask('printer').outcome).toBe('suggested');
  });

  it('declines when nothing fits, including empty and junk input', () => {
    for (const text of ['what is for lunch in the canteen', '', '!!!???', 'the and of']) {
      expect(engine.ask(text).outcome, text).toBe('no_answer');
    }
  });

  it('bounds the work on huge input', () => {
    const result = engine.ask('password '.repeat(50_000));
    expect(result.explanation.queryTerms.length).toBeLessThanOrEqual(32);
  });

  it('honours the global thresholds and a per-article threshold', () => {
    const strict = new AnswerEngine(articles, { answer: 1.01, suggest: 0.2 });
    expect(strict.ask('how do I reset my password').outcome).toBe('suggested');
    const perArticle = new AnswerEngine(
      articles.map((a) => (a.id === 'password-reset' ? { ...a, threshold: 1.01 } : a)),
    );
    expect(perArticle.ask('how do I reset my password').outcome).toBe('suggested');
    expect(perArticle.ask('vpn client install').outcome).not.toBe('no_answer');
  });
});

describe('AnswerEngine with many phrasings per article', () => {
  // Past 50 phrasings per article the hinge model ranks, and the same blend makes the confidence.
  const places = ['paris', 'berlin', 'madrid', 'rome', 'lisbon', 'vienna', 'prague', 'dublin', 'oslo', 'athens'];
  const phrasings: Record<string, string[]> = {
    weather: [
      'what is the weather in X',
      'will it rain in X tomorrow',
      'how hot is it in X',
      'is it sunny in X today',
      'tell me the forecast for X',
      'do i need an umbrella in X',
    ],
    flights: [
      'book a flight to X',
      'find me a plane ticket to X',
      'i want to fly to X next week',
      'are there cheap flights to X',
      'get me on a plane to X',
      'reserve a seat on a flight to X',
    ],
    hotels: [
      'book a hotel in X',
      'find me a room in X',
      'i need somewhere to stay in X',
      'are there cheap hotels in X',
      'reserve a hotel room in X for two nights',
      'where can i sleep in X',
    ],
    time: [
      'what time is it in X',
      'tell me the local time in X',
      'what is the time zone of X',
      'how many hours ahead is X',
      'is it night in X right now',
      'what hour is it in X',
    ],
  };
  const kb: Article[] = Object.entries(phrasings).map(([id, templates]) => ({
    id,
    title: templates[0]!.replace('X', 'a city'),
    questions: templates.flatMap((t) => places.map((p) => t.replace('X', p))),
    tags: [],
    category: 'travel',
    owner: 'test',
    updated: '2024-01-01',
    answer: '',
    body: '',
    path: `travel/${id}.md`,
  }));
  const many = new AnswerEngine(kb);

  it.each([
    ['is it going to rain in toronto', 'weather'],
    ['cheap flight to toronto please', 'flights'],
    ['a hotel room in toronto for tonight', 'hotels'],
    ['what is the local time in toronto', 'time'],
  ])('ranks "%s" first as %s, and its probability is the highest of the candidates', (question, expected) => {
    const { candidates } = many.ask(question).explanation;
    expect(candidates[0]?.articleId).toBe(expected);
    // The confidence is about the article ranked first, not about another model's favourite.
    expect(candidates[0]!.probability).toBe(Math.max(...candidates.map((c) => c.probability)));
  });

  it('learns the same from the same articles: a second index gives the same ranking and confidences', () => {
    // The models (softmax, hinge, and the word network with many phrasings) train in a fixed pseudo-random order.
    const again = new AnswerEngine(kb);
    for (const question of [
      'is it going to rain in toronto',
      'a hotel room in toronto for tonight',
      'tell me a joke',
    ]) {
      expect(again.ask(question).explanation.candidates).toEqual(many.ask(question).explanation.candidates);
    }
  });

  it('builds the same index in slices (AnswerEngine.build), letting other work run meanwhile', async () => {
    // A knowledge-base reload builds this way, so the bot keeps answering while the models train.
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const built = await AnswerEngine.build(kb);
    clearInterval(timer);
    expect(turns).toBeGreaterThan(0);
    for (const question of ['is it going to rain in toronto', 'what is the local time in toronto', 'tell me a joke']) {
      expect(built.ask(question).explanation.candidates).toEqual(many.ask(question).explanation.candidates);
    }
  });

  it('is more confident on every travel question than on any question about something else', () => {
    const inScope = [
      'is it going to rain in toronto',
      'cheap flight to toronto please',
      'a hotel room in toronto for tonight',
      'what is the local time in toronto',
    ];
    const outOfScope = [
      'how do i reset my password',
      'what is for lunch in the canteen',
      'tell me a joke',
      'my printer is jammed',
    ];
    const lowest = Math.min(...inScope.map((q) => many.ask(q).confidence));
    const highest = Math.max(...outOfScope.map((q) => many.ask(q).confidence));
    expect(lowest).toBeGreaterThan(highest);
  });
});
