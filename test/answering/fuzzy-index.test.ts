import { describe, expect, it } from 'vitest';
import { FuzzyIndex, levenshtein } from '../../src/core/answering/fuzzy-index.js';

const vocabulary = [
  'password',
  'passwords',
  'passcode',
  'printer',
  'printable',
  'print',
  'outlook',
  'vpn',
  'wifi',
  'reset',
  'rest',
  'network',
  'laptop',
];
const index = new FuzzyIndex(vocabulary);

describe('FuzzyIndex', () => {
  it('finds a word one typo away: a letter missing, extra, wrong or swapped', () => {
    expect(index.near('pasword', 1, 8)).toEqual([{ term: 'password', distance: 1 }]);
    expect(index.near('outllook', 1, 8)).toEqual([{ term: 'outlook', distance: 1 }]);
    expect(index.near('outlouk', 1, 8)).toEqual([{ term: 'outlook', distance: 1 }]);
    // A swap is two edits for Levenshtein, as MiniSearch counted it.
    expect(index.near('lpatop', 1, 8)).toEqual([]);
    expect(index.near('lpatop', 2, 8)).toEqual([{ term: 'laptop', distance: 2 }]);
  });

  it('at distance 2 finds a swap, two extra letters, or an extra and a wrong letter, nearest first', () => {
    expect(index.near('netwrok', 2, 8)).toEqual([{ term: 'network', distance: 2 }]);
    expect(index.near('neetworkk', 2, 8)).toEqual([{ term: 'network', distance: 2 }]);
    expect(index.near('paswordx', 2, 8).map((n) => n.term)).toEqual(['password']);
    expect(index.near('resets', 2, 8)).toEqual([
      { term: 'reset', distance: 1 },
      { term: 'rest', distance: 2 },
    ]);
  });

  it('with every deletion indexed, finds what the lean index leaves out at distance 2 (letters missing or wrong in the term)', () => {
    const full = new FuzzyIndex(vocabulary, { indexedDeletions: 2 });
    expect(index.near('netwrk', 2, 8)).toEqual([{ term: 'network', distance: 1 }]);
    // Two letters missing; a letter missing and one wrong ("paswordx" for "passwords").
    expect(index.near('ntwrk', 2, 8)).toEqual([]);
    expect(full.near('ntwrk', 2, 8)).toEqual([{ term: 'network', distance: 2 }]);
    expect(full.near('paswordx', 2, 8).map((n) => n.term)).toEqual(['password', 'passwords']);
  });

  it('never returns the word itself, and returns nothing for a word no term is near', () => {
    expect(index.near('printer', 2, 8).map((n) => n.term)).not.toContain('printer');
    expect(index.near('zzzzzzzz', 2, 8)).toEqual([]);
    expect(index.near('', 2, 8)).toEqual([]);
  });

  it('keeps to the limit and to the largest distance it was built for', () => {
    const many = new FuzzyIndex(Array.from({ length: 26 }, (_, i) => `cat${String.fromCharCode(97 + i)}`));
    expect(many.near('cats', 1, 5)).toHaveLength(5);
    expect(many.near('cats', 1, 0)).toEqual([]);
    expect(index.near('ntwrk', 9, 8)).toEqual(index.near('ntwrk', 2, 8));
  });

  it('lists longer words with a prefix, shortest first, within the limit', () => {
    expect(index.withPrefix('print', 8)).toEqual(['printer', 'printable']);
    expect(index.withPrefix('pass', 2)).toEqual(['passcode', 'password']);
    expect(index.withPrefix('zz', 8)).toEqual([]);
    expect(index.withPrefix('', 8)).toEqual([]);
  });

  it('keeps a prefix shared by thousands of words to a bounded answer', () => {
    const crowd = new FuzzyIndex(Array.from({ length: 5000 }, (_, i) => `print${i.toString(36)}`));
    const found = crowd.withPrefix('print', 8);
    expect(found).toHaveLength(8);
    expect(found.every((term) => term.length === 6)).toBe(true);
  });

  it('takes hostile input: a 10 KB word, a thousand distinct words, unicode and emoji', () => {
    expect(index.near('a'.repeat(10_000), 2, 8)).toEqual([]);
    expect(index.withPrefix('p'.repeat(10_000), 8)).toEqual([]);
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}x`);
    for (const word of words) expect(index.near(word, 2, 8).length).toBeLessThanOrEqual(8);
    const intl = new FuzzyIndex(['café', 'naïve', '日本語', 'smile🙂', 'résumé']);
    expect(intl.near('cafe', 1, 8)).toEqual([{ term: 'café', distance: 1 }]);
    expect(intl.near('日本', 1, 8)).toEqual([{ term: '日本語', distance: 1 }]);
    // An emoji is two UTF-16 code units: two edits from the word with it twice.
    expect(intl.near('smil🙂', 1, 8)).toEqual([{ term: 'smile🙂', distance: 1 }]);
    expect(intl.near('smile🙂🙂', 2, 8)).toEqual([{ term: 'smile🙂', distance: 2 }]);
    expect(intl.near('🙂🙂🙂', 2, 8)).toEqual([]);
    // Words longer than the limit are not indexed, so they cannot make the index explode either.
    expect(new FuzzyIndex(['x'.repeat(10_000)]).near('x'.repeat(10_000), 2, 8)).toEqual([]);
  });
});

describe('levenshtein', () => {
  it('counts edits, and stops at the bound', () => {
    expect(levenshtein('kitten', 'sitting', 5)).toBe(3);
    expect(levenshtein('kitten', 'sitting', 2)).toBe(3);
    expect(levenshtein('', 'abc', 5)).toBe(3);
    expect(levenshtein('same', 'same', 0)).toBe(0);
    expect(levenshtein('a'.repeat(50), 'b', 2)).toBe(3);
  });
});
