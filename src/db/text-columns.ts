/**
 * A batch's column as one text parameter, split back by PostgreSQL: `unnest(splitColumn(1, 'bigint'),
 * …)` over `[textColumn(values), …]`. Joining in Node and `string_to_array` in PostgreSQL cost less,
 * on both sides, than a JSON document of rows (every row repeats every key, and the server parses
 * it) or node-postgres's array literals (escaped element by element in JavaScript).
 */
const SEPARATOR = '\x1e';
const NULL_MARK = '\x1f';
type ColumnType = 'text' | 'bigint' | 'int' | 'timestamptz' | 'json' | 'jsonb' | 'uuid' | 'boolean' | 'tid';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the separator and NULL mark are control characters by design
const SEPARATOR_OR_NULL_MARK = /[\x1e\x1f]/;

/**
 * The values joined. They are ids, codes, hex digests, numbers, ISO times or JSON text: none can
 * hold the control characters used as separator and NULL mark (JSON escapes them), nor be empty,
 * which `string_to_array` could not tell from no row; a value that does is refused, not mangled.
 * A number's text cannot hold them, so only strings are scanned, once each.
 */
export function textColumn(values: readonly (string | number | null)[]): string {
  const texts = new Array<string>(values.length);
  for (let at = 0; at < values.length; at += 1) {
    const value = values[at] as string | number | null;
    if (value === null) texts[at] = NULL_MARK;
    else if (typeof value === 'number') texts[at] = String(value);
    else if (value === '' || SEPARATOR_OR_NULL_MARK.test(value))
      throw new Error(`a batch column cannot carry ${JSON.stringify(value)}`);
    else texts[at] = value;
  }
  return texts.join(SEPARATOR);
}

/**
 * Values as JSON documents, joined (null: SQL NULL). `JSON.stringify` escapes every control
 * character and never writes an empty text, so these need no scan: the batch's largest columns
 * (a payment's cashback and receipt context, a history line's details) are not read twice.
 */
export function jsonColumn(values: readonly unknown[]): string {
  const texts = new Array<string>(values.length);
  for (let at = 0; at < values.length; at += 1) {
    const value = values[at];
    texts[at] = value === null || value === undefined ? NULL_MARK : JSON.stringify(value);
  }
  return texts.join(SEPARATOR);
}

/** The array `textColumn` joined into parameter `$param`, of `type`, for `unnest`. */
export function splitColumn(param: number, type: ColumnType): string {
  return `string_to_array($${param}, E'\\x1e', E'\\x1f')::${type}[]`;
}

/** `splitColumn` of parameters `$first`, `$first + 1`, … one per type, comma-separated: `unnest`'s arguments. */
export function splitColumns(first: number, types: readonly ColumnType[]): string {
  return types.map((type, at) => splitColumn(first + at, type)).join(', ');
}

// One scan per value finds what the literal would have to escape: a quote or a backslash.
const NEEDS_ESCAPE = /["\\]/;

/**
 * A `text[]` parameter as PostgreSQL's array literal, written in one join: node-postgres escapes
 * each element of a JavaScript array with two regular-expression replaces and concatenates them
 * one by one, which was ~5 KB of garbage a payment over a batch's key lists (docs/engine.md,
 * "Session 24"). Values with a quote or backslash are rare (none are ids or codes; an idempotency
 * key may hold them): then the array goes as it is and node-postgres escapes it.
 */
export function textArray(values: readonly string[]): string | readonly string[] {
  if (values.length === 0) return '{}';
  for (let at = 0; at < values.length; at += 1) if (NEEDS_ESCAPE.test(values[at] as string)) return values;
  return `{"${values.join('","')}"}`;
}
