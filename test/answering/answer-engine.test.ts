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
    const perArticle = new AnswerEngine(articles.map((a) => (a.id === 'password-reset' ? { ...a, threshold: 1.01 } : a)));
    expect(perArticle.ask('how do I reset my password').outcome).toBe('suggested');
    expect(perArticle.ask('vpn client install').outcome).not.toBe('no_answer');
  });
});
