import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { NEXT_HISTORY_SEQ_SQL } from '../wallets/member-history.js';

interface Line {
  seq: number;
  type: string;
  month: string;
  amountWon: number;
  referenceId: string;
  merchantId: string | null;
  details: Record<string, unknown>;
}

interface Receipt {
  paymentId: string;
  merchantId: string;
  merchantName: string;
  amountWon: number;
  paidFrom: Record<string, number>;
  cashback: { amountWon: number; rules: unknown[]; limitedBy: string[] };
}

describe.each(databaseKinds())("payments as lines of the member's history on %s", (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let phoneCount = 0;
  let cafe: { merchantId: string; merchantCode: string };
  let market: { merchantId: string; merchantCode: string };

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-30T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
    market = await demoMerchantCode(t.platform, tenantId, 'marketStore');
  });

  async function member(): Promise<{ client: ApiClient; phone: string }> {
    phoneCount += 1;
    const phone = `010-6666-${String(phoneCount).padStart(4, '0')}`;
    return { client: await newMember(t.app, tenantId, phone), phone };
  }

  /** A code the member shows, collected at the bookstore's till: the payment path outside the batch. */
  async function payByCodeAtBookstore(payer: ApiClient, amountWon: number): Promise<Receipt> {
    const owner = await demoClient(t.app, tenantId, 'bookstore');
    const till = await demoClient(t.app, tenantId, 'bookstore');
    till.token = (await owner.post('/v1/merchant/pos-keys', { label: '카운터' })).body.key;
    const { code } = (await payer.post('/v1/me/payment-codes', {})).body;
    const paid = await till.post('/v1/merchant/payments', { code, amountWon });
    expect(paid.status).toBe(201);
    return paid.body;
  }

  async function pay(payer: ApiClient, merchantCode: string, amountWon: number): Promise<Receipt> {
    const paid = await payer.post('/v1/me/payments', { merchantCode, amountWon });
    expect(paid.status).toBe(201);
    return paid.body;
  }

  /** The line a receipt's payment must show: what the member's total changed by, and why. */
  function lineOf(receipt: Receipt, month: string) {
    return {
      type: 'payment',
      month,
      amountWon: receipt.cashback.amountWon - receipt.amountWon,
      referenceId: receipt.paymentId,
      merchantId: receipt.merchantId,
      details: {
        merchantName: receipt.merchantName,
        amountWon: receipt.amountWon,
        paidFrom: receipt.paidFrom,
        cashback: {
          amountWon: receipt.cashback.amountWon,
          rules: receipt.cashback.rules,
          limitedBy: receipt.cashback.limitedBy,
        },
      },
    };
  }

  async function everyLine(client: ApiClient, query: string, pageSize: number): Promise<Line[]> {
    const lines: Line[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const separator = query ? '&' : '';
      const url: string = `/v1/me/transactions?${query}${separator}limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`;
      const answer = await client.get(url);
      expect(answer.status).toBe(200);
      lines.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (!cursor) return lines;
    }
    throw new Error('more than 50 pages');
  }

  it('interleaves payments by merchant code and by code at the till with the other lines, in order, each once on every page size', async () => {
    const { client: payer } = await member();
    const { phone: friendPhone } = await member();
    expect((await payer.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const atCafe = await pay(payer, cafe.merchantCode, 12_000);
    expect(
      (await payer.post('/v1/me/transfers', { recipientPhone: friendPhone, amountWon: 5_000 })).status,
    ).toBe(201);
    const atTill = await payByCodeAtBookstore(payer, 3_000);
    expect((await payer.post('/v1/me/charges', { amountWon: 10_000 })).status).toBe(201);
    const atMarket = await pay(payer, market.merchantCode, 7_000);

    const whole = await everyLine(payer, '', 100);
    expect(whole.map((line) => line.type)).toEqual([
      'payment',
      'charge',
      'payment',
      'transfer_sent',
      'payment',
      'charge',
    ]);
    expect(whole[0]).toMatchObject(lineOf(atMarket, '2021-05'));
    expect(whole[2]).toMatchObject(lineOf(atTill, '2021-05'));
    expect(whole[4]).toMatchObject(lineOf(atCafe, '2021-05'));
    expect(whole[4]?.amountWon).toBe(-10_800);
    const seqs = whole.map((line) => line.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const pageSize of [1, 2, 4, 5]) expect(await everyLine(payer, '', pageSize)).toEqual(whole);

    // The payments' lines are their rows: none was written to member_activity.
    const [stored] = await t.db.query<{ count: number }>(
      `select count(*)::int as count from member_activity where tenant_id = $1 and type = 'payment'`,
      [tenantId],
    );
    expect(stored?.count).toBe(0);
  });

  it('filters payments by type, month and merchant like the stored lines', async () => {
    const { client: payer } = await member();
    expect((await payer.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    const may = await pay(payer, cafe.merchantCode, 10_000);
    t.clock.set('2021-06-02T03:00:00Z');
    const juneAtMarket = await pay(payer, market.merchantCode, 4_000);
    const juneAtCafe = await pay(payer, cafe.merchantCode, 2_000);

    const payments = await everyLine(payer, 'type=payment', 2);
    expect(payments.map((line) => line.referenceId)).toEqual([
      juneAtCafe.paymentId,
      juneAtMarket.paymentId,
      may.paymentId,
    ]);
    expect((await everyLine(payer, 'type=charge,transfer_sent', 2)).map((line) => line.type)).toEqual([
      'charge',
    ]);
    expect((await everyLine(payer, 'month=2021-05', 1)).map((line) => line.referenceId)).toEqual([
      may.paymentId,
      expect.any(String),
    ]);
    expect((await everyLine(payer, 'month=2021-06', 1)).map((line) => line.referenceId)).toEqual([
      juneAtCafe.paymentId,
      juneAtMarket.paymentId,
    ]);
    expect(
      (await everyLine(payer, `merchantId=${cafe.merchantId}`, 1)).map((line) => line.referenceId),
    ).toEqual([juneAtCafe.paymentId, may.paymentId]);
    const narrowest = await everyLine(payer, `merchantId=${cafe.merchantId}&month=2021-06&type=payment`, 5);
    expect(narrowest).toHaveLength(1);
    expect(narrowest[0]).toMatchObject(lineOf(juneAtCafe, '2021-06'));
  });

  it('shows a payment whose line was stored before payments kept their place once, as it showed it', async () => {
    const { client: payer } = await member();
    expect((await payer.post('/v1/me/charges', { amountWon: 50_000 })).status).toBe(201);
    const earlier = await pay(payer, cafe.merchantCode, 20_000);
    await pay(payer, market.merchantCode, 5_000);
    const before = await everyLine(payer, '', 10);
    expect(before.map((line) => line.type)).toEqual(['payment', 'payment', 'charge']);
    // As migration 805 finds an older payment: its line in member_activity, at the place it had, and
    // its row without one.
    await t.db.transaction(async (tx) => {
      await tx.query(
        `insert into member_activity (tenant_id, member_id, seq, at, type, month, amount_won, reference_id,
           merchant_id, details)
         overriding system value
         select tenant_id, member_id, history_seq, created_at, 'payment', month, cashback_won - amount_won, id,
           merchant_id, json_build_object('merchantName', $2::text)
         from payments where id = $1`,
        [earlier.paymentId, earlier.merchantName],
      );
      await tx.query('update payments set history_seq = null where id = $1', [earlier.paymentId]);
    });

    for (const pageSize of [1, 2, 10]) expect(await everyLine(payer, '', pageSize)).toEqual(before);
    expect(await everyLine(payer, 'type=payment', 1)).toEqual(before.slice(0, 2));
  });

  it("takes the history's places from member_activity's own sequence", async () => {
    const [row] = await t.db.query<{ name: string }>(
      `select pg_get_serial_sequence('member_activity', 'seq') as name`,
    );
    expect(NEXT_HISTORY_SEQ_SQL).toBe(`nextval('${row?.name.replace(/^public\./, '')}')`);
  });
});
