import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's poppler-utils (pdftotext, pdftoppm) read the PDFs we make, as a person's reader would.
 * Without them the PDF suites are skipped with one line, unless CI or REQUIRE_PDF_TOOLS=1 (or
 * REQUIRE_BROWSER=1, which CI sets) requires them: then their absence fails the suite.
 */

function found(tool: string): boolean {
  return spawnSync(tool, ['-v'], { stdio: 'ignore' }).error === undefined;
}

export const pdfToolsFound = found('pdftotext') && found('pdftoppm');
export const pdfToolsRequired =
  process.env.REQUIRE_PDF_TOOLS === '1' || process.env.REQUIRE_BROWSER === '1' || process.env.CI === 'true';
if (!pdfToolsFound && !pdfToolsRequired)
  console.log('PDF rendering suites: SKIPPED (no pdftotext/pdftoppm: apt-get install poppler-utils)');

export function assertPdfTools(): void {
  if (!pdfToolsFound)
    throw new Error(
      'PDF tools are required here but pdftotext/pdftoppm are missing: apt-get install poppler-utils',
    );
}

/** The text of every page, laid out as on the page. */
export function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hanbat-pdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders every page to PNG and returns the images' bytes. */
export function pdfPages(pdf: Buffer): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'hanbat-png-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', '60', file, join(dir, 'page')]);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.png'))
      .sort()
      .map((name) => readFileSync(join(dir, name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fonts pdffonts lists as embedded (the `emb` column says yes). */
export function embeddedFonts(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'hanbat-fonts-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const listing = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2);
    return listing
      .filter((line) => line.trim().length > 0)
      .filter((line) => / yes +(yes|no) +(yes|no) +\d+ +\d+$/.test(line))
      .map((line) => line.split(/\s+/)[0] as string);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
