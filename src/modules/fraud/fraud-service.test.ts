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
import { DEMO_CREDENTIALS } from '../../presets/daejeon.js';

describe.each(databaseKinds())('fraud cases and actions on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let operator: ApiClient;
  let citizen: ApiClient;
  let owner: ApiClient;
  let cafeCode: string;
  let paymentId: string;
  let cashbackWon: number;
  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    operator = await demoClient(t.app, tenantId, 'operator');
    owner = await demoClient(t.app, tenantId, 'cafe');
    cafeCode = (await demoMerchantCode(t.platform, tenantId, 'cafe')).merchantCode;
    citizen = await newMember(t.app, tenantId, '010-7716-0001');
    expect((await citizen.post('/v1/me/charges', { amountWon: 500_000 })).status).toBe(201);
    const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 400_000 });
    expect(paid.status).toBe(201);
    paymentId = paid.body.paymentId;
    cashbackWon = paid.body.cashback.amountWon;
    expect(cashbackWon).toBeGreaterThan(0);
    // The round trip: the cafe's owner sends most of it back to the payer.
    expect((await owner.post('/v1/me/charges', { amountWon: 400_000 })).status).toBe(201);
    t.clock.advanceMs(3 * 3_600_000);
    const back = await owner.post('/v1/me/transfers', {
      recipientPhone: '010-7716-0001',
      amountWon: 360_000,
    });
    expect(back.status).toBe(201);
    await t.platform.fraud.catchUp(tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  it('raises a round-trip alert that names the payment, the transfer and the cycle in Korean and English', async () => {
    const queue = await operator.get('/v1/operator/fraud/alerts?status=open&rule=round_trip');
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const alert = queue.body.items[0];
    expect(alert.evidence.paymentIds).toEqual([paymentId]);
    expect(
      alert.evidence.cycle.map((e: { kind: string; amountWon: number }) => [e.kind, e.amountWon]),
    ).toEqual([
      ['payment', 400_000],
      ['transfer', 360_000],
    ]);
    expect(alert.explanation.ko).toContain('₩400,000');
    expect(alert.explanation.en).toContain('sent ₩360,000');
    expect(alert.score).toBeGreaterThanOrEqual(50);
    const one = await operator.get(`/v1/operator/fraud/alerts/${alert.alertId}`);
    expect(one.body).toEqual(alert);
    expect((await operator.get('/v1/operator/fraud/alerts/falt_nope')).status).toBe(404);
  });

  it('refuses bad decisions without changing anything, then confirms with freeze and claw back', async () => {
    const [alert] = (await operator.get('/v1/operator/fraud/alerts?rule=round_trip')).body.items;
    const opened = await operator.post('/v1/operator/fraud/cases', {
      alertIds: [alert.alertId],
      assignee: 'inspector-1',
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId;
    expect(opened.body.evidence[0].alertId).toBe(alert.alertId);
    expect((await operator.post('/v1/operator/fraud/cases', { alertIds: [alert.alertId] })).body.code).toBe(
      'FRAUD_ALERT_NOT_OPEN',
    );
    const dismissWithActions = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'dismissed',
      reason: 'x',
      actions: ['freeze_member'],
    });
    expect(dismissWithActions.status).toBe(400);
    // A reason or note that shows nothing (spaces, a zero-width space, a Hangul filler) is no reason.
    for (const blank of ['   ', '\u200b', '\u3164']) {
      const refused = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
        decision: 'dismissed',
        reason: blank,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
      const note = await operator.post(`/v1/operator/fraud/cases/${caseId}/notes`, { text: blank });
      expect(note.status).toBe(400);
    }
    expect((await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body).toMatchObject({
      status: 'open',
      notes: [],
    });
    expect(
      (
        await operator.post('/v1/operator/fraud/cases/fcase_nope/decision', {
          decision: 'dismissed',
          reason: 'x',
        })
      ).status,
    ).toBe(404);

    const walletBefore = (await citizen.get('/v1/me/wallet')).body;
    const confirmed = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: '카페 대표가 결제액의 90%를 되돌려 보냄',
      actions: ['freeze_member', 'claw_back'],
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(confirmed.body.effects.clawbacks).toEqual([
      { paymentId, memberId: alert.memberId, owedWon: cashbackWon, clawedWon: cashbackWon, receivableWon: 0 },
    ]);
    expect(confirmed.body.effects.freezes).toHaveLength(1);
    const walletAfter = (await citizen.get('/v1/me/wallet')).body;
    expect(walletAfter.cashbackWon).toBe(walletBefore.cashbackWon - cashbackWon);
    await expectLedgerAuditGreen(t.platform, tenantId);
    // The history still adds up to the wallet: the claw-back is a line of its own, with a proof.
    const history = (await citizen.get('/v1/me/transactions?limit=100')).body.items;
    const [line] = history.filter((item: { type: string }) => item.type === 'cashback_clawed_back');
    expect(line).toMatchObject({
      amountWon: -cashbackWon,
      details: { payments: [{ paymentId, clawedWon: cashbackWon }] },
    });
    expect(history.reduce((sum: number, item: { amountWon: number }) => sum + item.amountWon, 0)).toBe(
      walletAfter.totalWon,
    );
    const filtered = await citizen.get('/v1/me/transactions?type=cashback_clawed_back');
    expect(filtered.body.items).toEqual([line]);
    const proof = await citizen.get(`/v1/me/transactions/${line.referenceId}/proof`);
    expect(proof.status, JSON.stringify(proof.body)).toBe(200);
    expect(proof.body.transactionId).toBe(line.referenceId);

    const refused = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 1_000 });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCOUNT_FROZEN');
    expect(refused.body.messages.ko).toContain('이의신청');
    expect(refused.body.messages.en).toContain('To appeal');
    expect(
      (
        await citizen.post('/v1/me/transfers', {
          recipientPhone: DEMO_CREDENTIALS.citizen.phone,
          amountWon: 1_000,
        })
      ).body.code,
    ).toBe('ACCOUNT_FROZEN');

    const caseBefore = (await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body;
    const actionsBefore = await t.platform.operatorActions.list(tenantId, 200);
    const again = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'dismissed',
      reason: 'changed my mind',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FRAUD_CASE_CLOSED');
    // Nothing changed: the case keeps its decision and effects, no action is recorded, no money moved.
    expect((await operator.get(`/v1/operator/fraud/cases/${caseId}`)).body).toEqual(caseBefore);
    expect(await t.platform.operatorActions.list(tenantId, 200)).toEqual(actionsBefore);
    expect((await citizen.get('/v1/me/wallet')).body).toEqual(walletAfter);
    await expectLedgerAuditGreen(t.platform, tenantId);

    const actions = await t.platform.operatorActions.list(tenantId, 50);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'fraud.case_open',
        'fraud.freeze_member',
        'fraud.claw_back',
        'fraud.case_confirm',
      ]),
    );

    const freezeId = confirmed.body.effects.freezes[0].freezeId;
    const blankRelease = await operator.post(`/v1/operator/fraud/freezes/${freezeId}/release`, {
      reason: ' ',
    });
    expect(blankRelease.status).toBe(400);
    expect(
      (await operator.post(`/v1/operator/fraud/freezes/${freezeId}/release`, { reason: 'appeal upheld' }))
        .status,
    ).toBe(200);
    expect((await operator.post(`/v1/operator/fraud/freezes/${freezeId}/release`, {})).body.code).toBe(
      'FRAUD_FREEZE_RELEASED',
    );
    expect((await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 1_000 })).status).toBe(
      201,
    );
  });

  it('refuses to claw back the same payment twice, changing nothing', async () => {
    // A second loop through the same payment: a new alert whose evidence names it again.
    t.clock.advanceMs(3_600_000);
    expect((await owner.post('/v1/me/charges', { amountWon: 100_000 })).status).toBe(201);
    expect(
      (await owner.post('/v1/me/transfers', { recipientPhone: '010-7716-0001', amountWon: 130_000 })).status,
    ).toBe(201);
    await t.platform.fraud.catchUp(tenantId);
    const [alert] = (await operator.get('/v1/operator/fraud/alerts?status=open&rule=round_trip')).body.items;
    expect(alert.evidence.paymentIds).toContain(paymentId);
    const caseId = (await operator.post('/v1/operator/fraud/cases', { alertIds: [alert.alertId] })).body
      .caseId;
    const walletBefore = (await citizen.get('/v1/me/wallet')).body;
    const freezesBefore = (await operator.get('/v1/operator/fraud/freezes')).body.items;
    const twice = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: 'again',
      actions: ['freeze_merchant', 'claw_back'],
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('FRAUD_ALREADY_CLAWED_BACK');
    expect((await citizen.get('/v1/me/wallet')).body).toEqual(walletBefore);
    expect((await operator.get('/v1/operator/fraud/freezes')).body.items).toEqual(freezesBefore);
    const unchanged = await operator.get(`/v1/operator/fraud/cases/${caseId}`);
    expect(unchanged.body.status).toBe('open');
    expect(unchanged.body.effects.freezes).toEqual([]);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('claws back a new payment of a member flagged again, skipping the one an earlier case clawed back', async () => {
    const paid = await citizen.post('/v1/me/payments', { merchantCode: cafeCode, amountWon: 20_000 });
    expect(paid.status).toBe(201);
    const newCashbackWon = paid.body.cashback.amountWon as number;
    expect(newCashbackWon).toBeGreaterThan(0);
    const memberId = (await t.platform.members.findByPhone(tenantId, '010-7716-0001'))?.id;
    // An alert naming the payment clawed back above and the new one (the fraud module's own table).
    await t.db.query(
      `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
         explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
       values ($1, 'falt_again0000000001', 'repeated_pair', 'pair', 'pair-again', $2, null, null, 60, 'open', '시험', 'test', $3, now(), now())`,
      [
        tenantId,
        memberId,
        JSON.stringify({ paymentIds: [paymentId, paid.body.paymentId], transferIds: [], cycle: null }),
      ],
    );
    const caseId = (await operator.post('/v1/operator/fraud/cases', { alertIds: ['falt_again0000000001'] }))
      .body.caseId;
    const walletBefore = (await citizen.get('/v1/me/wallet')).body;
    const confirmed = await operator.post(`/v1/operator/fraud/cases/${caseId}/decision`, {
      decision: 'confirmed',
      reason: '다시 적발',
      actions: ['claw_back'],
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.effects.clawbacks).toEqual([
      {
        paymentId: paid.body.paymentId,
        memberId,
        owedWon: newCashbackWon,
        clawedWon: newCashbackWon,
        receivableWon: 0,
      },
    ]);
    expect((await citizen.get('/v1/me/wallet')).body.cashbackWon).toBe(
      walletBefore.cashbackWon - newCashbackWon,
    );
    await expectLedgerAuditGreen(t.platform, tenantId);
  });

  it('reads its thresholds as policy rule values set through the policy rule routes', async () => {
    const at = t.clock.now();
    expect((await t.platform.fraud.thresholdsAt(tenantId, at)).fraud_cycle_edge_min_won).toBe(100_000);
    const set = await operator.post('/v1/operator/policies/rules', {
      key: 'fraud_cycle_edge_min_won',
      value: 500_000,
      effectiveFrom: at.toISOString(),
    });
    expect(set.status).toBe(201);
    expect((await t.platform.fraud.thresholdsAt(tenantId, at)).fraud_cycle_edge_min_won).toBe(500_000);
  });
});
