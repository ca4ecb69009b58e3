import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MultilingualEngine } from '../../src/core/answering/multilingual-engine.js';
import { MemoryModelCache } from '../../src/store/memory/memory-model-cache.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';

// A small knowledge base in three languages: six English articles, three German translations, one French.
const kbDir = path.resolve(import.meta.dirname, '../fixtures/kb-languages');
// One pair for every language: the German and French pairs shipped were fitted on the bundled knowledge base.
const thresholds = { answer: 0.47, suggest: 0.27 };
let library: LiveKnowledge;
let answers: MultilingualEngine;
const progress: string[] = [];
const modelCache = new MemoryModelCache();

beforeAll(async () => {
  library = await LiveKnowledge.load(kbDir, thresholds, null, {
    languageThresholds: {},
    modelCache,
    progress: (line) => progress.push(line),
  });
  answers = library.snapshot.answers;
});

const outcomeOf = async (question: string) => {
  const result = await answers.answer(question);
  return {
    outcome: result.outcome,
    id:
      result.outcome === 'answered'
        ? result.article.id
        : result.outcome === 'suggested'
          ? result.candidates.map((a) => a.id)
          : null,
    language: result.language,
  };
};

describe('an engine per language', () => {
  it('builds one engine per language, each with its own cached model kind', () => {
    expect(answers.languages).toEqual(['en', 'de', 'fr']);
    expect(answers.engineFor('de')?.size).toBe(3);
    expect(answers.primary.size).toBe(6);
    expect(library.snapshot.engine).toBe(answers.primary);
    expect(progress.join('\n')).toContain('in 3 languages (en 6, de 3, fr 1)');
    expect(progress.filter((line) => line.includes('German answer model trained'))).toHaveLength(1);
    expect(progress.filter((line) => line.includes('French answer model trained'))).toHaveLength(1);
  });

  it('a restart reads every language’s model back from the cache, each under its own key', async () => {
    const lines: string[] = [];
    const again = await LiveKnowledge.load(kbDir, thresholds, null, { modelCache, progress: (l) => lines.push(l) });
    expect(lines.filter((line) => line.includes('answer model'))).toEqual([
      expect.stringMatching(/^The answer model read from the cache/),
      expect.stringMatching(/^The German answer model read from the cache/),
      // One French article: nothing to learn, so nothing to cache.
      expect.stringMatching(/^The French answer model trained in 0\.0 s/),
    ]);
    expect((await again.snapshot.answers.answer('Passwörter vergessen!')).outcome).toBe('answered');
  });

  it('answers a German question from the German article, with German analysis', async () => {
    for (const question of ['Ich habe mein Passwort vergessen', 'Passwörter vergessen!', 'kennwort zurucksetzen']) {
      expect(await outcomeOf(question)).toEqual({
        outcome: 'answered',
        id: 'password-reset-de',
        language: { asked: 'de', answered: 'de', fallback: false },
      });
    }
    expect((await outcomeOf('mein Drucker druckt nicht mehr')).id).toBe('printer-not-printing-de');
  });

  it('answers a French question from the French article', async () => {
    expect(await outcomeOf("j'ai oublié mon mot de passe")).toEqual({
      outcome: 'answered',
      id: 'password-reset-fr',
      language: { asked: 'fr', answered: 'fr', fallback: false },
    });
  });

  it('offers English articles to a Spanish question (no Spanish articles), saying they are English', async () => {
    const result = await outcomeOf('el wifi de la oficina no va');
    expect(result.outcome).toBe('suggested');
    expect(result.id).toContain('wifi-office');
    expect(result.language).toEqual({ asked: 'es', answered: 'en', fallback: true });
  });

  it('an English article offered to a German question is offered in German when it has a German translation', async () => {
    // The German articles do not say "download" or "client"; the English VPN article does, and has a German version.
    const question = 'wo ist der download für den client';
    expect((await answers.engineFor('de')!.answer(question)).outcome).toBe('no_answer');
    const result = await answers.answer(question);
    expect(result.outcome).toBe('suggested');
    if (result.outcome !== 'suggested') return;
    expect(result.candidates.map((a) => a.id)).toEqual(['vpn-setup-de']);
    expect(result.language).toEqual({ asked: 'de', answered: 'de', fallback: false });
    // The translation hidden from this asker: the English original is offered, saying so.
    const hidden = await answers.answer(question, { allow: (a) => a.id !== 'vpn-setup-de' });
    expect(hidden.outcome === 'suggested' ? hidden.candidates.map((a) => a.id) : []).toEqual(['vpn-setup']);
    expect(hidden.language).toEqual({ asked: 'de', answered: 'en', fallback: true });
  });

  it('never answers outright from another language on shared words alone: it offers', async () => {
    // German has no VPN troubleshooting and no e-mail article here; "vpn"/"outlook" are shared words.
    // The English engine alone would answer "outlook iphone" outright (confidence 0.95 here).
    expect((await answers.primary.answer('outlook iphone')).outcome).toBe('answered');
    const result = await outcomeOf('unser outlook auf dem iphone');
    expect(result.outcome).toBe('suggested');
    expect(result.id).toContain('email-on-phone');
    expect(result.language).toEqual({ asked: 'de', answered: 'en', fallback: true });
  });

  it('declines a question in a language it neither has nor fits, rather than guess', async () => {
    for (const question of ['パスワードを忘れました', 'wo finde ich die Kantine', 'dónde está la cafetería']) {
      const result = await outcomeOf(question);
      expect(result.outcome).toBe('no_answer');
      expect(result.language.fallback).toBe(false);
    }
  });

  it('leaves English questions to the English engine, as before languages', async () => {
    for (const question of ['I forgot my password', 'how do I set up the vpn', 'wifi password?', 'printer jammed']) {
      const routed = await answers.answer(question);
      const direct = await answers.primary.answer(question);
      expect(routed.language).toEqual({ asked: 'en', answered: 'en', fallback: false });
      expect({ ...routed, language: undefined }).toEqual({ ...direct, language: undefined });
    }
  });

  it('finds every language’s article by id, and lists every language’s categories', () => {
    expect(answers.article('vpn-setup-de')?.lang).toBe('de');
    expect(answers.article('vpn-setup-de')?.translationOf).toBe('vpn-setup');
    expect(answers.article('vpn-setup')?.lang).toBeUndefined();
    expect(answers.article('nope')).toBeUndefined();
    expect(answers.categories()).toEqual(['accounts', 'email', 'network', 'printing']);
  });

  it('composes with a per-asker filter: a hidden translation neither answers nor is offered', async () => {
    const allow = (article: { id: string }) => article.id !== 'password-reset-de';
    const result = await answers.answer('Ich habe mein Passwort vergessen', { allow });
    expect(result.outcome === 'answered' ? result.article.id : null).not.toBe('password-reset-de');
    if (result.outcome === 'suggested') expect(result.candidates.map((a) => a.id)).not.toContain('password-reset-de');
    // Hidden in English too: the fallback offers nothing hidden either.
    const spanish = await answers.answer('el wifi de la oficina no va', { allow: (a) => a.id !== 'wifi-office' });
    if (spanish.outcome !== 'no_answer') {
      const ids = spanish.outcome === 'answered' ? [spanish.article.id] : spanish.candidates.map((a) => a.id);
      expect(ids).not.toContain('wifi-office');
    }
  });

  it('hostile questions get an answer object, never a throw', async () => {
    for (const question of ['', ' ', '\u0000', '🙂'.repeat(2000), 'ß'.repeat(50_000), "l'''''", '<script>'])
      expect(['answered', 'suggested', 'no_answer']).toContain((await answers.answer(question)).outcome);
  });

  it('a knowledge base whose default language is German answers unsure questions in German', async () => {
    const german = await LiveKnowledge.load(kbDir, thresholds, null, { defaultLanguage: 'de' });
    const engine = german.snapshot.answers;
    // Articles without lang: are German now: the English ones join the German engine.
    expect(engine.primary.size).toBe(9);
    expect(engine.languages).toEqual(['de', 'fr']);
    expect((await engine.answer('ok')).language.asked).toBe('de');
  });
});
