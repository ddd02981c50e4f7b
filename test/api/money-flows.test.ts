import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/modules/wallets/usage.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
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

const DAY_MS = 86_400_000;

describe.each(databaseKinds())('auto-charge, transfers and refunds on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let cafeCode: string;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
  });

  const member = memberMaker(
    () => t.app,
    () => tenantId,
    '010-7300',
  );

  async function wallet(client: ApiClient) {
    return (await client.get('/v1/me/wallet')).body;
  }

  /** The member's history, oldest first, as [type, amountWon], and whether it adds up to the wallet. */
  async function history(client: ApiClient) {
    const items: Array<{ type: string; amountWon: number }> = (
      await client.get('/v1/me/transactions?limit=100')
    ).body.items;
    const lines = items.reverse().map((item) => [item.type, item.amountWon]);
    const sumWon = items.reduce((sum, item) => sum + item.amountWon, 0);
    return { lines, addsUp: sumWon === (await wallet(client)).totalWon };
  }

  describe('auto-charge', () => {
    it('charges whole units to cover a short payment, in one request that shows both', async () => {
      const citizen = await member(5_000);
      const setting = await citizen.request('PUT', '/v1/me/auto-charge', {
        enabled: true,
        amountWon: 10_000,
      });
      expect(setting.body).toEqual({ enabled: true, amountWon: 10_000, unitWon: 10_000 });
      const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 27_000 });
      expect(paid.status).toBe(201);
      expect(paid.body.autoCharge).toMatchObject({ amountWon: 30_000, units: 3 });
      expect(paid.body.paidFrom).toEqual({ grantWon: 0, cashbackWon: 0, cashWon: 27_000 });
      expect(paid.body.wallet).toMatchObject({
        cashWon: 8_000,
        cashbackWon: 2_700,
        month: { chargedWon: 35_000 },
      });
    });

    it('refuses an amount that is not a multiple of the unit', async () => {
      const citizen = await member();
      const refused = await citizen.request('PUT', '/v1/me/auto-charge', {
        enabled: true,
        amountWon: 15_000,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'AUTO_CHARGE_AMOUNT_INVALID', unitWon: 10_000 });
    });

    it('at the monthly cap boundary: charges up to the cap, and fails cleanly one unit past it', async () => {
      const citizen = await member(480_000);
      await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 10_000 });
      const toTheCap = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 500_000 });
      expect(toTheCap.body.autoCharge).toMatchObject({ amountWon: 20_000 });
      expect(toTheCap.body.wallet.month.chargedWon).toBe(500_000);
      const before = await wallet(citizen);
      const pastTheCap = await citizen.post('/v1/me/payments', {
        merchantCode: cafeCode,
        amountWon: before.totalWon + 1,
      });
      expect(pastTheCap.status).toBe(422);
      expect(pastTheCap.body).toMatchObject({
        code: 'AUTO_CHARGE_FAILED',
        reason: 'MONTHLY_CHARGE_CAP_EXCEEDED',
      });
      expect(await wallet(citizen)).toEqual(before);
    });

    it('fails cleanly when the bank refuses the auto-charge, moving nothing', async () => {
      const citizen = await member(1_000);
      await citizen.request('PUT', '/v1/me/auto-charge', { enabled: true, amountWon: 10_000 });
      t.bank.injectFaults('fail');
      const refused = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 5_000 });
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({ code: 'AUTO_CHARGE_FAILED', reason: 'BANK_DECLINED' });
      expect(await wallet(citizen)).toMatchObject({ cashWon: 1_000, month: { chargedWon: 1_000 } });
    });
  });

  describe('transfers (송금)', () => {
    it('holds the money until the recipient accepts', async () => {
      const sender = await member(100_000);
      const recipient = await member();
      const sent = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 30_000,
        message: '점심값',
      });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ status: 'pending', direction: 'outgoing', amountWon: 30_000 });
      expect(await wallet(sender)).toMatchObject({ cashWon: 70_000 });
      expect(await wallet(recipient)).toMatchObject({ cashWon: 0 });
      const incoming = await recipient.get('/v1/me/transfers?direction=incoming');
      expect(incoming.body.items).toHaveLength(1);
      expect(incoming.body.items[0]).toMatchObject({ transferId: sent.body.transferId, message: '점심값' });
      const accepted = await recipient.post(`/v1/me/transfers/${sent.body.transferId}/accept`);
      expect(accepted.body.status).toBe('accepted');
      expect(await wallet(recipient)).toMatchObject({ cashWon: 30_000 });
      expect(await wallet(sender)).toMatchObject({ cashWon: 70_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('returns the money when declined or cancelled', async () => {
      const sender = await member(100_000);
      const recipient = await member();
      const first = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 10_000,
      });
      const second = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 20_000,
      });
      expect((await recipient.post(`/v1/me/transfers/${first.body.transferId}/decline`)).body.status).toBe(
        'declined',
      );
      expect((await sender.post(`/v1/me/transfers/${second.body.transferId}/cancel`)).body.status).toBe(
        'cancelled',
      );
      expect((await recipient.post(`/v1/me/transfers/${second.body.transferId}/accept`)).body.code).toBe(
        'TRANSFER_NOT_PENDING',
      );
      expect((await sender.post(`/v1/me/transfers/${first.body.transferId}/accept`)).body.code).toBe(
        'TRANSFER_NOT_FOUND',
      );
      expect(await wallet(sender)).toMatchObject({ cashWon: 100_000 });
      expect(await wallet(recipient)).toMatchObject({ cashWon: 0 });
    });

    it('refuses acceptance after 3 days, and the money is back with the sender', async () => {
      const sender = await member(100_000);
      const recipient = await member();
      const sent = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 40_000,
      });
      t.clock.advanceMs(3 * DAY_MS - 1);
      expect(await wallet(sender)).toMatchObject({ cashWon: 60_000 });
      t.clock.advanceMs(1);
      const late = await recipient.post(`/v1/me/transfers/${sent.body.transferId}/accept`);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('TRANSFER_EXPIRED');
      await t.platform.scheduler.tick([tenantId]);
      expect(await wallet(sender)).toMatchObject({ cashWon: 100_000 });
      expect(await wallet(recipient)).toMatchObject({ cashWon: 0 });
      const outgoing = await sender.get('/v1/me/transfers?direction=outgoing');
      expect(outgoing.body.items[0].status).toBe('expired');
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('sends only charged money, never cashback', async () => {
      const sender = await member(10_000);
      const recipient = await member();
      await sender.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 10_000 });
      expect(await wallet(sender)).toMatchObject({ cashWon: 0, cashbackWon: 1_000 });
      const refused = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 1_000,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
    });

    it('refuses unknown recipients and sending to oneself', async () => {
      const sender = await member(10_000);
      expect(
        (await sender.post('/v1/me/transfers', { recipientPhone: '010-9999-9999', amountWon: 1 })).body.code,
      ).toBe('RECIPIENT_NOT_FOUND');
      expect(
        (await sender.post('/v1/me/transfers', { recipientPhone: sender.phone, amountWon: 1 })).body.code,
      ).toBe('TRANSFER_TO_SELF');
    });

    it('allows exactly ₩500,000 in one send and refuses ₩500,001', async () => {
      const sender = await member(500_000);
      const recipient = await member();
      const over = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 500_001,
      });
      expect(over.body).toMatchObject({
        code: 'TRANSFER_LIMIT_EXCEEDED',
        limit: 'per_send',
        capWon: 500_000,
      });
      expect(
        (await sender.post('/v1/me/transfers', { recipientPhone: recipient.phone, amountWon: 500_000 }))
          .status,
      ).toBe(201);
    });

    it('holds the daily and monthly limits at their boundaries (KST days)', async () => {
      const operatorId = 'test-operator';
      const from = new Date(t.clock.now().getTime() + 1);
      for (const [key, value] of [
        ['transfer_per_send_cap_won', 20_000],
        ['transfer_daily_cap_won', 30_000],
        ['transfer_monthly_cap_won', 50_000],
      ] as const) {
        await t.platform.policy.createRule(tenantId, operatorId, { key, value, effectiveFrom: from });
      }
      t.clock.set('2021-05-13T14:00:00Z');
      const sender = await member(100_000);
      const recipient = await member();
      const send = (amountWon: number) =>
        sender.post('/v1/me/transfers', { recipientPhone: recipient.phone, amountWon });
      expect((await send(20_000)).status).toBe(201);
      expect((await send(10_000)).status).toBe(201);
      expect((await send(1)).body).toMatchObject({
        code: 'TRANSFER_LIMIT_EXCEEDED',
        limit: 'daily',
        remainingWon: 0,
      });
      t.clock.set('2021-05-13T15:00:00Z');
      expect((await send(20_000)).status).toBe(201);
      expect((await send(1)).body).toMatchObject({
        code: 'TRANSFER_LIMIT_EXCEEDED',
        limit: 'monthly',
        remainingWon: 0,
      });
      t.clock.set('2021-05-31T15:00:00Z');
      expect((await send(1)).status).toBe(201);
    });

    it('refuses an acceptance that would take the recipient past the ₩2,000,000 holding cap', async () => {
      const sender = await member(300_000);
      const recipient = await member(500_000);
      for (const month of ['2021-06-01T00:00:00Z', '2021-07-01T00:00:00Z']) {
        t.clock.set(month);
        expect((await recipient.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
      }
      t.clock.set('2021-08-01T00:00:00Z');
      expect((await recipient.post('/v1/me/charges', { amountWon: 300_000 })).status).toBe(201);
      const fits = await sender.post('/v1/me/transfers', {
        recipientPhone: recipient.phone,
        amountWon: 200_000,
      });
      const over = await sender.post('/v1/me/transfers', { recipientPhone: recipient.phone, amountWon: 1 });
      expect((await recipient.post(`/v1/me/transfers/${fits.body.transferId}/accept`)).body.status).toBe(
        'accepted',
      );
      const refused = await recipient.post(`/v1/me/transfers/${over.body.transferId}/accept`);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'HOLDING_CAP_EXCEEDED',
        capWon: 2_000_000,
        remainingWon: 0,
      });
      expect(await wallet(recipient)).toMatchObject({ cashWon: 2_000_000 });
      expect((await recipient.post(`/v1/me/transfers/${over.body.transferId}/decline`)).body.status).toBe(
        'declined',
      );
      expect(await wallet(sender)).toMatchObject({ cashWon: 100_000 });
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('frees the limit again when a transfer is declined', async () => {
      const sender = await member(500_000);
      const recipient = await member();
      for (let sent = 0; sent < 4; sent += 1) {
        const transfer = await sender.post('/v1/me/transfers', {
          recipientPhone: recipient.phone,
          amountWon: 100_000,
        });
        expect(transfer.status).toBe(201);
        if (sent === 0) await recipient.post(`/v1/me/transfers/${transfer.body.transferId}/decline`);
      }
      expect(await wallet(sender)).toMatchObject({ cashWon: 200_000 });
    });

    it('names the recipient to the sender only as the lookup does (김*밭), in every answer and state', async () => {
      // QA's report: a shop owner sends ₩1 to the demo citizen's phone and cancels it at once.
      const shopOwner = await demoClient(t.app, tenantId, 'cafe');
      expect((await shopOwner.post('/v1/me/charges', { amountWon: 10_000 })).status).toBe(201);
      const citizen = await demoClient(t.app, tenantId, 'citizen');
      const citizenPhone = DEMO_CREDENTIALS.citizen.phone;
      const masked = { counterpartName: '김*밭', counterpartPhoneMasked: '010-****-1111' };
      const lookup = await shopOwner.get(`/v1/me/transfer-recipient?phone=${citizenPhone}`);
      expect(lookup.body).toEqual({ nameMasked: '김*밭', phoneMasked: '010-****-1111' });

      const send = (amountWon: number, key?: string) => {
        t.clock.advanceMs(1_000); // one after the other, so the outgoing list has one order
        return shopOwner.post('/v1/me/transfers', { recipientPhone: citizenPhone, amountWon }, key);
      };
      const cancelled = await send(1, 'masked-send-1');
      expect(cancelled.status).toBe(201);
      expect(cancelled.body).toMatchObject({ direction: 'outgoing', status: 'pending', ...masked });
      // A retry with the key answers the same masked transfer.
      expect((await send(1, 'masked-send-1')).body).toEqual(cancelled.body);
      const cancel = await shopOwner.post(`/v1/me/transfers/${cancelled.body.transferId}/cancel`);
      expect(cancel.body).toMatchObject({ status: 'cancelled', ...masked });

      const accepted = await send(2);
      const acceptedByCitizen = await citizen.post(`/v1/me/transfers/${accepted.body.transferId}/accept`);
      // The recipient sees the sender's name: the sender chose to send.
      expect(acceptedByCitizen.body).toMatchObject({
        direction: 'incoming',
        status: 'accepted',
        counterpartName: DEMO_CREDENTIALS.cafe.name,
      });
      const declined = await send(3);
      await citizen.post(`/v1/me/transfers/${declined.body.transferId}/decline`);
      await send(4);
      const expired = await send(5);
      t.clock.advanceMs(3 * DAY_MS);
      await t.platform.scheduler.tick([tenantId]);
      const pending = await send(6);

      const outgoing = (await shopOwner.get('/v1/me/transfers?direction=outgoing')).body.items;
      expect(outgoing.map((item: { status: string }) => item.status)).toEqual([
        'pending',
        'expired',
        'expired',
        'declined',
        'accepted',
        'cancelled',
      ]);
      for (const item of outgoing) expect(item).toMatchObject(masked);
      expect(outgoing[0].transferId).toBe(pending.body.transferId);
      expect(outgoing[1].transferId).toBe(expired.body.transferId);

      const lines: Array<{ type: string; details: { counterpart: unknown } }> = (
        await shopOwner.get('/v1/me/transactions?type=transfer_sent,transfer_returned&limit=100')
      ).body.items;
      expect(lines.filter((line) => line.type === 'transfer_sent')).toHaveLength(6);
      expect(lines.filter((line) => line.type === 'transfer_returned')).toHaveLength(4);
      for (const line of lines)
        expect(line.details.counterpart).toEqual({ name: '김*밭', phoneMasked: '010-****-1111' });
      expect(
        JSON.stringify([lines, outgoing, cancelled.body, cancel.body, accepted.body, declined.body]),
      ).not.toContain(DEMO_CREDENTIALS.citizen.name);

      const incoming = (await citizen.get('/v1/me/transfers?direction=incoming')).body.items;
      for (const item of incoming) expect(item.counterpartName).toBe(DEMO_CREDENTIALS.cafe.name);
      const received = (await citizen.get('/v1/me/transactions?type=transfer_received')).body.items;
      expect(received[0].details.counterpart).toMatchObject({ name: DEMO_CREDENTIALS.cafe.name });
    });

    it("masks the recipient's name on the sender's history lines stored before names were masked", async () => {
      const sender = await member(10_000);
      const recipient = await member(0, { name: '김한밭' });
      const senderId = (await sender.get('/v1/me')).body.memberId as string;
      const recipientId = (await recipient.get('/v1/me')).body.memberId as string;
      const line = (
        type: 'transfer_sent' | 'transfer_returned',
        referenceId: string,
        details: Record<string, unknown>,
      ) => ({
        tenantId,
        memberId: senderId,
        at: t.clock.now(),
        type,
        month: '2021-05',
        amountWon: 0,
        referenceId,
        details,
      });
      const fullName = { name: '김한밭', phoneMasked: `010-****-${recipient.phone.slice(-4)}` };
      await t.platform.db.transaction(async (tx) => {
        // As lines were written with the counterpart's name, and before that with both members' ids.
        await recordActivity(tx, line('transfer_sent', 'trf_old_1', { counterpart: fullName, message: '' }));
        await recordActivity(
          tx,
          line('transfer_returned', 'trf_old_1', { counterpart: fullName, message: '' }),
        );
        await recordActivity(tx, line('transfer_sent', 'trf_old_2', { senderId, recipientId }));
      });
      const lines: Array<{ details: { counterpart: unknown } }> = (
        await sender.get('/v1/me/transactions?type=transfer_sent,transfer_returned')
      ).body.items;
      expect(lines).toHaveLength(3);
      for (const stored of lines) expect(stored.details.counterpart).toEqual({ ...fullName, name: '김*밭' });
    });
  });

  describe('balance refunds (환불)', () => {
    it('refunds the whole rest within 7 days of a charge, explaining the rule', async () => {
      const citizen = await member(100_000);
      await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 10_000 });
      t.clock.advanceMs(7 * DAY_MS - 1);
      const refund = await citizen.post('/v1/me/refunds');
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject({
        amountWon: 90_000,
        status: 'paid',
        rule: { code: 'WITHIN_FULL_REFUND_WINDOW' },
      });
      expect(refund.body.wallet).toMatchObject({ cashWon: 0, cashbackWon: 1_000 });
      const bankAccount = await t.platform.members.bankAccountOf(
        tenantId,
        (await t.platform.members.findByPhone(tenantId, citizen.phone))?.id ?? '',
      );
      expect(t.bank.balanceOf(bankAccount)).toBe(10_000_000 - 100_000 + 90_000);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('after 7 days refuses at 59.99% used and refunds at 60%', async () => {
      const almost = await member(100_000);
      await almost.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 59_990 });
      const enough = await member(100_000);
      await enough.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 60_000 });
      t.clock.advanceMs(7 * DAY_MS);
      const refused = await almost.post('/v1/me/refunds');
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'REFUND_NOT_ALLOWED',
        rule: { code: 'USED_TOO_LITTLE', usedBp: 5_999 },
      });
      expect(await wallet(almost)).toMatchObject({ cashWon: 40_010 });
      const refunded = await enough.post('/v1/me/refunds');
      expect(refunded.body).toMatchObject({
        amountWon: 40_000,
        rule: { code: 'USED_ENOUGH', usedBp: 6_000 },
      });
      expect(await wallet(enough)).toMatchObject({ cashWon: 0, cashbackWon: 6_000 });
    });

    it('returns the money to the wallet when the bank payout fails, and retries a lost answer once', async () => {
      const citizen = await member(50_000);
      t.bank.injectFaults('fail');
      const failed = await citizen.post('/v1/me/refunds');
      expect(failed.status).toBe(502);
      expect(failed.body.code).toBe('REFUND_PAYOUT_FAILED');
      expect(await wallet(citizen)).toMatchObject({ cashWon: 50_000 });
      // The money left the wallet while the bank was asked and came back when it refused: both are lines.
      expect(await history(citizen)).toEqual({
        lines: [
          ['charge', 50_000],
          ['refund', -50_000],
          ['refund_returned', 50_000],
        ],
        addsUp: true,
      });
      t.bank.injectFaults('lost_response');
      const pending = await citizen.post('/v1/me/refunds');
      expect(pending.status).toBe(202);
      expect(await wallet(citizen)).toMatchObject({ cashWon: 0 });
      // Pending at the bank: the history already shows the money held for it.
      expect((await history(citizen)).lines.at(-1)).toEqual(['refund', -50_000]);
      expect((await history(citizen)).addsUp).toBe(true);
      t.clock.advanceMs(60_000);
      await t.platform.scheduler.tick([tenantId]);
      // Paid by reconciliation: the line stands, none is added twice.
      expect(await history(citizen)).toMatchObject({ addsUp: true });
      expect((await history(citizen)).lines).toHaveLength(4);
      const refunds = (await citizen.get('/v1/me/refunds')).body.items;
      const reconciled = refunds.find(
        (refund: { refundId: string }) => refund.refundId === pending.body.refundId,
      );
      expect(reconciled).toMatchObject({ status: 'paid', amountWon: 50_000 });
      expect(refunds).toHaveLength(2);
      await expectLedgerAuditGreen(t.platform, tenantId);
    });

    it('refuses when there is nothing to refund', async () => {
      const citizen = await member();
      const refused = await citizen.post('/v1/me/refunds');
      expect(refused.body).toMatchObject({ code: 'REFUND_NOT_ALLOWED', rule: { code: 'NOTHING_TO_REFUND' } });
    });
  });
});
