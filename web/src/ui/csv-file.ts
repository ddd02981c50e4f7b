/**
 * Files operators and merchants open in Korean Excel: CSV in UTF-8 with a BOM (Excel reads Korean
 * correctly only with it), CRLF line ends, amounts as plain numbers (no 원, no commas) so Excel can
 * sum them. Recipient files come back the other way: UTF-8 or CP949, whichever Excel saved.
 */

// The server's rule for a cell (a formula start neutralised, RFC 4180 quoting), so the two never differ.
import { csvRow } from '../../../src/csv-cell.js';

export type CsvCell = string | number;

export function csvText(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return `\uFEFF${[header, ...rows].map((row) => csvRow(row)).join('\r\n')}\r\n`;
}

export function downloadCsv(
  filename: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
): void {
  saveBlob(filename, new Blob([csvText(header, rows)], { type: 'text/csv;charset=utf-8' }));
}

/** Rows as an Excel sheet: a bold header, amounts as numbers Excel can sum (shown 1,300,000). */
export function xlsxRows(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>) {
  return [
    header.map((value) => ({ value, fontWeight: 'bold' as const })),
    ...rows.map((row) =>
      row.map((value) =>
        typeof value === 'number' ? { value, type: Number, format: '#,##0' } : { value, type: String },
      ),
    ),
  ];
}

/** The same table as an .xlsx file; the writer is loaded only when someone asks for one. */
export async function downloadXlsx(
  filename: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
): Promise<void> {
  const { default: writeXlsxFile } = await import('write-excel-file/browser');
  const blob = await writeXlsxFile(xlsxRows(header, rows)).toBlob();
  saveBlob(filename, blob);
}

function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** The text of a file Korean Excel saved: UTF-8 (with or without BOM) or, when not valid UTF-8, CP949. */
export function decodeSpreadsheetCsv(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('euc-kr').decode(bytes);
  }
}
