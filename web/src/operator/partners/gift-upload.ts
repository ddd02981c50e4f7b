import { api, call } from '../../api/client.js';
import { type IdempotencyKeys, sendIdempotent } from '../../api/idempotency.js';

/** One upload of employee gifts: everything the operator chose, so changing any of it is a new upload. */
export interface GiftUpload {
  partnerId: string;
  csv: string;
  expiresAt: string;
}

/**
 * The instant employee gifts expire: the end of the chosen day in Seoul, for a real calendar date
 * written YYYY-MM-DD (as a date input gives it); anything else (2027/01/31, 2027-02-30) is null.
 */
export function giftExpiresAt(dateText: string): string | null {
  const date = dateText.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const midnight = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(midnight.getTime()) || midnight.toISOString().slice(0, 10) !== date) return null;
  return `${date}T23:59:59+09:00`;
}

/**
 * Pays the gifts under the upload's key: a retry of the same upload after an unknown outcome reuses
 * it, so the employees are paid once however often the operator presses the button.
 */
export function sendGiftUpload(keys: IdempotencyKeys, upload: GiftUpload) {
  return sendIdempotent(keys, upload, (idempotencyKey) =>
    call(
      api.POST('/v1/operator/partners/{partnerId}/gifts', {
        params: {
          path: { partnerId: upload.partnerId },
          query: { expiresAt: upload.expiresAt },
          header: { 'idempotency-key': idempotencyKey },
        },
        body: upload.csv,
        bodySerializer: (csv: string) => csv,
        headers: { 'content-type': 'text/csv' },
      }),
    ),
  );
}
