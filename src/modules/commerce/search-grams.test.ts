import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gramsOf, queryOf } from './search-grams.js';

const hangulSyllable = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
const word = fc
  .array(fc.oneof(hangulSyllable, fc.constantFrom('a', 'B', '1', '%')), { minLength: 1, maxLength: 8 })
  .map((chars) => chars.join(''));

describe('search grams', () => {
  it('stores every syllable and every adjacent pair of each word, lower-cased', () => {
    expect(gramsOf('돼지 국밥 SET')).toEqual(
      ['e', 'et', 's', 'se', 't', '국', '국밥', '돼', '돼지', '밥', '지'].sort(),
    );
  });

  it('asks a one-syllable query for the syllable and a longer one for its pairs', () => {
    expect(queryOf('배')).toEqual({ terms: ['배'], grams: ['배'] });
    expect(queryOf(' 칼국수  2인분 ')).toEqual({
      terms: ['칼국수', '2인분'],
      grams: ['2인', '국수', '인분', '칼국'].sort(),
    });
  });

  it('never misses: the grams of any piece of a word are among the grams of the text', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (words, w, a, b) => {
          const chosen = words[w % words.length] as string;
          const chars = [...chosen];
          const from = a % chars.length;
          const piece = chars.slice(from, from + 1 + (b % (chars.length - from))).join('');
          const stored = new Set(gramsOf(words.join(' ')));
          for (const gram of queryOf(piece).grams) expect(stored.has(gram)).toBe(true);
        },
      ),
    );
  });
});
