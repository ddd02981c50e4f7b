/**
 * What shows nothing on a screen: white space, format characters (zero-width spaces and joiners,
 * direction marks), controls, the Hangul fillers a Korean keyboard can leave behind, and the blank
 * braille pattern. A name made only of these reads as empty in every list that shows it.
 */
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Cc}\u115F\u1160\u2800\u3164\uFFA0]/gu;

/** True when `text` has nothing a reader would see. */
export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, '').length === 0;
}
