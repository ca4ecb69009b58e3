import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/core/answering/answer-engine.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { readQuestions, type LabelledQuestion } from '../../src/evaluation/evaluate-questions.js';
import { defaultThresholds, type AnswerResult, type AnswerThresholds } from '../../src/core/answering/answer-engine.js';
import { MultilingualEngine } from '../../src/core/answering/multilingual-engine.js';
import { engineGate, fitThresholds, gateFigures, otherLanguageGate } from '../../src/evaluation/kb-fit.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');

async function asked(questions: LabelledQuestion[]) {
  const kb = await loadKnowledgeBase(path.join(fixtures, 'eval-kb'));
  const engine = new AnswerEngine(kb.articles);
  return { engine, results: questions.map((q) => engine.ask(q.text)) };
}

describe('kb:fit', () => {
  it("re-deciding a ranking at the engine's own thresholds gives what ask gave", async () => {
    const questions = readQuestions(path.join(fixtures, 'eval-questions.jsonl'));
    const { engine, results } = await asked(questions);
    for (const result of results) expect(engine.decide(result.explanation)).toEqual(result);
  });

  it('keeps the pair that answers the most rightly within the constraints, and says what it does', async () => {
    const questions = readQuestions(path.join(fixtures, 'eval-questions.jsonl'));
    const { engine, results } = await asked(questions);
    const fitted = fitThresholds(engineGate(engine), questions, results, { maxWrong: 0, minDeclined: 1 })!;
    expect(fitted).not.toBeNull();
    // Within the constraints, and checked by re-deciding at the pair it names.
    expect(fitted.confidentWrong).toBe(0);
    expect(fitted.declined).toBe(1);
    const gate = engine.withThresholds(fitted.thresholds);
    expect(
      gateFigures(
        fitted.thresholds,
        questions,
        results.map((r) => gate.decide(r.explanation)),
      ),
    ).toEqual(fitted);
    // 3 of the 4 in-scope questions are asked verbatim; "install" is one word two articles have: offered, never answered.
    expect(fitted.answeredRight).toBe(0.75);
    expect(fitted.answeredOrOffered).toBe(1);
  });

  it('finds no pair when the constraints cannot be met', async () => {
    // An article's own phrasing labelled "should not answer": answered with confidence 1 at any threshold.
    const questions = [{ text: 'how do I reset my password', expected: null }];
    const { engine, results } = await asked(questions);
    expect(fitThresholds(engineGate(engine), questions, results, { maxWrong: 0, minDeclined: 0 })).toBeNull();
  });

  describe('another language (--language de)', () => {
    // German questions on the three-language fixture: sure, unsure, one only the English articles fit, none.
    const questions: LabelledQuestion[] = [
      { text: 'Ich habe mein Passwort vergessen', expected: 'password-reset-de' },
      { text: 'wie kann ich mein Kennwort zurücksetzen', expected: 'password-reset-de' },
      { text: 'der Drucker druckt nicht mehr', expected: 'printer-not-printing-de' },
      { text: 'wie richte ich das VPN ein', expected: 'vpn-setup-de' },
      { text: 'mein Bildschirm am Dock flackert die ganze Zeit', expected: null },
      { text: 'wo bekomme ich Outlook auf meinem Handy', expected: 'email-on-phone' },
      { text: 'was gibt es heute in der Kantine', expected: null },
    ];
    const codes = (result: AnswerResult) =>
      result.outcome === 'answered'
        ? `a:${result.article.id}`
        : result.outcome === 'suggested'
          ? `s:${result.candidates.map((a) => a.id).join(',')}`
          : 'n';
    const built = (de: AnswerThresholds) =>
      loadKnowledgeBase(path.join(fixtures, 'kb-languages')).then((kb) =>
        MultilingualEngine.build(kb.articles, defaultThresholds, 'en', { languageThresholds: { de } }),
      );

    it("re-decides as the bot decides with that pair for German: the German engine's, else the English articles' offer", async () => {
      const shipped = { answer: 0.43, suggest: 0.22 };
      const engine = await built(shipped);
      const results = await Promise.all(questions.map((q) => engine.answer(q.text)));
      expect(results.map((r) => r.language.asked)).toEqual(questions.map(() => 'de'));
      const gate = await otherLanguageGate(engine, 'de', questions, results);
      expect(results.map(gate(shipped)).map(codes)).toEqual(results.map(codes));
      const seen = new Set<string>();
      for (const pair of [
        { answer: 0.95, suggest: 0.9 },
        { answer: 0.9, suggest: 0.05 },
        { answer: 0.3, suggest: 0.1 },
        { answer: 0.6, suggest: 0.4 },
      ]) {
        const bot = await built(pair);
        const answers = await Promise.all(questions.map((q) => bot.answer(q.text)));
        const redecided = results.map(gate(pair)).map(codes);
        expect(redecided).toEqual(answers.map(codes));
        seen.add(redecided.join('|'));
      }
      // The pairs decide differently, or the comparison would say little.
      expect(seen.size).toBeGreaterThan(2);
    });

    it('fits a pair for German that decides its questions as the bot does at that pair', async () => {
      const engine = await built({ answer: 0.43, suggest: 0.22 });
      const results = await Promise.all(questions.map((q) => engine.answer(q.text)));
      const gate = await otherLanguageGate(engine, 'de', questions, results);
      const fitted = fitThresholds(gate, questions, results, { maxWrong: 0, minDeclined: 1 })!;
      expect(fitted).not.toBeNull();
      const bot = await built(fitted.thresholds);
      const answers = await Promise.all(questions.map((q) => bot.answer(q.text)));
      expect(gateFigures(fitted.thresholds, questions, answers)).toEqual(fitted);
    });

    it('names a language without articles', async () => {
      const engine = await built(defaultThresholds);
      await expect(otherLanguageGate(engine, 'ja', [], [])).rejects.toThrow(/no articles in "ja"/);
    });
  });
});
