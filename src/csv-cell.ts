/**
 * Text a spreadsheet would run as a formula: a cell starting with =, +, - or @ is evaluated by
 * Excel, and a leading tab or carriage return hides the same start from a naive check (OWASP, "CSV
 * Injection"). Such text gets a leading ' so it opens as the text it is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | bigint | boolean | null | undefined;

/**
 * One RFC 4180 cell of a file people open in a spreadsheet. Only strings are neutralised: a number
 * (a negative amount included) is written as it is, so Excel can still sum it. Null and undefined
 * are an empty cell.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line of cells, without its line end (each file keeps its own). */
export function csvRow(values: ReadonlyArray<CsvValue>): string {
  return values.map(csvCell).join(',');
}
