import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv-cell.js';

describe('CSV cells for spreadsheets', () => {
  it('prefixes text starting with =, +, -, @, tab or carriage return with a quote, so it stays text', () => {
    expect(['=1+1', '+82', '-5000', '@SUM(A1)', '\t=1', '\r=1'].map(csvCell)).toEqual([
      "'=1+1",
      "'+82",
      "'-5000",
      "'@SUM(A1)",
      "'\t=1",
      `"'\r=1"`,
    ]);
  });

  it('writes numbers as they are, a negative amount included', () => {
    expect(csvRow([-5000, 0, 12n, -7n, true])).toBe('-5000,0,12,-7,true');
  });

  it('leaves other text as it is and quotes only what RFC 4180 needs', () => {
    expect(csvRow(['대흥동', 'a=b', 'x-1', '', null, undefined])).toBe('대흥동,a=b,x-1,,,');
    expect(csvRow(['a,b', 'say "hi"', 'two\nlines'])).toBe('"a,b","say ""hi""","two\nlines"');
  });
});
