import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlank } from './visible-text.js';

describe('text a reader sees', () => {
  it.each([
    ['', 'nothing'],
    ['  \t\n', 'white space'],
    ['\u200b\u200d\u2060\ufeff', 'zero-width characters'],
    ['\u3164\u3164', 'the Hangul filler'],
    ['\u115f\u1160\uffa0', 'the jamo fillers'],
    ['\u200e\u202e', 'direction marks'],
    ['\u2800', 'the blank braille pattern'],
    ['\u00a0\u3000', 'no-break and ideographic spaces'],
    ['\u034f\u034f', 'the combining grapheme joiner'],
    ['\ufe0f\ufe00', 'variation selectors'],
    ['\u0301', 'a lone combining accent'],
    ['\u180e\u17b4', 'other default-ignorable code points'],
  ])('finds %j (%s) blank', (text) => {
    expect(isBlank(text)).toBe(true);
  });

  it.each(['김', ' 한밭 ', 'A', '\u200b이\u200b', '1', 'e\u0301', '\u1100\u1161', '❤\ufe0f'])(
    'finds %j not blank',
    (text) => {
      expect(isBlank(text)).toBe(false);
    },
  );

  it('finds any text with a Hangul syllable or a letter not blank, whatever surrounds it', () => {
    const invisible = fc.constantFrom(' ', '\u200b', '\u3164', '\u2060', '\u00a0');
    fc.assert(
      fc.property(
        fc.array(invisible),
        fc.oneof(
          fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code)),
          fc.constantFrom('a', 'Z'),
        ),
        fc.array(invisible),
        (before, visible, after) => !isBlank(before.join('') + visible + after.join('')),
      ),
    );
  });
});
