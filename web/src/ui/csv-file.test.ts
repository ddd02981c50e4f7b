import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { csvText, decodeSpreadsheetCsv, xlsxRows } from './csv-file.js';

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

  it('writes an Excel sheet whose amounts are numbers and whose headers are Korean', async () => {
    const buffer = await writeXlsxFile(
      xlsxRows(['가맹점', '금액(원)'], [['중앙시장 한밭상회', 1_300_000]]),
    ).toBuffer();
    const files = unzipSync(new Uint8Array(buffer));
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml'] ?? new Uint8Array());
    const text = `${sheet}${strFromU8(files['xl/sharedStrings.xml'] ?? new Uint8Array())}`;
    expect(text).toContain('금액(원)');
    expect(text).toContain('중앙시장 한밭상회');
    // A number cell (no t="s"/t="inlineStr") holding the plain amount.
    expect(sheet).toMatch(/<c r="B2"(?![^>]*t="(s|inlineStr|str)")[^>]*><v>1300000<\/v><\/c>/);
  });
});
