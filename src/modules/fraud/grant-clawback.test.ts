import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/databases.js';
import {
  type ApiClient,
  demoClient,
  demoMerchantCode,
  expectLedgerAuditGreen,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';

const PHONE = '010-7716-0101';
const GRANT_WON = 300_000;

describe.each(databaseKinds())('clawing back programme grants and refusing bad actions on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let member: ApiClient;
  let programId: string;
  let paymentId: string;

  const balanceOf = async (accountId: string) =>
    (await t.platform.ledger.lockAccounts(t.platform.db, tenantId, [accountId]))[0]?.availableWon ?? 0;

  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    member = await newMember(t.app, tenantId, PHONE);
    const program = await operator.post('/v1/operator/programs', {
      name: '긴급재난생계지원금 (시험)',
      budgetWon: 10_000_000,
      nationalShareBp: 8000,
      recipientAmountWon: GRANT_WON,
      usableFrom: new Date(t.clock.now().getTime() - 86_400_000).toISOString(),
      expiresAt: new Date(t.clock.now().getTime() + 90 * 86_400_000).toISOString(),
      allowedDistricts: ['dong-gu', 'jung-gu'],
    });
    expect(program.status).toBe(201);
    programId = program.body.id;
    const csv = `phone,memberId,amountWon\r\n${PHONE},,\r\n`;
    const imported = await operator.request('POST', `/v1/operator/programs/${programId}/recipients`, csv, {
      'content-type': 'text/csv',
    });
    expect(imported.body).toMatchObject({ imported: true });
    expect((await operator.post(`/v1/operator/programs/${programId}/disbursements`)).status).toBe(202);
    await t.platform.programs.idle();

    // The '깡': the grant and some cash spent at a market stall whose owner sends most of it back.
    const { merchantCode } = await demoMerchantCode(t.platform, tenantId, 'marketStore');
    expect((await member.post('/v1/me/charges', { amountWon: 200_000 })).status).toBe(201);
    const paid = await member.post('/v1/me/payments', { merchantCode, amountWon: 400_000 });
    expect(paid.status).toBe(201);
    expect(paid.body.paidFrom.grantWon).toBe(GRANT_WON);
    paymentId = paid.body.paymentId;
    const owner = await demoClient(t.app, tenantId, 'marketStore');
    expect((await owner.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    t.clock.advanceMs(3_600_000);
    expect((await owner.post('/v1/me/transfers', { recipientPhone: PHONE, amountWon: 350_000 })).status).toBe(
      201,
    );
    await t.platform.fraud.catchUp(tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  it('claws the grant money back from the merchant to the programme pool, once', async () => {
    const [alert] = (await operator.get('/v1/operator/fraud/alerts?status=open&rule=round_trip')).body.items;
    expect(alert.evidence.paymentIds).toEqual([paymentId]);
    const caseId = (await operator.post('/v1/operator/fraud/cases', { alertIds: [alert.alertId] })).body
      .caseId;
    const merchant = await t.platform.merchants.getById(tenantId, alert.merchantId);
    const receivableId = merchant?.receivableAccountId as string;
    const pool = `${programId}:pool`;
    const [receivableBefore, poolBefore] = [await balanceOf(receivableId), await balanceOf(pool)];

    const confirmed = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: '정책자금을 결제한 뒤 대표가 되돌려 보냄',
      actions: ['claw_back', 'hold_settlement'],
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.effects.grantClawbacks).toEqual([
      {
        paymentId,
        merchantId: alert.merchantId,
        programId,
        owedWon: GRANT_WON,
        clawedWon: GRANT_WON,
        receivableWon: 0,
      },
    ]);
    expect(confirmed.body.names[alert.merchantId]).toBe('중앙시장 한밭상회');
    expect(await balanceOf(receivableId)).toBe(receivableBefore - GRANT_WON);
    expect(await balanceOf(pool)).toBe(poolBefore + GRANT_WON);
    await expectLedgerAuditGreen(t.platform, tenantId);
    const actions = (await t.platform.operatorActions.list(tenantId, 50)).map((a) => a.action);
    expect(actions).toContain('fraud.claw_back_grants');

    // The same payment again, in a new case: refused, nothing moves.
    t.clock.advanceMs(3_600_000);
    const owner = await demoClient(t.app, tenantId, 'marketStore');
    expect((await owner.post('/v1/me/transfers', { recipientPhone: PHONE, amountWon: 120_000 })).status).toBe(
      201,
    );
    await t.platform.fraud.catchUp(tenantId);
    const [again] = (await operator.get('/v1/operator/fraud/alerts?status=open&rule=round_trip')).body.items;
    const second = (await operator.post('/v1/operator/fraud/cases', { alertIds: [again.alertId] })).body
      .caseId;
    const [receivableAfter, poolAfter] = [await balanceOf(receivableId), await balanceOf(pool)];
    const twice = await operator.post(`/v1/operator/fraud/cases/${second}/decision`, {
      decision: 'confirmed',
      reason: 'again',
      actions: ['claw_back'],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('FRAUD_ALREADY_CLAWED_BACK');
    expect([await balanceOf(receivableId), await balanceOf(pool)]).toEqual([receivableAfter, poolAfter]);
    expect((await operator.get(`/v1/operator/fraud/cases/${second}`)).body.status).toBe('open');
  });

  it('refuses to freeze a party that does not exist, changing nothing', async () => {
    // An alert naming a member who is gone (its own table: the fraud module's test may write it).
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, 'falt_ghost', 'repeated_pair', 'member', 'usr_ghost', 'usr_ghost', null, null, 60, 'open',
         '유령', 'ghost', '{"paymentIds":[],"transferIds":[],"cycle":null}', now(), now())`,
      [tenantId],
    );
    const caseId = (await operator.post('/v1/operator/fraud/cases', { alertIds: ['falt_ghost'] })).body
      .caseId;
    const freezesBefore = (await operator.get('/v1/operator/fraud/freezes')).body.items;
    const refused = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: 'x',
      actions: ['freeze_member'],
    });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('FRAUD_PARTY_NOT_FOUND');
    const noMerchant = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: 'x',
      actions: ['freeze_merchant'],
    });
    expect(noMerchant.status).toBe(400);
    expect(noMerchant.body.code).toBe('FRAUD_NO_PARTY');
    expect((await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body.status).toBe('open');
    expect((await operator.get('/v1/operator/fraud/freezes')).body.items).toEqual(freezesBefore);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
