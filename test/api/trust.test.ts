import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  memberMaker,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/**
 * Issue 11 (apps people trust) and issue 10 item 11, through the API: the merchant a code pays is
 * known before paying, the payment PIN guards money once set, a shown code learns it was paid, and
 * the history explains every won without another member's internal id.
 */
describe.each(databaseKinds())('money people can trust on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
  });

  const maker = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7400',
  );
  const member = (chargeWon = 0, name = '테스트 회원') => maker(chargeWon, { name });

  function withPin(client: ApiClient, url: string, body: unknown, pin?: string) {
    return client.request('POST', url, body, {
      'idempotency-key': `pin-${Math.random()}`,
      ...(pin === undefined ? {} : { 'x-payment-pin': pin }),
    });
  }

  describe('merchant lookup by code (no sign-in)', () => {
    it('names the shop, its market and the extra cashback before any money moves', async () => {
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
      const response = await t.app.inject({
        method: 'GET',
        url: `/v1/merchants/by-code/${merchantCode}`,
        headers: { 'x-tenant-id': tenantId },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        merchantCode,
        name: '중앙시장 한밭상회',
        district: { code: 'dong-gu', nameKo: '동구' },
        market: { id: 'mkt_jungang' },
        extraCashback: [{ code: 'traditional_market', nameKo: '전통시장', rateBp: 300 }],
      });
    });

    it('previews a payment before it is made: the split, the shortfall and the expected cashback', async () => {
      const citizen = await member(30_000);
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
      const preview = await citizen.get(
        `/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=20000`,
      );
      expect(preview.body).toEqual({
        merchantName: '중앙시장 한밭상회',
        amountWon: 20_000,
        paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: 20_000 },
        shortfallWon: 0,
        autoChargeWon: 0,
        expectedCashbackWon: 2_600,
        policyId: 'cbp_daejeon_2021',
        validUntil: null,
      });
      // A payment that cannot go through promises no cashback.
      const short = await citizen.get(`/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=50000`);
      expect(short.body).toMatchObject({
        paidFrom: null,
        shortfallWon: 20_000,
        autoChargeWon: 0,
        expectedCashbackWon: 0,
      });
      expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(30_000);
    });

    it('previews what auto-charge would take from the bank, and the split and cashback after it, as the payment makes them', async () => {
      // Cash ₩0 and cashback ₩1,000: ₩10,000 charged and paid at the café (10%).
      const citizen = await member(10_000);
      const cafe = await demoMerchantCode(t.platform, tenantId, 'cafe');
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'bookstore');
      expect(
        (await citizen.post('/v1/me/payments', { merchantCode: cafe.merchantCode, amountWon: 10_000 }))
          .status,
      ).toBe(201);
      const url = `/v1/me/payment-preview?merchantCode=${merchantCode}&amountWon=30000`;
      // Auto-charge off: the payment cannot go through, and no cashback is promised.
      expect((await citizen.get(url)).body).toEqual({
        merchantName: expect.any(String),
        amountWon: 30_000,
        paidFrom: null,
        shortfallWon: 29_000,
        autoChargeWon: 0,
        expectedCashbackWon: 0,
        policyId: null,
        validUntil: null,
      });
      const refused = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 30_000 });
      expect([refused.status, refused.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);

      // Auto-charge ₩50,000 on: the shortfall is charged first, cashback is spent before cash, and
      // cashback (bookstore 20%) is earned on the cash part only: 20% of ₩29,000.
      await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 50_000 });
      const preview = await citizen.get(url);
      expect(preview.body).toEqual({
        merchantName: expect.any(String),
        amountWon: 30_000,
        paidFrom: { grantWon: 0, cashbackWon: 1_000, cashWon: 29_000 },
        shortfallWon: 29_000,
        autoChargeWon: 50_000,
        expectedCashbackWon: 5_800,
        policyId: 'cbp_daejeon_2021',
        validUntil: null,
      });
      expect((await citizen.get('/v1/me/wallet')).body).toMatchObject({ cashWon: 0, cashbackWon: 1_000 });
      const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 30_000 });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({
        paidFrom: preview.body.paidFrom,
        cashback: { amountWon: preview.body.expectedCashbackWon },
        autoCharge: { amountWon: preview.body.autoChargeWon, units: 1 },
        wallet: { cashWon: 21_000, cashbackWon: 5_800 },
      });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('reports an unknown code as a 404 problem', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/v1/merchants/by-code/NOPE-0000',
        headers: { 'x-tenant-id': tenantId },
      });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'MERCHANT_NOT_FOUND' });
    });
  });

  describe('payment PIN (결제 비밀번호)', () => {
    it('is not asked of a member who never set one, so older clients keep paying', async () => {
      const citizen = await member(10_000);
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
      expect((await citizen.get('/v1/me/payment-pin')).body).toEqual({
        isSet: false,
        attemptsLeft: null,
        lockedUntil: null,
      });
      const paid = await citizen.post('/v1/me/payments', { merchantCode, amountWon: 1_000 });
      expect(paid.status).toBe(201);
    });

    it('once set, guards payments, transfers and refunds, and moves nothing without it', async () => {
      const citizen = await member(50_000);
      const friend = await member();
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
      const set = await citizen.request('PUT', '/v1/me/payment-pin', { pin: '246810' });
      expect(set.body).toEqual({ isSet: true, attemptsLeft: 5, lockedUntil: null });
      const before = (await citizen.get('/v1/me/wallet')).body;

      const payment = { merchantCode, amountWon: 1_000 };
      const transfer = { recipientPhone: friend.phone, amountWon: 1_000 };
      for (const [url, body] of [
        ['/v1/me/payments', payment],
        ['/v1/me/transfers', transfer],
        ['/v1/me/refunds', undefined],
      ] as const) {
        const refused = await withPin(citizen, url, body);
        expect(refused.status, url).toBe(403);
        expect(refused.body).toMatchObject({ code: 'PAYMENT_PIN_REQUIRED' });
      }
      expect((await citizen.get('/v1/me/wallet')).body).toEqual(before);

      expect((await withPin(citizen, '/v1/me/payments', payment, '246810')).status).toBe(201);
      expect((await withPin(citizen, '/v1/me/transfers', transfer, '246810')).status).toBe(201);
    });

    it('guards payment codes, mall orders and donations the same way: nothing is issued, held or given without it', async () => {
      const operator = await demoClient(t.app, tenantId, 'operator');
      const market = await demoClient(t.app, tenantId, 'marketStore');
      const category = { categoryId: 'food', name: '식품', nameEn: 'Food' };
      expect((await operator.request('POST', '/v1/operator/commerce/categories', category)).status).toBe(201);
      const product = await market.request('POST', '/v1/merchant/products', {
        channel: 'mall',
        name: '부사 사과 5kg',
        priceWon: 3_000,
        stock: 10,
        categoryId: 'food',
      });
      const charity = await operator.request('POST', '/v1/operator/charities', {
        name: '대전 푸드뱅크',
        registrationNumber: '305-82-22222',
        bankAccount: { bankCode: 'SANDBOX', accountNumber: '100-200-300' },
        description: '',
      });
      const citizen = await member(50_000);
      await citizen.request('PUT', '/v1/me/payment-pin', { pin: '246810' });
      const before = (await citizen.get('/v1/me/wallet')).body;

      const order = { items: [{ productId: product.body.productId, quantity: 1 }] };
      const donation = { charityId: charity.body.charityId, amountWon: 2_000, source: 'cash' };
      const issueCode = (pin?: string) =>
        citizen.request('POST', '/v1/me/payment-codes', undefined, pin ? { 'x-payment-pin': pin } : {});
      const guarded = [
        () => issueCode(),
        () => withPin(citizen, '/v1/me/orders', order),
        () => withPin(citizen, '/v1/me/donations', donation),
      ];
      for (const attempt of guarded)
        expect((await attempt()).body).toMatchObject({ status: 403, code: 'PAYMENT_PIN_REQUIRED' });
      // A wrong PIN counts against the one limit, whichever route it came through.
      const wrongs = [
        await issueCode('000000'),
        await withPin(citizen, '/v1/me/orders', order, '000000'),
        await withPin(citizen, '/v1/me/donations', donation, '000000'),
      ];
      expect(wrongs.map((wrong) => [wrong.status, wrong.body.code, wrong.body.attemptsLeft])).toEqual([
        [403, 'PAYMENT_PIN_INCORRECT', 4],
        [403, 'PAYMENT_PIN_INCORRECT', 3],
        [403, 'PAYMENT_PIN_INCORRECT', 2],
      ]);
      expect((await citizen.get('/v1/me/wallet')).body).toEqual(before);
      expect((await citizen.get('/v1/me/orders')).body.items).toEqual([]);
      expect((await citizen.get('/v1/me/donations')).body.items).toEqual([]);

      const code = await issueCode('246810');
      expect(code.status).toBe(201);
      expect((await withPin(citizen, '/v1/me/orders', order, '246810')).status).toBe(201);
      expect((await withPin(citizen, '/v1/me/donations', donation, '246810')).status).toBe(201);
      expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(50_000 - 3_000 - 2_000);
      expect((await citizen.get('/v1/me/payment-pin')).body).toMatchObject({ attemptsLeft: 5 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('stores only an argon2id hash of the PIN', async () => {
      const citizen = await member();
      await citizen.request('PUT', '/v1/me/payment-pin', { pin: '135790' });
      const [row] = await t.platform.db.query<{ pin_hash: string }>(
        'select pin_hash from member_payment_pins where tenant_id = $1',
        [tenantId],
      );
      expect(row?.pin_hash).toMatch(/^\$argon2id\$/);
      expect(row?.pin_hash).not.toContain('135790');
    });

    it('locks after five wrong PINs for 30 minutes (rule values), even against the right one', async () => {
      const citizen = await member(10_000);
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
      await citizen.request('PUT', '/v1/me/payment-pin', { pin: '112233' });
      const payment = { merchantCode, amountWon: 1_000 };
      for (const attemptsLeft of [4, 3, 2, 1]) {
        const wrong = await withPin(citizen, '/v1/me/payments', payment, '000000');
        expect(wrong.status).toBe(403);
        expect(wrong.body).toMatchObject({ code: 'PAYMENT_PIN_INCORRECT', attemptsLeft });
      }
      const locking = await withPin(citizen, '/v1/me/payments', payment, '000000');
      expect(locking.status).toBe(423);
      expect(locking.body).toMatchObject({
        code: 'PAYMENT_PIN_LOCKED',
        lockedUntil: '2021-05-13T03:30:00.000Z',
      });
      expect((await withPin(citizen, '/v1/me/payments', payment, '112233')).status).toBe(423);
      expect((await citizen.get('/v1/me/wallet')).body.cashWon).toBe(10_000);

      t.clock.set('2021-05-13T03:30:00Z');
      expect((await withPin(citizen, '/v1/me/payments', payment, '112233')).status).toBe(201);
      expect((await citizen.get('/v1/me/payment-pin')).body).toMatchObject({ attemptsLeft: 5 });
    });

    it('changes only with the current PIN, and refuses a PIN that is not six digits', async () => {
      const citizen = await member();
      expect((await citizen.request('PUT', '/v1/me/payment-pin', { pin: '12345' })).body).toMatchObject({
        code: 'PAYMENT_PIN_INVALID',
      });
      await citizen.request('PUT', '/v1/me/payment-pin', { pin: '123456' });
      const withoutCurrent = await citizen.request('PUT', '/v1/me/payment-pin', { pin: '654321' });
      expect(withoutCurrent.body).toMatchObject({ code: 'PAYMENT_PIN_REQUIRED' });
      const wrongCurrent = await citizen.request('PUT', '/v1/me/payment-pin', {
        pin: '654321',
        currentPin: '000000',
      });
      expect(wrongCurrent.body).toMatchObject({ code: 'PAYMENT_PIN_INCORRECT', attemptsLeft: 4 });
      const changed = await citizen.request('PUT', '/v1/me/payment-pin', {
        pin: '654321',
        currentPin: '123456',
      });
      expect(changed.body).toEqual({ isSet: true, attemptsLeft: 5, lockedUntil: null });
    });
  });

  describe('a customer-presented code', () => {
    it('tells the customer the code was paid, with the receipt, once the merchant collects it', async () => {
      const citizen = await member(30_000);
      const issued = await citizen.request('POST', '/v1/me/payment-codes');
      const code = issued.body.code as string;
      expect((await citizen.get(`/v1/me/payment-codes/${code}`)).body).toEqual({
        status: 'waiting',
        receipt: null,
        cancellation: null,
      });
      const till = await demoClient(t.app, tenantId, 'cafe');
      expect((await till.post('/v1/merchant/payments', { code, amountWon: 20_000 })).status).toBe(201);
      const paid = (await citizen.get(`/v1/me/payment-codes/${code}`)).body;
      expect(paid.status).toBe('paid');
      expect(paid.cancellation).toBeNull();
      expect(paid.receipt).toMatchObject({
        merchantName: '한밭 커피',
        amountWon: 20_000,
        cashback: { amountWon: 2_000 },
        wallet: { totalWon: 12_000 },
      });
      const stranger = await member();
      expect((await stranger.get(`/v1/me/payment-codes/${code}`)).status).toBe(404);
    });

    it('tells the customer when the shop cancels the paid code’s payment, in part and then in full', async () => {
      const citizen = await member(30_000);
      const code = (await citizen.request('POST', '/v1/me/payment-codes')).body.code as string;
      const till = await demoClient(t.app, tenantId, 'cafe');
      const paid = await till.post('/v1/merchant/payments', { code, amountWon: 20_000 });
      expect(paid.status).toBe(201);
      const cancel = (body: unknown) =>
        till.post(`/v1/merchant/payments/${paid.body.paymentId}/cancellations`, body);

      expect((await cancel({ amountWon: 5_000 })).status).toBe(201);
      const part = (await citizen.get(`/v1/me/payment-codes/${code}`)).body;
      expect(part.status).toBe('partially_cancelled');
      expect(part.cancellation).toEqual({ cancelledWon: 5_000, remainingWon: 15_000 });
      // The receipt is the payment as it was made; the wallet is as it is now (₩500 cashback clawed back).
      expect(part.receipt).toMatchObject({
        paymentId: paid.body.paymentId,
        amountWon: 20_000,
        cashback: { amountWon: 2_000 },
        wallet: { cashWon: 15_000, cashbackWon: 1_500 },
      });

      expect((await cancel({})).status).toBe(201);
      const full = (await citizen.get(`/v1/me/payment-codes/${code}`)).body;
      expect(full.status).toBe('cancelled');
      expect(full.cancellation).toEqual({ cancelledWon: 20_000, remainingWon: 0 });
      expect(full.receipt).toMatchObject({ amountWon: 20_000, wallet: { cashWon: 30_000, cashbackWon: 0 } });
    });

    it('reports an unused code as expired once its time is up', async () => {
      const citizen = await member();
      const code = (await citizen.request('POST', '/v1/me/payment-codes')).body.code as string;
      t.clock.set('2021-05-13T03:01:00Z');
      expect((await citizen.get(`/v1/me/payment-codes/${code}`)).body.status).toBe('expired');
    });
  });

  describe('history (내역)', () => {
    it("shows transfers by the other member's name and masked phone, never their id", async () => {
      const sender = await member(100_000, '보내는 사람');
      const recipient = await member(0, '받는 사람');
      const preview = await sender.get(`/v1/me/transfer-recipient?phone=${recipient.phone}`);
      expect(preview.body).toEqual({
        nameMasked: '받***람',
        phoneMasked: `010-****-${recipient.phone.slice(-4)}`,
      });
      // One's own phone gets the answer a transfer to it would get; an unknown one is not found.
      const own = await sender.get(`/v1/me/transfer-recipient?phone=${sender.phone}`);
      expect([own.status, own.body.code]).toEqual([422, 'TRANSFER_TO_SELF']);
      const unknown = await sender.get('/v1/me/transfer-recipient?phone=010-9999-0000');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'RECIPIENT_NOT_FOUND']);
      const sent = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 30_000,
        message: '점심값',
      });
      await recipient.post(`/v1/me/transfers/${sent.body.transferId}/accept`);
      const senderId = (await sender.get('/v1/me')).body.memberId as string;
      const recipientId = (await recipient.get('/v1/me')).body.memberId as string;

      const sent_ = await sender.get('/v1/me/transactions?type=transfer_sent,transfer_received');
      expect(sent_.body.items).toHaveLength(1);
      expect(sent_.body.items[0]).toMatchObject({
        type: 'transfer_sent',
        amountWon: -30_000,
        // The sender knows the recipient as the lookup showed them, the name's middle hidden.
        details: { counterpart: { name: '받***람', phoneMasked: `010-****-${recipient.phone.slice(-4)}` } },
      });
      expect(JSON.stringify(sent_.body)).not.toContain(recipientId);
      expect(JSON.stringify(sent_.body)).not.toContain('받는 사람');
      const received = await recipient.get('/v1/me/transactions');
      expect(received.body.items[0]).toMatchObject({
        type: 'transfer_received',
        amountWon: 30_000,
        details: { counterpart: { name: '보내는 사람' }, message: '점심값' },
      });
      expect(JSON.stringify(received.body)).not.toContain(senderId);
    });

    it('lists charges, auto-charges, payments (with the source of funds) and grants with their own types', async () => {
      const citizen = await member(10_000);
      const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'cafe');
      await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 10_000 });
      expect((await citizen.post('/v1/me/payments', { merchantCode, amountWon: 15_000 })).status).toBe(201);
      const operator = await demoClient(t.app, tenantId, 'operator');
      const program = await operator.post('/v1/operator/programs', {
        name: '긴급재난지원금',
        budgetWon: 1_000_000,
        nationalShareBp: 0,
        recipientAmountWon: 50_000,
        usableFrom: '2021-05-13T00:00:00+09:00',
        expiresAt: '2021-08-31T00:00:00+09:00',
      });
      expect(program.status).toBe(201);
      const programId = program.body.id as string;
      const imported = await t.app.inject({
        method: 'POST',
        url: `/v1/operator/programs/${programId}/recipients`,
        headers: {
          'x-tenant-id': tenantId,
          authorization: `Bearer ${operator.token}`,
          'content-type': 'text/csv',
        },
        payload: `phone\n${citizen.phone}\n`,
      });
      expect(imported.json()).toMatchObject({ importedCount: 1 });
      expect((await operator.post(`/v1/operator/programs/${programId}/disbursements`)).status).toBe(202);
      await t.platform.programs.idle();

      const history = (await citizen.get('/v1/me/transactions')).body.items as Array<{
        type: string;
        amountWon: number;
        details: Record<string, unknown>;
      }>;
      expect(history.map((item) => [item.type, item.amountWon])).toEqual([
        ['grant_received', 50_000],
        ['payment', -13_500],
        ['auto_charge', 10_000],
        ['charge', 10_000],
      ]);
      expect(history[0]?.details).toMatchObject({ programName: '긴급재난지원금' });
      expect(history[1]?.details).toMatchObject({ paidFrom: { cashWon: 15_000 } });
      const grants = (await citizen.get('/v1/me/transactions?type=grant_received,grant_expired')).body;
      expect(grants.items).toHaveLength(1);
      // The grant's line proves itself as every other line does: its reference names its transfer.
      const line = grants.items[0] as { referenceId: string };
      expect((await citizen.get(`/v1/me/transactions/${line.referenceId}/proof`)).body.status).toBe(
        'not_yet_sealed',
      );
      await operator.post('/v1/operator/checkpoints');
      const proof = await citizen.get(`/v1/me/transactions/${line.referenceId}/proof`);
      expect(proof.body.status).toBe('sealed');
      expect(proof.body.proofs[0].transferId).toBe(`program_grant:${line.referenceId}`);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });
  });

  describe('recipient files from Korean Excel', () => {
    it('imports CP949 with the headers 전화번호 and 금액, and echoes the offending value of a bad row', async () => {
      const citizen = await member();
      const operator = await demoClient(t.app, tenantId, 'operator');
      const program = await operator.post('/v1/operator/programs', {
        name: '소상공인 지원금',
        budgetWon: 1_000_000,
        nationalShareBp: 0,
        recipientAmountMaxWon: 100_000,
        usableFrom: '2021-05-13T00:00:00+09:00',
        expiresAt: '2021-08-31T00:00:00+09:00',
      });
      expect(program.status).toBe(201);
      // "전화번호,금액\r\n" as Korean Excel saves it (CP949), then the rows in ASCII.
      const header = Buffer.from('c0fcc8adb9f8c8a32cb1ddbed70d0a', 'hex');
      const body = Buffer.concat([header, Buffer.from(`${citizen.phone},"30,000"\r\n010-12,1000\r\n`)]);
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/operator/programs/${program.body.id}/recipients?importValidRows=true`,
        headers: {
          'x-tenant-id': tenantId,
          authorization: `Bearer ${operator.token}`,
          'content-type': 'text/csv',
        },
        payload: body,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        importedCount: 1,
        importedWon: 30_000,
        errors: [{ line: 3, code: 'INVALID_PHONE', phone: '010-12' }],
      });
      const recipients = await operator.get(`/v1/operator/programs/${program.body.id}/recipients`);
      expect(recipients.body.items[0]).toMatchObject({
        name: '테스트 회원',
        phoneMasked: `010-****-${citizen.phone.slice(-4)}`,
      });
    });

    it('imports UTF-8 with a BOM', async () => {
      const citizen = await member();
      const operator = await demoClient(t.app, tenantId, 'operator');
      const program = await operator.post('/v1/operator/programs', {
        name: '지원금',
        budgetWon: 1_000_000,
        nationalShareBp: 0,
        recipientAmountWon: 10_000,
        usableFrom: '2021-05-13T00:00:00+09:00',
        expiresAt: '2021-08-31T00:00:00+09:00',
      });
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/operator/programs/${program.body.id}/recipients`,
        headers: {
          'x-tenant-id': tenantId,
          authorization: `Bearer ${operator.token}`,
          'content-type': 'text/csv; charset=utf-8',
        },
        payload: Buffer.from(`\uFEFF전화번호\r\n${citizen.phone}\r\n`),
      });
      expect(response.json()).toMatchObject({ importedCount: 1, importedWon: 10_000 });
    });
  });
});
