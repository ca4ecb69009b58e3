import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';

const de = TextAnalyzer.for('de');
const fr = TextAnalyzer.for('fr');
const es = TextAnalyzer.for('es');
const en = TextAnalyzer.for('en');

describe('per-language analysis', () => {
  it('German: plural and singular, with and without umlauts, meet in one term; stopwords go', () => {
    expect(de.analyze('Passwörter')).toEqual(de.analyze('passwort'));
    expect(de.analyze('zurücksetzen')).toEqual(de.analyze('zurucksetzen'));
    expect(de.analyze('Verbindungen')).toEqual(de.analyze('Verbindung'));
    expect(de.analyze('Größe')).toEqual(de.analyze('grosse'));
    expect(de.analyze('ich habe mein Kennwort vergessen')).toEqual(de.analyze('Passwort vergessen'));
  });

  it('French: accents optional, elisions split, "mdp" is "mot de passe"', () => {
    expect(fr.analyze("j'ai oublié mon mot de passe")).toEqual(fr.analyze('oublie mot passe'));
    expect(fr.analyze("l'imprimante")).toEqual(fr.analyze('imprimantes'));
    expect(fr.analyze('mdp oublié')).toEqual(fr.analyze('mot de passe oublie'));
    expect(fr.analyze('réinitialiser')).toEqual(fr.analyze('reinitialise'));
  });

  it('Spanish: accents and ñ optional, plurals joined', () => {
    expect(es.analyze('contraseñas')).toEqual(es.analyze('contrasena'));
    expect(es.analyze('olvidé mi contraseña')).toEqual(es.analyze('olvide contrasena'));
    expect(es.analyze('impresoras móviles')).toEqual(es.analyze('impresora movil'));
  });

  it('each language stems its own way (the English stemmer does not join German plurals)', () => {
    expect(en.analyze('Verbindungen')).not.toEqual(en.analyze('Verbindung'));
    expect(de.analyze('connections')).not.toEqual(en.analyze('connections'));
  });

  it('English keeps the analysis and the fingerprint it had before languages (cached models stay valid)', () => {
    // SHA-256 of TextAnalyzer's fingerprint at af9cd18, the commit before languages.
    const before = '16387da4e0b92185903957dfddb1b3650a239d874b3a1bff761f661989112441';
    const digest = (analyzer: TextAnalyzer) => createHash('sha256').update(analyzer.fingerprint()).digest('hex');
    expect(digest(new TextAnalyzer())).toBe(before);
    expect(digest(en)).toBe(before);
    expect(new TextAnalyzer().analyze("can't reset my passwords")).toEqual(['reset', 'password']);
  });

  it('fingerprints differ between languages, so each language has its own cached model', () => {
    const prints = new Set(['en', 'de', 'fr', 'es', 'it'].map((l) => TextAnalyzer.for(l).fingerprint()));
    expect(prints.size).toBe(5);
  });

  it('a language without an analysis of its own is matched by its words as written', () => {
    const it_ = TextAnalyzer.for('it');
    expect(it_.analyze('la stampante non funziona')).toEqual(['la', 'stampante', 'non', 'funziona']);
  });

  it('hostile text of every kind gives terms or nothing, never a throw', () => {
    for (const analyzer of [de, fr, es]) {
      for (const text of ['', '\u0000', '🙂'.repeat(1000), 'ß'.repeat(10_000), "''''", 'a'.repeat(100_000)]) {
        expect(Array.isArray(analyzer.analyze(text))).toBe(true);
        expect(Array.isArray(analyzer.features(text))).toBe(true);
      }
    }
  });
});
