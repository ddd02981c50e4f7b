import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api/client.js';
import { IdempotencyKeys } from '../../api/idempotency.js';
import { type GiftUpload, giftExpiresAt, sendGiftUpload } from './gift-upload.js';

const upload: GiftUpload = {
  partnerId: 'ptn_1',
  csv: '전화번호,금액\n010-1234-5678,50000\n',
  expiresAt: '2027-01-31T23:59:59+09:00',
};
const paid = { giftId: 'gft_1', recipientCount: 1, amountWon: 50_000 };

type Answer = 'lost' | 500 | 422 | 201;

/** The API answers each upload in turn as listed; returns the Idempotency-Key of every request sent. */
function apiAnswers(...answers: Answer[]): string[] {
  const keys: string[] = [];
  const post = vi.spyOn(api, 'POST');
  for (const answer of answers) {
    post.mockImplementationOnce((async (
      _path: string,
      init: { params: { header: Record<string, string> } },
    ) => {
      keys.push(init.params.header['idempotency-key'] as string);
      if (answer === 'lost') throw new TypeError('fetch failed');
      const response = new Response(null, { status: answer });
      if (answer === 201) return { data: paid, response };
      return { error: { status: answer, code: answer === 500 ? 'INTERNAL' : 'GIFT_FILE_INVALID' }, response };
    }) as never);
  }
  return keys;
}

async function attempt(keys: IdempotencyKeys, gift: GiftUpload): Promise<unknown> {
  return sendGiftUpload(keys, gift).catch((error: unknown) => error);
}

afterEach(() => vi.restoreAllMocks());

describe('paying employee gifts once', () => {
  it('retries the same upload under the same key after a lost response or a server error', async () => {
    const sent = apiAnswers('lost', 500, 201);
    const keys = new IdempotencyKeys();
    await attempt(keys, upload);
    await attempt(keys, upload);
    expect(await attempt(keys, upload)).toEqual(paid);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
  });

  it('gives a new key when the file, the expiry or the partner changes', async () => {
    const sent = apiAnswers('lost', 'lost', 'lost', 'lost');
    const keys = new IdempotencyKeys();
    await attempt(keys, upload);
    await attempt(keys, { ...upload, csv: '전화번호,금액\n010-1234-5678,60000\n' });
    await attempt(keys, { ...upload, expiresAt: '2027-02-28T23:59:59+09:00' });
    await attempt(keys, { ...upload, partnerId: 'ptn_2' });
    expect(new Set(sent).size).toBe(4);
  });

  it('starts a new upload after the gifts were paid, even of the same file', async () => {
    const sent = apiAnswers(201, 201);
    const keys = new IdempotencyKeys();
    await attempt(keys, upload);
    await attempt(keys, upload);
    expect(sent[0]).not.toBe(sent[1]);
  });

  it('starts a new upload after a refusal, which paid nothing', async () => {
    const sent = apiAnswers(422, 201);
    const keys = new IdempotencyKeys();
    expect(await attempt(keys, upload)).toMatchObject({ status: 422, code: 'GIFT_FILE_INVALID' });
    await attempt(keys, upload);
    expect(sent[0]).not.toBe(sent[1]);
  });
});

describe('when employee gifts expire', () => {
  it('ends the chosen day in Seoul', () => {
    expect(giftExpiresAt('2027-01-31')).toBe('2027-01-31T23:59:59+09:00');
    expect(giftExpiresAt(' 2028-02-29 ')).toBe('2028-02-29T23:59:59+09:00');
  });

  it('refuses dates written another way', () => {
    expect(giftExpiresAt('2027/01/31')).toBeNull();
    expect(giftExpiresAt('2027.01.31')).toBeNull();
    expect(giftExpiresAt('20270131')).toBeNull();
    expect(giftExpiresAt('2027-1-31')).toBeNull();
    expect(giftExpiresAt('')).toBeNull();
  });

  it('refuses days that are not in the calendar', () => {
    expect(giftExpiresAt('2027-02-29')).toBeNull();
    expect(giftExpiresAt('2027-02-30')).toBeNull();
    expect(giftExpiresAt('2027-13-01')).toBeNull();
    expect(giftExpiresAt('2027-00-10')).toBeNull();
  });
});
