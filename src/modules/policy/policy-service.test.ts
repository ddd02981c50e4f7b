import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { DomainError } from '../../errors.js';
import { OperatorActionLog } from '../audit-trail/operator-actions.js';
import { PolicyService } from './policy-service.js';
import { DAEJEON_POLICY_PRESET, seedDaejeonPolicy } from './presets/daejeon.js';
import type { CashbackPolicyRules, CashbackSample } from './types.js';

const NOW = '2021-05-13T03:00:00Z';
const rules2021 = DAEJEON_POLICY_PRESET.policies[1]?.rules as CashbackPolicyRules;
const summerRules: CashbackPolicyRules = { ...rules2021, tiers: [{ upToWon: 500_000, rateBp: 1200 }] };

async function refusalOf(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe.each(databaseKinds())('policy service on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let actions: OperatorActionLog;
  let policy: PolicyService;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock(NOW);
    actions = new OperatorActionLog(db, clock);
    policy = new PolicyService(db, clock, actions);
    tenantId = await createTestTenant(db, clock);
    await seedDaejeonPolicy({ policy }, tenantId);
  });

  describe('the Daejeon preset', () => {
    it('installs once: a second run adds nothing', async () => {
      expect(await seedDaejeonPolicy({ policy }, tenantId)).toEqual({ added: [] });
      expect((await policy.listPolicies(tenantId)).map((item) => item.id)).toEqual([
        'cbp_daejeon_2021',
        'cbp_daejeon_2020',
      ]);
      expect(await policy.listRules(tenantId)).toHaveLength(DAEJEON_POLICY_PRESET.rules.length);
    });

    it('skips a preset rule whose start is taken, in the table or earlier in the same preset, in order', async () => {
      const from = new Date('2030-01-01T00:00:00+09:00');
      const rule = (id: string, value: number, effectiveFrom = from) => ({
        id,
        key: 'holding_cap_won' as const,
        value,
        effectiveFrom,
      });
      const outcome = await policy.installPreset(tenantId, {
        name: 'overlap',
        rules: [
          rule('rul_overlap_first', 2_000_000),
          rule('rul_overlap_same_start', 3_000_000),
          rule('rul_daejeon_holding_cap', 4_000_000, new Date('2031-01-01T00:00:00+09:00')),
          rule('rul_overlap_later', 5_000_000, new Date('2032-01-01T00:00:00+09:00')),
        ],
        policies: [],
      });
      expect(outcome).toEqual({ added: ['rul_overlap_first', 'rul_overlap_later'] });
      expect(await policy.ruleValue(tenantId, 'holding_cap_won', new Date('2030-06-01T00:00:00Z'))).toBe(
        2_000_000,
      );
      expect(await policy.ruleValue(tenantId, 'holding_cap_won', new Date('2032-06-01T00:00:00Z'))).toBe(
        5_000_000,
      );
    });

    it.each([
      ['on 2021-03-31 KST (a second before KST midnight)', '2021-03-31T14:59:59Z', 1_000_000],
      ['at 2021-04-01 00:00 KST', '2021-03-31T15:00:00Z', 500_000],
      ['on 2020-05-01 00:00 KST, the first day', '2020-04-30T15:00:00Z', 1_000_000],
      ['on 2021-05-13', NOW, 500_000],
    ])('has a monthly charge cap %s of the preset value', async (_name, at, capWon) => {
      expect(await policy.ruleValue(tenantId, 'charge_monthly_cap_won', new Date(at))).toBe(capWon);
    });

    it('gives the other rule values in force now', async () => {
      const inForce = await policy.rulesInForce(tenantId, clock.now());
      expect(Object.fromEntries(inForce.map((rule) => [rule.key, rule.value]))).toEqual({
        charge_monthly_cap_won: 500_000,
        holding_cap_won: 2_000_000,
        payment_cancel_window_days: 30,
        payment_code_ttl_seconds: 60,
        member_min_age_years: 14,
        auto_charge_unit_won: 10_000,
        transfer_per_send_cap_won: 500_000,
        transfer_daily_cap_won: 2_000_000,
        transfer_monthly_cap_won: 5_000_000,
        transfer_accept_window_hours: 72,
        refund_full_window_days: 7,
        refund_min_used_bp: 6_000,
        public_funding_per_request_max_won: 1_000_000_000_000,
        payment_pin_attempts_max: 5,
        payment_pin_lockout_minutes: 30,
        sign_in_lockout_failures: 5,
        sign_in_lockout_base_seconds: 30,
        sign_in_lockout_max_seconds: 3_600,
        sign_in_address_failures_max: 50,
        self_dealing_payment_refused: 0,
      });
    });

    it('refuses a rule with no value at that time as a 503 configuration fault', async () => {
      const error = await refusalOf(
        policy.ruleValue(tenantId, 'holding_cap_won', new Date('2020-04-30T14:59:59Z')),
      );
      expect(error).toMatchObject({ code: 'RULE_NOT_CONFIGURED', httpStatus: 503 });
    });

    it.each([
      ['a second before 2020-08-01 KST: none', '2020-07-31T14:59:59Z', null],
      ['at 2020-08-01 00:00 KST: the 2020 version', '2020-07-31T15:00:00Z', 'cbp_daejeon_2020'],
      ['a second before 2021-01-01 KST: the 2020 version', '2020-12-31T14:59:59Z', 'cbp_daejeon_2020'],
      ['at 2021-01-01 00:00 KST: the 2021 version', '2020-12-31T15:00:00Z', 'cbp_daejeon_2021'],
    ])('selects the cashback policy %s', async (_name, at, policyId) => {
      expect((await policy.cashbackPolicyAt(tenantId, new Date(at)))?.id ?? null).toBe(policyId);
    });
  });

  describe('scheduling a cashback policy version', () => {
    const summer = {
      name: '2021 여름 캐시백 12%',
      effectiveFrom: new Date('2021-06-01T00:00:00+09:00'),
      effectiveTo: new Date('2021-07-01T00:00:00+09:00'),
      rules: summerRules,
    };

    it('overlays the base version for its period, after which the base applies again', async () => {
      const created = await policy.createPolicy(tenantId, 'usr_admin', summer);
      expect(created.id).toMatch(/^cbp_[0-9a-f]{32}$/);
      const idAt = async (at: string) => (await policy.cashbackPolicyAt(tenantId, new Date(at)))?.id;
      expect(await idAt('2021-05-31T14:59:59Z')).toBe('cbp_daejeon_2021');
      expect(await idAt('2021-05-31T15:00:00Z')).toBe(created.id);
      expect(await idAt('2021-06-30T14:59:59Z')).toBe(created.id);
      expect(await idAt('2021-06-30T15:00:00Z')).toBe('cbp_daejeon_2021');
      expect((await policy.cashbackPolicyAt(tenantId, new Date('2021-06-15T00:00:00Z')))?.rules).toEqual(
        summerRules,
      );
    });

    it('records who scheduled it in the operator audit trail', async () => {
      const created = await policy.createPolicy(tenantId, 'usr_admin', summer);
      const [latest] = await actions.list(tenantId, 1);
      expect(latest).toMatchObject({
        actorUserId: 'usr_admin',
        action: 'policy.create',
        subjectType: 'cashback_policy',
        subjectId: created.id,
        details: { name: summer.name, rules: summerRules },
      });
    });

    it('accepts a version starting exactly now', async () => {
      const created = await policy.createPolicy(tenantId, 'usr_admin', {
        ...summer,
        effectiveFrom: clock.now(),
      });
      expect((await policy.cashbackPolicyAt(tenantId, clock.now()))?.id).toBe(created.id);
    });

    it('refuses a start in the past: history is never rewritten', async () => {
      const error = await refusalOf(
        policy.createPolicy(tenantId, 'usr_admin', {
          ...summer,
          effectiveFrom: new Date(clock.now().getTime() - 1000),
        }),
      );
      expect(error).toMatchObject({ code: 'EFFECTIVE_DATE_IN_PAST', httpStatus: 400 });
      expect(await policy.listPolicies(tenantId)).toHaveLength(2);
    });

    it('refuses an invalid body and writes nothing, not even to the audit trail', async () => {
      const before = await actions.list(tenantId, 100);
      const error = await refusalOf(
        policy.createPolicy(tenantId, 'usr_admin', { ...summer, rules: { ...summerRules, tiers: [] } }),
      );
      expect(error).toMatchObject({ code: 'INVALID_POLICY', message: 'tiers needs at least one tier' });
      expect(await actions.list(tenantId, 100)).toEqual(before);
      expect(await policy.listPolicies(tenantId)).toHaveLength(2);
    });

    it('refuses an end that is not after the start', async () => {
      const error = await refusalOf(
        policy.createPolicy(tenantId, 'usr_admin', { ...summer, effectiveTo: summer.effectiveFrom }),
      );
      expect(error).toMatchObject({
        code: 'INVALID_POLICY',
        message: 'effectiveTo must be after effectiveFrom',
      });
    });

    it('refuses a second version with the same start instant', async () => {
      await policy.createPolicy(tenantId, 'usr_admin', summer);
      const error = await refusalOf(policy.createPolicy(tenantId, 'usr_admin', { ...summer, name: 'again' }));
      expect(error).toMatchObject({ code: 'POLICY_PERIOD_CONFLICT', httpStatus: 409 });
    });
  });

  describe('scheduling a rule value', () => {
    const lowerCap = {
      key: 'charge_monthly_cap_won' as const,
      value: 300_000,
      effectiveFrom: new Date('2022-10-01T00:00:00+09:00'),
    };

    it('applies from its start, the earlier value until then', async () => {
      const created = await policy.createRule(tenantId, 'usr_admin', lowerCap);
      expect(created).toMatchObject({
        id: expect.stringMatching(/^rul_/),
        effectiveTo: null,
        createdBy: 'usr_admin',
      });
      expect(
        await policy.ruleValue(tenantId, 'charge_monthly_cap_won', new Date('2022-09-30T14:59:59Z')),
      ).toBe(500_000);
      expect(
        await policy.ruleValue(tenantId, 'charge_monthly_cap_won', new Date('2022-09-30T15:00:00Z')),
      ).toBe(300_000);
      const [latest] = await actions.list(tenantId, 1);
      expect(latest).toMatchObject({
        action: 'policy.rule_create',
        subjectType: 'policy_rule',
        subjectId: created.id,
      });
    });

    it('refuses a start in the past', async () => {
      const error = await refusalOf(
        policy.createRule(tenantId, 'usr_admin', {
          ...lowerCap,
          effectiveFrom: new Date('2021-05-01T00:00:00+09:00'),
        }),
      );
      expect(error.code).toBe('EFFECTIVE_DATE_IN_PAST');
    });

    it('refuses an unknown key or a negative value', async () => {
      const unknownKey = await refusalOf(
        policy.createRule(tenantId, 'usr_admin', { ...lowerCap, key: 'fee_bp' as never }),
      );
      expect(unknownKey.code).toBe('INVALID_POLICY');
      const negative = await refusalOf(policy.createRule(tenantId, 'usr_admin', { ...lowerCap, value: -1 }));
      expect(negative).toMatchObject({
        code: 'RULE_VALUE_OUT_OF_RANGE',
        details: { rule: 'charge_monthly_cap_won', min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'won' },
      });
    });
  });

  describe('previewing a draft', () => {
    const sample: CashbackSample = {
      amountWon: 100_000,
      merchant: { isTraditionalMarket: true, isBookstore: false, annualRevenueWon: 500_000_000 },
      member: { isWelfareRecipient: false },
    };

    it('quotes the sample under the policy in force now and under the draft', async () => {
      const preview = await policy.preview(tenantId, summerRules, sample);
      expect(preview.at).toEqual(clock.now());
      expect(preview.current).toMatchObject({ policyId: 'cbp_daejeon_2021', cashbackWon: 13_000 });
      expect(preview.proposed).toMatchObject({ policyId: 'draft', cashbackWon: 15_000 });
      expect(preview.proposed.rules.map((line) => line.descriptionKo)).toEqual([
        '기본 캐시백 12%',
        '전통시장 추가 3%',
      ]);
    });

    it('quotes at the sample time, with what was paid from cash and spent before', async () => {
      const preview = await policy.preview(tenantId, summerRules, {
        ...sample,
        paidFromCashWon: 80_000,
        monthEligibleSpentBeforeWon: 190_000,
        at: new Date('2020-09-10T12:00:00+09:00'),
      });
      // 2020 tiers: 10,000 at 10% + 70,000 at 5% = 4,500; traditional market 3% of 80,000 = 2,400.
      expect(preview.current).toMatchObject({
        policyId: 'cbp_daejeon_2020',
        eligibleWon: 80_000,
        cashbackWon: 6_900,
      });
      expect(preview.proposed).toMatchObject({ eligibleWon: 80_000, cashbackWon: 12_000 });
    });

    it('refuses an invalid draft or a sample paying more from cash than the payment', async () => {
      expect((await refusalOf(policy.preview(tenantId, { ...summerRules, tiers: [] }, sample))).code).toBe(
        'INVALID_POLICY',
      );
      expect(
        (await refusalOf(policy.preview(tenantId, summerRules, { ...sample, paidFromCashWon: 100_001 })))
          .code,
      ).toBe('INVALID_INPUT');
    });
  });
});
