const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** The WHATWG 'euc-kr' decoder is Windows code page 949, which Korean Excel writes for "CSV (쉼표로 분리)". */
const CP949 = new TextDecoder('euc-kr');

/**
 * The text of an uploaded CSV file: CP949 when the content type says so (euc-kr, cp949, ks_c_5601-1987)
 * or when the bytes are not valid UTF-8; UTF-8 otherwise. Korean Excel saves CP949 unless "CSV UTF-8"
 * is chosen, and that one starts with a BOM (kept here, skipped by parseCsv).
 */
export function decodeCsvBytes(bytes: Uint8Array, contentType: string | undefined): string {
  const charset = /charset=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && /^(euc-kr|cp949|ks_c_5601-1987|x-windows-949|windows-949)$/.test(charset)) {
    return CP949.decode(bytes);
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    return CP949.decode(bytes);
  }
}

/**
 * Recipient files are CSV as spreadsheets save it: UTF-8 (a BOM is skipped) or CP949 (decodeCsvBytes), comma-separated, fields
 * optionally in double quotes with "" for a quote, CRLF or LF line ends. Each line is one row and is
 * parsed on its own, so a broken line is reported as that row and never swallows the rest of the file;
 * quoted line breaks are therefore not supported (no field of a recipient row needs one).
 */

export type CsvLine = { line: number; fields: string[] } | { line: number; error: string };

export interface CsvDocument {
  /** The first non-blank line. */
  header: { line: number; fields: string[] } | null;
  rows: CsvLine[];
}

const LINE_BREAK = /\r\n|\n|\r/;
/** Blank as countDataRows sees it: only spaces, tabs and a BOM. */
const BLANK = /^[ \t\uFEFF]*$/;

export function parseCsv(text: string): CsvDocument {
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  let header: CsvDocument['header'] = null;
  const rows: CsvLine[] = [];
  lines.forEach((content, index) => {
    if (BLANK.test(content)) return;
    const parsed = parseLine(content);
    const line = index + 1;
    if (header === null) {
      header = typeof parsed === 'string' ? { line, fields: [] } : { line, fields: parsed };
      return;
    }
    rows.push(typeof parsed === 'string' ? { line, error: parsed } : { line, fields: parsed });
  });
  return { header, rows };
}

/** Non-blank lines after the header, counted without allocating, so an oversized file is refused cheaply. */
export function countDataRows(text: string): number {
  let lines = 0;
  let blank = true;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) {
      if (!blank) lines++;
      blank = true;
    } else if (code !== 32 && code !== 9 && code !== 0xfeff) {
      blank = false;
    }
  }
  if (!blank) lines++;
  return Math.max(lines - 1, 0);
}

/** The fields of one line, or why it is not a CSV line. */
export function parseLine(content: string): string[] | string {
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    while (content[index] === ' ' || content[index] === '\t') index++;
    if (content[index] === '"') {
      const quoted = readQuoted(content, index + 1);
      if (typeof quoted === 'string') return quoted;
      fields.push(quoted.value);
      index = quoted.next;
      while (content[index] === ' ' || content[index] === '\t') index++;
      if (index < content.length && content[index] !== ',') return 'text after a closing quote';
    } else {
      const end = content.indexOf(',', index);
      const raw = content.slice(index, end === -1 ? content.length : end);
      if (raw.includes('"')) return 'a quote inside an unquoted field';
      fields.push(raw.trim());
      index = end === -1 ? content.length : end;
    }
    if (index >= content.length) return fields;
    index++;
  }
}

function readQuoted(content: string, start: number): { value: string; next: number } | string {
  let value = '';
  let index = start;
  for (;;) {
    const quote = content.indexOf('"', index);
    if (quote === -1) return 'a quoted field is not closed';
    value += content.slice(index, quote);
    if (content[quote + 1] !== '"') return { value: value.trim(), next: quote + 1 };
    value += '"';
    index = quote + 2;
  }
}
