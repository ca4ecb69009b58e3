import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, thresholdsFor, type AnswerExplanation } from '../../src/core/answering/answer-engine.js';
import { MultilingualEngine } from '../../src/core/answering/multilingual-engine.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';
import { messagesFor } from '../../src/core/messages/catalogue.js';
import { TriageModel } from '../../src/core/triage/triage-model.js';
import { testArticle } from '../support/articles.js';
import { DM, EMPLOYEE, messageEvent, startSlackHarness, type SlackHarness } from '../support/slack.js';

// Outside topics (`outside: true`): questions the bot does not handle (pay, the building, travel),
// learnt like an article's so that they are declined, with who handles them instead of a plain
// "no answer"; never answered, never offered as "did you mean".

const front = (lines: string) => `---
id: pay-questions
title: Pay and payslips
questions:
  - when is payday
tags: [pay]
category: outside
owner: service-desk
updated: 2026-12-04
${lines}
---

## Answer

Payroll handles pay: payroll@example.com.
`;

describe('an outside article in the knowledge base', () => {
  it('is read from `outside: true`', () => {
    const parsed = parseArticle(front('outside: true'), 'outside/pay.md');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.article.outside).toBe(true);
    expect(parsed.article.answer).toBe('Payroll handles pay: payroll@example.com.');
    const plain = parseArticle(front(''), 'pay.md');
    expect(plain.ok && plain.article.outside).toBe(undefined);
  });

  it('refuses what only an answer uses (a script, a tier, its own answer threshold), naming the field, and a value that is not true or false', () => {
    for (const [line, field] of [
      ['script: reset-password', 'script'],
      ['escalate_to: L2', 'escalate_to'],
      ['threshold: 0.5', 'threshold'],
    ] as const) {
      const parsed = parseArticle(front(`outside: true\n${line}`), 'pay.md');
      expect(parsed.ok, line).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.problems[0]).toMatchObject({ field, message: expect.stringMatching(/outside article/) });
    }
    const yes = parseArticle(front('outside: "yes"'), 'pay.md');
    expect(yes.ok).toBe(false);
    if (!yes.ok) expect(yes.problems[0]!.field).toBe('outside');
  });
});

describe('deciding with outside articles', () => {
  const engine = new AnswerEngine(
    [testArticle('vpn-setup'), testArticle('pay', { outside: true, category: 'outside' }), testArticle('wifi-office')],
    { answer: 0.5, suggest: 0.2 },
  );
  const ranking = (candidates: Array<[string, number, number]>): AnswerExplanation => ({
    queryTerms: [],
    matched: {},
    unmatchedTerms: [],
    coverage: 1,
    margin: 0.1,
    threshold: { answer: 0.5, suggest: 0.2 },
    candidates: candidates.map(([articleId, score, confidence]) => ({
      articleId,
      title: articleId,
      score,
      confidence,
      probability: confidence,
      keyword: 0,
    })),
  });

  it('declines a question an outside article ranks first for, with that article as who handles it when it is sure enough to offer', () => {
    for (const confidence of [0.95, 0.5, 0.2]) {
      const result = engine.decide(
        ranking([
          ['pay', 1, confidence],
          ['vpn-setup', 0.9, 0.1],
        ]),
      );
      expect(result.outcome, String(confidence)).toBe('no_answer');
      expect(result.outcome === 'no_answer' && result.redirect?.id, String(confidence)).toBe('pay');
    }
    const unsure = engine.decide(
      ranking([
        ['pay', 1, 0.19],
        ['vpn-setup', 0.9, 0.1],
      ]),
    );
    expect(unsure.outcome).toBe('no_answer');
    expect(unsure.outcome === 'no_answer' && unsure.redirect).toBe(undefined);
  });

  it('never offers an outside article among "did you mean" choices', () => {
    const result = engine.decide(
      ranking([
        ['vpn-setup', 1, 0.3],
        ['pay', 0.9, 0.3],
        ['wifi-office', 0.8, 0.3],
      ]),
    );
    expect(result.outcome).toBe('suggested');
    expect(result.outcome === 'suggested' && result.candidates.map((a) => a.id)).toEqual(['vpn-setup', 'wifi-office']);
  });

  it('gives no category of its own to tickets: not among the categories, not learnt by triage', async () => {
    expect(engine.categories()).toEqual(['general']);
    const triage = await TriageModel.build([
      testArticle('vpn-setup', { category: 'network', questions: ['vpn drops', 'cannot connect to vpn'] }),
      testArticle('pay', { outside: true, category: 'payroll', questions: ['when is payday', 'my salary is late'] }),
    ]);
    expect(triage.predict({ subject: 'my salary is late', description: 'when is payday' }).category.value).not.toBe(
      'payroll',
    );
  });
});

describe('the bundled knowledge base', () => {
  let engine: MultilingualEngine;
  beforeAll(async () => {
    const kb = await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'));
    expect(kb.problems).toEqual([]);
    expect(kb.articles.filter((a) => a.outside).length).toBeGreaterThanOrEqual(5);
    engine = await MultilingualEngine.build(kb.articles, thresholdsFor('none'), 'en');
  });

  it.each([
    ['when does the salary get paid this month', 'outside-pay-and-finance'],
    ['can someone fix the broken chair at my desk', 'outside-facilities'],
  ])('says who handles "%s" (%s)', async (question, id) => {
    const result = await engine.answer(question);
    expect(result.outcome).toBe('no_answer');
    expect(result.outcome === 'no_answer' && result.redirect?.id).toBe(id);
  });

  it('still answers IT questions, and a German question is not redirected by the English topics', async () => {
    const reset = await engine.answer('how do i reset my password');
    expect(reset.outcome === 'answered' && reset.article.id).toBe('password-reset');
    const german = await engine.answer('Ich habe mein Passwort vergessen');
    expect(german.outcome === 'no_answer' && german.redirect).toBeFalsy();
  });
});

describe('Slack: a question about pay', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('is told who handles it (the outside article), with the way to a person kept', async () => {
    await h.event(
      messageEvent({
        user: EMPLOYEE,
        channel: DM,
        channelType: 'im',
        text: 'when does the salary get paid this month',
        ts: '1700009100.000100',
      }),
    );
    await h.settle();
    const reply = h.api.of('chat.postMessage').at(-1)!.args as { text: string; blocks?: unknown[] };
    const shown = JSON.stringify(reply);
    expect(shown).toContain(messagesFor('en')('noAnswer.outside').slice(0, 40));
    expect(shown).toContain('payroll@example.com');
    expect(shown).not.toContain(messagesFor('en')('noAnswer').slice(0, 30));
    expect(shown).toContain(messagesFor('en')('button.talkToHuman'));
  });
});
