/**
 * A batch's column as one text parameter, split back by PostgreSQL: `unnest(splitColumn(1, 'bigint'),
 * …)` over `[textColumn(values), …]`. Joining in Node and `string_to_array` in PostgreSQL cost less,
 * on both sides, than a JSON document of rows (every row repeats every key, and the server parses
 * it) or node-postgres's array literals (escaped element by element in JavaScript).
 */
const SEPARATOR = '\x1e';
const NULL_MARK = '\x1f';
type ColumnType = 'text' | 'bigint' | 'int' | 'timestamptz' | 'json' | 'jsonb' | 'uuid';

/**
 * The values joined. They are ids, codes, hex digests, numbers, ISO times or JSON text: none can
 * hold the control characters used as separator and NULL mark (JSON escapes them), nor be empty,
 * which `string_to_array` could not tell from no row; a value that does is refused, not mangled.
 */
export function textColumn(values: readonly (string | number | null)[]): string {
  const texts = values.map((value) => {
    if (value === null) return NULL_MARK;
    const text = String(value);
    if (text === '' || text.includes(SEPARATOR) || text.includes(NULL_MARK))
      throw new Error(`a batch column cannot carry ${JSON.stringify(text)}`);
    return text;
  });
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
