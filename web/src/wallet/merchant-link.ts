/** The payment link a merchant's printed QR code carries: `<origin>/pay?merchant=CODE`. */
export function merchantPayLink(origin: string, merchantCode: string): string {
  return `${origin}/pay?merchant=${encodeURIComponent(merchantCode)}`;
}

const MERCHANT_CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** What a scanned QR code names: a Hanbat payment link, or a bare merchant code; null for anything else. */
export function merchantCodeFromScan(scanned: string): string | null {
  const text = scanned.trim();
  if (MERCHANT_CODE_PATTERN.test(text)) return text;
  try {
    const code = new URL(text).searchParams.get('merchant');
    return code && MERCHANT_CODE_PATTERN.test(code) ? code : null;
  } catch {
    return null;
  }
}
