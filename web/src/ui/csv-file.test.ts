import { describe, expect, it } from 'vitest';
import { csvText, decodeSpreadsheetCsv } from './csv-file.js';

describe('CSV files for Korean Excel', () => {
  it('writes a BOM, CRLF, quoted text and plain-number amounts', () => {
    expect(csvText(['가맹점', '금액(원)'], [['한밭 "커피", 둔산점', 50_000]])).toBe(
      '\uFEFF가맹점,금액(원)\r\n"한밭 ""커피"", 둔산점",50000\r\n',
    );
  });

  it('keeps a cell that looks like a formula as text', () => {
    expect(csvText(['a'], [['=SUM(A1)']])).toBe("\uFEFFa\r\n'=SUM(A1)\r\n");
  });

  it('reads CP949 as Korean Excel saves it, and UTF-8', () => {
    const cp949 = new Uint8Array([
      0xc0, 0xfc, 0xc8, 0xad, 0xb9, 0xf8, 0xc8, 0xa3, 0x2c, 0xb1, 0xdd, 0xbe, 0xd7,
    ]);
    expect(decodeSpreadsheetCsv(cp949.buffer)).toBe('전화번호,금액');
    expect(decodeSpreadsheetCsv(new TextEncoder().encode('전화번호,금액').buffer as ArrayBuffer)).toBe(
      '전화번호,금액',
    );
  });
});
