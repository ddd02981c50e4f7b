import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { TEST_RESPONSE_CHECK } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { buildApp } from '../../http/app.js';
import { guards, type OperatorRole } from '../../http/auth.js';
import { createPlatform, type Platform } from '../../platform.js';
import { DAEJEON_POLICY_PRESET, seedDaejeonPolicy } from './presets/daejeon.js';

/** Until sessions land, a bearer token names the caller's roles: `Bearer policy_admin`, `Bearer none`. */
function withTokenRoles(platform: Platform, tenantId: () => string): Platform {
  const authenticateSession = async (token: string) => ({
    kind: 'user' as const,
    tenantId: tenantId(),
    userId: `usr_${token}`,
    sessionId: 'ses_test',
    operatorRoles: token === 'none' ? [] : [token as OperatorRole],
  });
  return {
    ...platform,
    guards: guards({
      authenticateSession,
      authenticatePosKey: async () => null,
      ownedMerchantIds: async () => [],
    }),
  };
}

const as = (role: OperatorRole | 'none') => ({ authorization: `Bearer ${role}` });

const summerRules = {
  tiers: [{ upToWon: 500_000, rateBp: 1200 }],
  extras: [
    {
      code: 'traditional_market',
      nameKo: '전통시장',
      nameEn: 'traditional market',
      when: { merchantFlag: 'traditionalMarket' },
      rateBp: 300,
    },
  ],
  promotions: [],
  merchantRevenueCapWon: 3_000_000_000,
};

