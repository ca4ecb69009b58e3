import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/web/ticket-export.js';

describe('csvCell', () => {
  it('makes every cell a spreadsheet could run as a formula into text, and quotes what needs it', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'].map(csvCell)).toEqual([
      '"\'=1+1"',
      '"\'+1"',
      '"\'-1"',
      '"\'@SUM(A1)"',
      '"\'\t=1"',
      '"\'\r=1"',
    ]);
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    // Numbers the export writes itself (a rating) are not user text.
    expect(csvCell(5)).toBe('5');
  });
});
