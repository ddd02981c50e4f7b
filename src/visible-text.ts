/**
 * What shows nothing on a screen: white space, format characters (zero-width spaces and joiners,
 * direction marks), controls, every default-ignorable code point (the combining grapheme joiner,
 * variation selectors, the Hangul fillers a Korean keyboard can leave behind), and the blank braille
 * pattern. A name made only of these reads as empty in every list that shows it.
 */
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Combining marks draw on the character before them: alone, they draw on nothing. */
const MARK = /\p{M}/gu;

/** True when `text` has nothing a reader would see. */
export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, '').replace(MARK, '').length === 0;
}
