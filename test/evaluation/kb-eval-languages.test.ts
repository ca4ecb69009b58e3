import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { languageThresholds } from '../../src/core/answering/language-thresholds.js';
import { floorLine, runKbEval, thresholdLines } from '../../src/evaluation/kb-eval.js';
import { qualityGateFor } from '../../src/evaluation/quality-floors.js';

// kb:eval on a German or French gate file names the figures that decide and judge that file: the
// pair its language's engine answers with (not the default language's) and the floors its gate
// test holds it to (the same numbers the test reads).
const kb = path.resolve(import.meta.dirname, '../../knowledge-base');
const fixtures = path.resolve(import.meta.dirname, '../fixtures');

describe.each([
  { language: 'de', file: 'kb-questions-de.jsonl', name: 'German' },
  { language: 'fr', file: 'kb-questions-fr.jsonl', name: 'French' },
] as const)('kb:eval on $file', ({ language, file, name }) => {
  it("names the language's own pair and its gate's floors", async () => {
    const queries = path.join(fixtures, file);
    const { result } = await runKbEval({ kb, queries, encoder: null });
    const own = languageThresholds[language]!;
    expect(result.languageThresholds[language]).toEqual(own);
    expect(result.languageThresholds.en).toEqual(result.thresholds);
    // Most questions are detected in the file's language: its pair decides them, and the first line says so.
    const lines = thresholdLines(result);
    expect(lines[0]).toMatch(
      new RegExp(`^\\d+ question\\(s\\) in ${language}: thresholds answer ${own.answer}, suggest ${own.suggest} \\(`),
    );
    expect(lines.join('\n')).not.toContain(
      `in ${language}: thresholds answer ${result.thresholds.answer}, suggest ${result.thresholds.suggest}`,
    );
    const gate = qualityGateFor(queries, result.encoder)!;
    expect(gate.language).toBe(name);
    const line = floorLine(gate);
    expect(line).toContain(`${Math.round(gate.floors.answeredRight * 1000) / 10}% answered right`);
    expect(line).toContain(`(${name}, encoder none)`);
  }, 60_000);
});

describe('the gate of a file by its name', () => {
  it('English has one per encoder; German and French hold for any encoder; other files have none', () => {
    expect(qualityGateFor('test/fixtures/kb-questions.jsonl', null)?.encoder).toBe('none');
    expect(qualityGateFor('kb-questions.jsonl', 'use-lite')?.floors.answeredRight).toBe(0.91);
    expect(qualityGateFor('x/kb-questions-de.jsonl', 'use-lite')?.language).toBe('German');
    expect(qualityGateFor('kb-questions-fit-de.jsonl', null)).toBeUndefined();
  });
});
