import { readFileSync } from 'node:fs';
import { parsePublicKeys, verifyDocument } from '../modules/public-books/verify.js';

/**
 * `hanbat verify FILE --key KEY [--root HEX]`: offline, no database, no network. KEY is a file
 * holding a PEM, the raw key in base64, or the saved answer of GET /v1/public/keys.
 */
export function runVerify(
  file: string,
  options: { key: string; root?: string },
): { code: 0 | 1; output: string } {
  let document: unknown;
  let keys: ReturnType<typeof parsePublicKeys>;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { code: 1, output: `NOT VERIFIED: cannot read ${file} as a proof (${(error as Error).message}).` };
  }
  try {
    keys = parsePublicKeys(readFileSync(options.key, 'utf8'));
  } catch (error) {
    return {
      code: 1,
      output: `NOT VERIFIED: cannot read a public key from ${options.key} (${(error as Error).message}).`,
    };
  }
  if (options.root !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.root))
    return {
      code: 1,
      output: 'NOT VERIFIED: --root must be 64 hexadecimal characters (a SHA-256 root hash).',
    };
  const verdict = verifyDocument(document, keys, options.root);
  return { code: verdict.ok ? 0 : 1, output: verdict.lines.join('\n') };
}