describe.each(databaseKinds())('policy routes on %s', (kind) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let tenantId: string;
  let emptyTenantId: string;
  let platform: ReturnType<typeof createPlatform>;
  const clock = new ManualClock('2021-05-13T03:00:00Z');

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    platform = withTokenRoles(createPlatform(loadConfig({}), db, clock), () => tenantId);
    tenantId = await createTestTenant(db, clock);
    emptyTenantId = await createTestTenant(db, clock);
    await seedDaejeonPolicy(platform, tenantId);
    app = await buildApp(platform, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('shows anyone the cashback policy and rule values in force now, without who entered them', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/policies/current',
      headers: { 'x-tenant-id': tenantId },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.at).toBe('2021-05-13T03:00:00.000Z');
    expect(body.policy).toMatchObject({
      id: 'cbp_daejeon_2021',
      effectiveFrom: '2020-12-31T15:00:00.000Z',
      effectiveTo: null,
      rules: { tiers: [{ upToWon: 500_000, rateBp: 1000 }], merchantRevenueCapWon: 3_000_000_000 },
    });
    expect(body.policy).not.toHaveProperty('createdBy');
    expect(body.rules.map((rule: { key: string; value: number }) => [rule.key, rule.value])).toEqual([
      ['auto_charge_unit_won', 10_000],
      ['charge_monthly_cap_won', 500_000],
      ['holding_cap_won', 2_000_000],
      ['member_min_age_years', 14],
      ['payment_cancel_window_days', 30],
      ['payment_code_ttl_seconds', 60],
      ['payment_pin_attempts_max', 5],
      ['payment_pin_lockout_minutes', 30],
      ['public_funding_per_request_max_won', 1_000_000_000_000],
      ['refund_full_window_days', 7],
      ['refund_min_used_bp', 6_000],
      ['self_dealing_payment_refused', 0],
      ['sign_in_address_failures_max', 50],
      ['sign_in_lockout_base_seconds', 30],
      ['sign_in_lockout_failures', 5],
      ['sign_in_lockout_max_seconds', 3_600],
      ['transfer_accept_window_hours', 72],
      ['transfer_daily_cap_won', 2_000_000],
      ['transfer_monthly_cap_won', 5_000_000],
      ['transfer_per_send_cap_won', 500_000],
    ]);
    // The mall and delivery rates the city has not set apply from their defaults, and say so.
    expect(body.defaults).toEqual(
      expect.arrayContaining([
        { key: 'commerce_mall_cashback_bp', value: 500 },
        { key: 'commerce_delivery_cashback_bp', value: 0 },
      ]),
    );
    expect(body.rules[1]).toEqual({
      id: 'rul_daejeon_charge_cap_2021',
      key: 'charge_monthly_cap_won',
      value: 500_000,
      effectiveFrom: '2021-03-31T15:00:00.000Z',
      effectiveTo: null,
      createdAt: '2021-05-13T03:00:00.000Z',
    });
  });

  it("never shows the fraud detectors' thresholds, which the city sets like any rule", async () => {
    const city = await createTestTenant(db, clock);
    await platform.policy.createRule(city, 'usr_test', {
      key: 'fraud_high_value_won',
      value: 700_000,
      effectiveFrom: clock.now(),
    });
    const body = (
      await app.inject({ method: 'GET', url: '/v1/policies/current', headers: { 'x-tenant-id': city } })
    ).json();
    expect(JSON.stringify(body)).not.toContain('fraud_');
    expect(await platform.policy.ruleValue(city, 'fraud_high_value_won', clock.now())).toBe(700_000);
  });

  it('refuses a lower bound set above its upper bound in force then, and the reverse', async () => {
    const city = await createTestTenant(db, clock);
    await seedDaejeonPolicy(platform, city);
    const from = new Date(clock.now().getTime() + 60_000);
    const rule = (key: 'sign_in_lockout_base_seconds' | 'sign_in_lockout_max_seconds', value: number) =>
      platform.policy.createRule(city, 'usr_test', { key, value, effectiveFrom: from });
    await expect(rule('sign_in_lockout_base_seconds', 7_200)).rejects.toMatchObject({
      code: 'RULE_VALUE_OUT_OF_RANGE',
      details: { max: 3_600, unit: 'seconds' },
    });
    await expect(rule('sign_in_lockout_max_seconds', 10)).rejects.toMatchObject({
      code: 'RULE_VALUE_OUT_OF_RANGE',
      details: { min: 30 },
    });
    expect((await rule('sign_in_lockout_base_seconds', 60)).value).toBe(60);
    expect(await platform.policy.ruleValue(city, 'sign_in_lockout_max_seconds', from)).toBe(3_600);
  });

  it('answers a tenant without a policy with null and no rules', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/policies/current',
      headers: { 'x-tenant-id': emptyTenantId },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ policy: null, rules: [] });
  });

  it('refuses the operator routes without signing in', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/operator/policies' });
    expect(list.statusCode).toBe(401);
    expect(list.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const rule = await app.inject({
      method: 'POST',
      url: '/v1/operator/policies/rules',
      payload: { key: 'holding_cap_won', value: 1, effectiveFrom: '2030-01-01T00:00:00Z' },
    });
    expect(rule.statusCode).toBe(401);
  });

  it('lists the operator routes in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/policies/current',
        '/v1/operator/policies',
        '/v1/operator/policies/rules',
        '/v1/operator/policies/preview',
      ]),
    );
  });

  describe('operator routes', () => {
    const summer = {
      name: '2021 여름 캐시백 12%',
      effectiveFrom: '2021-06-01T00:00:00+09:00',
      effectiveTo: '2021-07-01T00:00:00+09:00',
      rules: summerRules,
    };

    it('lets a policy admin schedule a version, and shows it first in the list', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/v1/operator/policies',
        headers: as('policy_admin'),
        payload: summer,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        id: expect.stringMatching(/^cbp_/),
        effectiveFrom: '2021-05-31T15:00:00.000Z',
        effectiveTo: '2021-06-30T15:00:00.000Z',
        rules: summerRules,
        createdBy: 'usr_policy_admin',
      });
      const list = await app.inject({ method: 'GET', url: '/v1/operator/policies', headers: as('auditor') });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((item: { id: string }) => item.id)).toEqual([
        created.json().id,
        'cbp_daejeon_2021',
        'cbp_daejeon_2020',
      ]);
      expect(list.json().rules).toHaveLength(DAEJEON_POLICY_PRESET.rules.length);
    });

    it('refuses an auditor or a plain member a write', async () => {
      for (const role of ['auditor', 'none'] as const) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/operator/policies',
          headers: as(role),
          payload: summer,
        });
        expect(response.statusCode).toBe(403);
      }
    });

    it('answers a past start with EFFECTIVE_DATE_IN_PAST and a bad body with INVALID_POLICY', async () => {
      const past = await app.inject({
        method: 'POST',
        url: '/v1/operator/policies',
        headers: as('policy_admin'),
        payload: { ...summer, effectiveFrom: '2021-05-01T00:00:00+09:00' },
      });
      expect(past.statusCode).toBe(400);
      expect(past.json()).toMatchObject({ code: 'EFFECTIVE_DATE_IN_PAST' });
      const unordered = await app.inject({
        method: 'POST',
        url: '/v1/operator/policies',
        headers: as('policy_admin'),
        payload: {
          ...summer,
          effectiveFrom: '2021-08-01T00:00:00+09:00',
          rules: {
            ...summerRules,
            tiers: [
              { upToWon: 500_000, rateBp: 1000 },
              { upToWon: 200_000, rateBp: 500 },
            ],
          },
        },
      });
      expect(unordered.statusCode).toBe(400);
      expect(unordered.json()).toMatchObject({
        code: 'INVALID_POLICY',
        detail: expect.stringMatching(/tiers\[1\]/),
      });
    });

    it('schedules a rule value', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/operator/policies/rules',
        headers: as('policy_admin'),
        payload: {
          key: 'charge_monthly_cap_won',
          value: 300_000,
          effectiveFrom: '2022-10-01T00:00:00+09:00',
        },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        key: 'charge_monthly_cap_won',
        value: 300_000,
        effectiveFrom: '2022-09-30T15:00:00.000Z',
        effectiveTo: null,
      });
    });

    const post = (url: string, payload: unknown) =>
      app.inject({ method: 'POST', url, headers: as('policy_admin'), payload: payload as object });
    const sample = {
      amountWon: 100_000,
      merchant: { isTraditionalMarket: true, isBookstore: false, annualRevenueWon: 500_000_000 },
      member: { isWelfareRecipient: false },
    };
    const extra = summerRules.extras[0] as (typeof summerRules.extras)[number];

    it.each<[string, string, unknown]>([
      [
        'a misspelt effective_to on a rule',
        '/v1/operator/policies/rules',
        {
          key: 'charge_monthly_cap_won',
          value: 700_000,
          effectiveFrom: '2027-05-01T00:00:00+09:00',
          effective_to: '2027-06-01T00:00:00+09:00',
        },
      ],
      [
        'a misspelt effective_to on a policy',
        '/v1/operator/policies',
        { ...summer, effective_to: '2027-06-01T00:00:00+09:00' },
      ],
      [
        'an unknown field in a tier',
        '/v1/operator/policies',
        { ...summer, rules: { ...summerRules, tiers: [{ upToWon: 500_000, rateBp: 1200, upTo: 1 }] } },
      ],
      [
        'an unknown field in an extra',
        '/v1/operator/policies',
        { ...summer, rules: { ...summerRules, extras: [{ ...extra, until: '2027-01-01' }] } },
      ],
      [
        'an unknown field in an extra condition',
        '/v1/operator/policies',
        {
          ...summer,
          rules: {
            ...summerRules,
            extras: [{ ...extra, when: { merchantFlag: 'bookstore', memberFlag: 'welfareRecipient' } }],
          },
        },
      ],
      [
        'an unknown field in a promotion',
        '/v1/operator/policies',
        {
          ...summer,
          rules: {
            ...summerRules,
            promotions: [
              {
                code: 'sale',
                nameKo: '세일',
                nameEn: 'sale',
                from: '2027-09-01T00:00:00+09:00',
                to: '2027-10-01T00:00:00+09:00',
                rateBp: 1500,
                chanel: 'mall',
              },
            ],
          },
        },
      ],
      [
        'an unknown field in the rules',
        '/v1/operator/policies',
        { ...summer, rules: { ...summerRules, monthlyCapWon: 1 } },
      ],
      [
        'an unknown field in a preview',
        '/v1/operator/policies/preview',
        { rules: summerRules, sample, dryRun: true },
      ],
      [
        'an unknown field in a preview sample',
        '/v1/operator/policies/preview',
        { rules: summerRules, sample: { ...sample, when: 'now' } },
      ],
      [
        'an unknown field in a preview merchant',
        '/v1/operator/policies/preview',
        { rules: summerRules, sample: { ...sample, merchant: { ...sample.merchant, isMall: true } } },
      ],
      [
        'an unknown field in a preview member',
        '/v1/operator/policies/preview',
        { rules: summerRules, sample: { ...sample, member: { isWelfareRecipient: false, age: 70 } } },
      ],
    ])('refuses %s with INVALID_INPUT, and schedules nothing', async (_name, url, payload) => {
      const before = (
        await app.inject({ method: 'GET', url: '/v1/operator/policies', headers: as('auditor') })
      ).json();
      const response = await post(url, payload);
      expect([response.statusCode, response.json().code]).toEqual([400, 'INVALID_INPUT']);
      const after = (
        await app.inject({ method: 'GET', url: '/v1/operator/policies', headers: as('auditor') })
      ).json();
      expect(after).toEqual(before);
    });

    it.each<[string, number, number, number]>([
      ['tax_deduction_general_rate_bp', 50_000, 0, 10_000],
      ['neighbourhood_giving_rate_bp', 50_000, 0, 10_000],
      ['refund_min_used_bp', 50_000, 0, 10_000],
      ['self_dealing_payment_refused', 7, 0, 1],
      ['member_min_age_years', 500, 0, 120],
      ['payment_pin_lockout_minutes', 0, 1, 525_600],
    ])('refuses %s = %i with RULE_VALUE_OUT_OF_RANGE, naming the range', async (key, value, min, max) => {
      const response = await post('/v1/operator/policies/rules', {
        key,
        value,
        effectiveFrom: '2027-05-01T00:00:00+09:00',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'RULE_VALUE_OUT_OF_RANGE',
        detail: expect.stringContaining(`${key} must be a whole number from ${min} to ${max}`),
        messages: { ko: expect.stringContaining(`${min}~${max}`) },
      });
    });

    it('takes a rule value at the edges of its range', async () => {
      for (const [value, from] of [
        [10_000, '2027-07-01'],
        [0, '2027-08-01'],
      ] as const) {
        const response = await post('/v1/operator/policies/rules', {
          key: 'refund_min_used_bp',
          value,
          effectiveFrom: `${from}T00:00:00+09:00`,
        });
        expect([response.statusCode, response.json().value]).toEqual([201, value]);
      }
    });

    it('previews a draft for an auditor: 13,000 now, 15,000 under 12% + 3%', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/operator/policies/preview',
        headers: as('auditor'),
        payload: {
          rules: summerRules,
          sample: {
            amountWon: 100_000,
            merchant: { isTraditionalMarket: true, isBookstore: false, annualRevenueWon: 500_000_000 },
            member: { isWelfareRecipient: false },
          },
        },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        at: '2021-05-13T03:00:00.000Z',
        current: { policyId: 'cbp_daejeon_2021', cashbackWon: 13_000 },
        proposed: { policyId: 'draft', cashbackWon: 15_000 },
      });
    });
  });
});
