/** Customer-presented payment codes: 20 digits, shown and typed in groups of four. */

export const PAYMENT_CODE_DIGITS = 20;
const LIFETIME_MS_MAX = 10 * 60_000;

export function groupPaymentCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** What a cashier typed or scanned, as the 20 digits the API wants; null if it is not a code. */
export function paymentCodeFrom(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${PAYMENT_CODE_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * When the code expires on this device's clock. The server's lifetime (its expiry minus its own Date
 * header) is counted from when the answer arrived, so a phone whose clock is off still counts 60 s.
 */
export function localDeadlineMs(expiresAt: string, serverDate: string | null, receivedAtMs: number): number {
  const serverNowMs = serverDate ? Date.parse(serverDate) : Number.NaN;
  const lifetimeMs = Number.isNaN(serverNowMs)
    ? Date.parse(expiresAt) - receivedAtMs
    : Date.parse(expiresAt) - serverNowMs;
  return receivedAtMs + Math.min(Math.max(lifetimeMs, 0), LIFETIME_MS_MAX);
}

/** 75 → "1:15". */
export function formatSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
