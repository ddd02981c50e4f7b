import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * PDFs people read (tax statements, donation records), made with pdfkit and Noto Sans KR from its
 * npm package, embedded (subset) in every file so Korean renders on any reader.
 */

const require = createRequire(import.meta.url);
const FONT_NAME = 'NotoSansKR';
let fontBytes: Buffer | undefined;

function koreanFont(): Buffer {
  fontBytes ??= readFileSync(
    require.resolve('@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf'),
  );
  return fontBytes;
}

export type PdfDocument = InstanceType<typeof PDFDocument>;

/** Renders a one-font A4 document; `draw` writes the content. */
export function renderKoreanPdf(
  info: { title: string; createdAt: Date },
  draw: (doc: PdfDocument) => void,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: info.title, Producer: 'Hanbat', CreationDate: info.createdAt },
  });
  doc.registerFont(FONT_NAME, koreanFont());
  doc.font(FONT_NAME);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

/** Whole won with thousands separators and the 원 unit. */
export function formatWon(amountWon: number): string {
  return `${amountWon.toLocaleString('en-US')}원`;
}

/** Rows of cells at fixed x positions (points from the left margin), one line each. */
export function drawRows(
  doc: PdfDocument,
  columnsX: number[],
  rows: string[][],
  options: { rightAlignFrom: number },
) {
  const widthOf = (index: number) => (columnsX[index + 1] ?? 495) - (columnsX[index] ?? 0) - 8;
  for (const row of rows) {
    const y = doc.y;
    row.forEach((cell, index) => {
      doc.text(cell, 50 + (columnsX[index] ?? 0), y, {
        width: widthOf(index),
        align: index >= options.rightAlignFrom ? 'right' : 'left',
        lineBreak: false,
      });
    });
    doc.moveDown(0.4);
    doc.x = 50;
  }
}
