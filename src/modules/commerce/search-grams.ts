/**
 * Korean partial-match search keys. Most Korean nouns are two syllables (국밥, 사과, 서점), and
 * PostgreSQL's pg_trgm extracts no trigram from a two-character LIKE pattern, so its index cannot
 * narrow such a search. Instead each listing stores the set of its characters and adjacent character
 * pairs (per word, lower-cased, NFC); a GIN index on that array finds candidates for any query of
 * one or more characters on PGlite and PostgreSQL alike, and `strpos` then confirms the exact substring.
 */

export const SEARCH_TERMS_MAX = 8;
const GRAMS_MAX = 2_000;

export function normaliseSearchText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function wordsOf(text: string): string[] {
  return normaliseSearchText(text)
    .split(' ')
    .filter((word) => word.length > 0);
}

/** Every character and every adjacent pair of characters of each word. */
export function gramsOf(text: string): string[] {
  const grams = new Set<string>();
  for (const word of wordsOf(text)) {
    const chars = [...word];
    for (let i = 0; i < chars.length && grams.size < GRAMS_MAX; i += 1) {
      grams.add(chars[i] as string);
      if (i + 1 < chars.length) grams.add(`${chars[i]}${chars[i + 1]}`);
    }
  }
  return [...grams].sort();
}

/** The query's words (at most SEARCH_TERMS_MAX) and the grams every match must contain. */
export function queryOf(q: string): { terms: string[]; grams: string[] } {
  const terms = wordsOf(q).slice(0, SEARCH_TERMS_MAX);
  const grams = new Set<string>();
  for (const term of terms) {
    const chars = [...term];
    if (chars.length === 1) grams.add(term);
    for (let i = 0; i + 1 < chars.length; i += 1) grams.add(`${chars[i]}${chars[i + 1]}`);
  }
  return { terms, grams: [...grams].sort() };
}
