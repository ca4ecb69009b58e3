import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LanguageDetector } from '../../src/core/language/language-detector.js';

interface Labelled {
  text: string;
  lang: string;
  set: 'tune' | 'heldout';
}

const labelled: Labelled[] = readFileSync(
  path.resolve(import.meta.dirname, '../fixtures/language-detection.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Labelled);

const detector = new LanguageDetector({ defaultLanguage: 'en', known: ['en', 'de', 'fr'] });

function accuracy(lang: string, set: Labelled['set']): { right: number; total: number; wrong: string[] } {
  const lines = labelled.filter((l) => l.lang === lang && l.set === set);
  const wrong = lines.filter((l) => detector.detect(l.text).language !== lang).map((l) => l.text);
  return { right: lines.length - wrong.length, total: lines.length, wrong };
}

describe('language detection on short chat messages', () => {
  it('has at least 40 labelled messages per language to tune on, and held-out ones', () => {
    for (const lang of ['en', 'de', 'fr', 'es']) {
      expect(labelled.filter((l) => l.lang === lang && l.set === 'tune').length).toBeGreaterThanOrEqual(40);
      expect(labelled.filter((l) => l.lang === lang && l.set === 'heldout').length).toBeGreaterThanOrEqual(20);
    }
  });

  it('never takes a short English question for another language (both sets)', () => {
    expect(accuracy('en', 'tune').wrong).toEqual([]);
    expect(accuracy('en', 'heldout').wrong).toEqual([]);
  });

  it.each(['de', 'fr', 'es'])('detects %s in at least 90% of the messages of each set', (lang) => {
    for (const set of ['tune', 'heldout'] as const) {
      const { right, total } = accuracy(lang, set);
      expect(right / total).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('tells a language the bot has no articles in when the script says so', () => {
    expect(detector.detect('パスワードを忘れました').language).toBe('ja');
  });

  it('falls back to the default language when unsure or when there is nothing to read', () => {
    const hostile = [
      '',
      '   ',
      '12345',
      '🙂🙂🙂',
      '?!',
      'https://example.com/a/b?c=d',
      '\u0000\u0001',
      'ok',
      'x'.repeat(100_000),
    ];
    for (const text of hostile) expect(detector.detect(text).language).toBe('en');
    // Not a string at all (a channel bug): still an answer, never a throw.
    expect(detector.detect(undefined as unknown as string).language).toBe('en');
  });

  it('uses another default when configured, and stays there when unsure', () => {
    const german = new LanguageDetector({ defaultLanguage: 'de', known: ['de'] });
    expect(german.detect('ok').language).toBe('de');
    expect(german.detect('wie setze ich mein passwort zurück').language).toBe('de');
    expect(german.detect('how do I reset my password please').language).toBe('en');
  });

  it('reads a long message at the cost of a short one (cut to 500 characters)', () => {
    const result = detector.detect(`${'mein drucker druckt nicht, '.repeat(2000)}`);
    expect(result.language).toBe('de');
  });
});
