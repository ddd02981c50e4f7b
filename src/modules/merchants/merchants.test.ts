import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import {
  digitsOf,
  newBusinessNumber,
  restaurantApplication,
} from '../../../test/support/merchants-fixtures.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { createPlatform, type Platform } from '../../platform.js';
import { DAEJEON_REFERENCE } from '../reference/presets/daejeon.js';
import { DAEJEON_MERCHANT_PRESET } from './presets/daejeon.js';
import type { EligibilityRule, MerchantApplicationInput } from './types.js';

const OWNER = 'usr_owner';
const REVIEWER = 'usr_reviewer';

describe.each(databaseKinds())('merchants on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let platform: Platform;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock('2021-05-13T03:00:00Z');
    platform = createPlatform(loadConfig({}), db, clock);
    tenantId = await seededTenant();
  });

  async function seededTenant(rules = DAEJEON_MERCHANT_PRESET.eligibilityRules): Promise<string> {
    const id = await createTestTenant(db, clock);
    await platform.reference.seedPreset(id, DAEJEON_REFERENCE);
    await platform.merchants.seedPreset(id, { ...DAEJEON_MERCHANT_PRESET, eligibilityRules: rules });
    return id;
  }

  const apply = (input: MerchantApplicationInput, ownerUserId = OWNER) =>
    platform.merchants.apply(tenantId, ownerUserId, input);

  async function approvedMerchant(input = restaurantApplication(), ownerUserId = OWNER) {
    const application = await apply(input, ownerUserId);
    return platform.merchants.approve(tenantId, application.id, REVIEWER);
  }

  async function merchantCount(): Promise<number> {
    const [row] = await db.query<{ count: number }>(
      'select count(*)::integer as count from merchants where tenant_id = $1',
      [tenantId],
    );
    return row?.count ?? 0;
  }

  async function operatorActions() {
    return db.query<{ action: string; subject_id: string; actor_user_id: string; details: object }>(
      'select action, subject_id, actor_user_id, details from operator_actions where tenant_id = $1 order by seq',
      [tenantId],
    );
  }

  describe('applying', () => {
    it('files an eligible application as pending, with every rule passed', async () => {
      const input = restaurantApplication({ businessNumber: '124-81-00998' });
      const application = await apply(input);
      expect(application).toMatchObject({
        tenantId,
        id: expect.stringMatching(/^mer_[A-Za-z0-9_-]{16}$/),
        status: 'pending',
        businessNumber: '1248100998',
        merchantCode: null,
        ownerUserId: OWNER,
        industryCode: 'restaurant',
        district: 'yuseong-gu',
        dong: '봉명동',
        marketId: null,
        isTraditionalMarket: false,
        isBookstore: false,
        annualRevenueWon: 240_000_000,
        franchise: { isFranchise: false },
        settlementAccount: { bankCode: '011', accountNumber: '123-4567-8901', holderName: '김한밭' },
        createdAt: clock.now(),
      });
      expect(application.reasons.map((reason) => [reason.rule, reason.passed])).toEqual([
        ['district_in_tenant', true],
        ['excluded_industry', true],
        ['out_of_region_franchise_direct', true],
      ]);
    });

    it('marks a store in a traditional market, and a local bookstore, for the extra cashback', async () => {
      const marketStore = await apply(
        restaurantApplication({
          industryCode: 'traditional_market_store',
          district: 'dong-gu',
          marketId: 'mkt_jungang',
        }),
      );
      expect(marketStore).toMatchObject({
        marketId: 'mkt_jungang',
        isTraditionalMarket: true,
        isBookstore: false,
      });
      const bookstore = await apply(restaurantApplication({ industryCode: 'bookstore' }));
      expect(bookstore).toMatchObject({ isTraditionalMarket: false, isBookstore: true });
    });

    it('refuses an invalid business number and stores nothing', async () => {
      await expect(apply(restaurantApplication({ businessNumber: '124-81-00999' }))).rejects.toMatchObject({
        code: 'INVALID_BUSINESS_NUMBER',
      });
      expect(await merchantCount()).toBe(0);
    });

    it('refuses a second live application for the same business number, typed with or without dashes', async () => {
      const businessNumber = newBusinessNumber();
      await apply(restaurantApplication({ businessNumber }));
      await expect(
        apply(restaurantApplication({ businessNumber: digitsOf(businessNumber) }), 'usr_someone_else'),
      ).rejects.toMatchObject({ code: 'DUPLICATE_BUSINESS_NUMBER', httpStatus: 409 });
      expect(await merchantCount()).toBe(1);
    });

    it('lets only one of two simultaneous applications for one business number through', async () => {
      const businessNumber = newBusinessNumber();
      const outcomes = await Promise.allSettled([
        apply(restaurantApplication({ businessNumber })),
        apply(restaurantApplication({ businessNumber })),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const [refusal] = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(refusal?.reason).toMatchObject({ code: 'DUPLICATE_BUSINESS_NUMBER' });
    });

    it('lets a business apply again after a rejection or a refusal', async () => {
      const businessNumber = newBusinessNumber();
      const refused = await apply(restaurantApplication({ businessNumber, industryCode: 'golf_course' }));
      expect(refused.status).toBe('refused');
      const first = await apply(restaurantApplication({ businessNumber }));
      await platform.merchants.reject(tenantId, first.id, REVIEWER, '서류 미비');
      expect((await apply(restaurantApplication({ businessNumber }))).status).toBe('pending');
    });

    const excludedIndustries = DAEJEON_REFERENCE.industries.filter((industry) => industry.excluded);

    it.each(excludedIndustries.map((industry) => [industry.code, industry] as const))(
      'refuses %s with its reason and keeps the refused application',
      async (_code, industry) => {
        const application = await apply(restaurantApplication({ industryCode: industry.code }));
        expect(application.status).toBe('refused');
        expect(application.reasons).toContainEqual({
          rule: 'excluded_industry',
          passed: false,
          messageKo: `${industry.nameKo}: ${industry.exclusionReasonKo}`,
          messageEn: `${industry.nameEn}: ${industry.exclusionReasonEn}`,
        });
        expect((await platform.merchants.getApplication(tenantId, application.id))?.status).toBe('refused');
      },
    );

    it('refuses golf courses and university tuition as the seed article announced', async () => {
      const golf = await apply(restaurantApplication({ industryCode: 'golf_course' }));
      const tuition = await apply(restaurantApplication({ industryCode: 'university_tuition' }));
      for (const application of [golf, tuition]) {
        expect(application.status).toBe('refused');
        expect(application.reasons.find((reason) => !reason.passed)?.messageKo).toContain(
          '소상공인 지원 취지에 맞지 않는 업종',
        );
      }
    });

    it('refuses a store run directly by a franchise headquartered outside Daejeon', async () => {
      const application = await apply(
        restaurantApplication({
          industryCode: 'cafe',
          franchise: {
            isFranchise: true,
            brand: 'Seoul Coffee',
            headquartersRegion: 'seoul',
            directlyOperated: true,
          },
        }),
      );
      expect(application.status).toBe('refused');
      expect(application.reasons).toContainEqual({
        rule: 'out_of_region_franchise_direct',
        passed: false,
        messageKo: '본사가 지역 밖(seoul)에 있는 프랜차이즈 직영점은 가맹할 수 없습니다',
        messageEn: 'Stores run directly by a franchise headquartered outside the city (seoul) cannot join',
      });
    });

    it("accepts a Daejeon franchise's own store and a local franchisee of an outside brand", async () => {
      const localDirect = await apply(
        restaurantApplication({
          industryCode: 'bakery',
          franchise: {
            isFranchise: true,
            brand: '한밭제과',
            headquartersRegion: 'daejeon',
            directlyOperated: true,
          },
        }),
      );
      const franchisee = await apply(
        restaurantApplication({
          industryCode: 'cafe',
          franchise: {
            isFranchise: true,
            brand: 'Seoul Coffee',
            headquartersRegion: 'seoul',
            directlyOperated: false,
          },
        }),
      );
      expect(localDirect.status).toBe('pending');
      expect(localDirect.franchise).toEqual({
        isFranchise: true,
        brand: '한밭제과',
        headquartersRegion: 'daejeon',
        directlyOperated: true,
      });
      expect(franchisee.status).toBe('pending');
    });

    it('asks a directly operated franchise store for its headquarters region', async () => {
      await expect(
        apply(restaurantApplication({ franchise: { isFranchise: true, directlyOperated: true } })),
      ).rejects.toMatchObject({ code: 'FRANCHISE_REGION_REQUIRED', httpStatus: 400 });
    });

    it.each([
      [{ industryCode: 'casino' }, 'UNKNOWN_INDUSTRY'],
      [{ district: 'gangnam-gu' }, 'UNKNOWN_DISTRICT'],
      [{ district: 'dong-gu', marketId: 'mkt_nowhere' }, 'UNKNOWN_MARKET'],
      [{ district: 'seo-gu', marketId: 'mkt_jungang' }, 'MARKET_NOT_IN_DISTRICT'],
      [{ name: '   ' }, 'INVALID_INPUT'],
      [{ annualRevenueWon: 1.5 }, 'INVALID_INPUT'],
      [{ annualRevenueWon: -1 }, 'INVALID_INPUT'],
    ] as const)('answers %j with 400 %s and stores nothing', async (overrides, code) => {
      await expect(apply(restaurantApplication(overrides))).rejects.toMatchObject({ code, httpStatus: 400 });
      expect(await merchantCount()).toBe(0);
    });
  });

  describe('checking eligibility before applying', () => {
    it('gives the verdict an application would get, and writes nothing', async () => {
      const eligible = await platform.merchants.checkEligibility(tenantId, restaurantApplication());
      expect(eligible.eligible).toBe(true);
      const golf = await platform.merchants.checkEligibility(
        tenantId,
        restaurantApplication({ industryCode: 'golf_course' }),
      );
      expect(golf.eligible).toBe(false);
      expect(golf.reasons.filter((reason) => !reason.passed).map((reason) => reason.rule)).toEqual([
        'excluded_industry',
      ]);
      expect(await merchantCount()).toBe(0);
    });

    it('refuses malformed input the same way applying does', async () => {
      await expect(
        platform.merchants.checkEligibility(tenantId, restaurantApplication({ businessNumber: '123' })),
      ).rejects.toMatchObject({ code: 'INVALID_BUSINESS_NUMBER' });
    });
  });

  describe('eligibility rules are data with effective periods', () => {
    const franchiseRuleFrom = (from: string, to: string | null = null): EligibilityRule => ({
      id: 'franchise-2021-07',
      kind: 'out_of_region_franchise_direct',
      params: { homeRegion: 'daejeon' },
      effectiveFrom: new Date(from),
      effectiveTo: to === null ? null : new Date(to),
    });
    const seoulDirectStore = () =>
      restaurantApplication({
        franchise: { isFranchise: true, headquartersRegion: 'seoul', directlyOperated: true },
      });

    it('does not apply a rule before its effective date, and applies it from then on', async () => {
      tenantId = await seededTenant([franchiseRuleFrom('2021-07-01T00:00:00+09:00')]);
      expect((await apply(seoulDirectStore())).status).toBe('pending');
      clock.set('2021-06-30T14:59:59.999Z');
      expect((await apply(seoulDirectStore())).status).toBe('pending');
      clock.set('2021-06-30T15:00:00Z');
      expect((await apply(seoulDirectStore())).status).toBe('refused');
    });

    it('stops applying a rule at its effective end', async () => {
      tenantId = await seededTenant([
        franchiseRuleFrom('2020-05-01T00:00:00+09:00', '2021-06-01T00:00:00+09:00'),
      ]);
      expect((await apply(seoulDirectStore())).status).toBe('refused');
      clock.set('2021-06-01T00:00:00+09:00');
      expect((await apply(seoulDirectStore())).status).toBe('pending');
    });

    it('refuses to approve an application that a rule in force since it was filed now excludes', async () => {
      tenantId = await seededTenant([franchiseRuleFrom('2021-07-01T00:00:00+09:00')]);
      const application = await apply(seoulDirectStore());
      clock.set('2021-07-02T00:00:00+09:00');
      await expect(platform.merchants.approve(tenantId, application.id, REVIEWER)).rejects.toMatchObject({
        code: 'MERCHANT_NO_LONGER_ELIGIBLE',
        httpStatus: 409,
      });
      expect((await platform.merchants.getById(tenantId, application.id))?.status).toBe('pending');
    });

    it('seeds the preset idempotently and never rewrites a rule already stored', async () => {
      await platform.merchants.seedPreset(tenantId, DAEJEON_MERCHANT_PRESET);
      const changed = DAEJEON_MERCHANT_PRESET.eligibilityRules.map((rule) => ({
        ...rule,
        effectiveFrom: new Date('2030-01-01T00:00:00Z'),
      }));
      await platform.merchants.seedPreset(tenantId, {
        ...DAEJEON_MERCHANT_PRESET,
        eligibilityRules: changed,
      });
      const rows = await db.query<{ effective_from: Date }>(
        'select effective_from from merchant_eligibility_rules where tenant_id = $1',
        [tenantId],
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.effective_from).toEqual(new Date('2020-04-30T15:00:00Z'));
    });
  });

  describe('review', () => {
    it('approves: assigns a DJ merchant code and opens the receivable account, in the audit trail', async () => {
      const application = await apply(restaurantApplication());
      const merchant = await platform.merchants.approve(tenantId, application.id, REVIEWER);
      expect(merchant).toMatchObject({
        status: 'approved',
        merchantCode: expect.stringMatching(/^DJ\d{6}$/),
        receivableAccountId: `${application.id}:receivable`,
      });
      expect(await platform.ledger.getAccount(tenantId, `${application.id}:receivable`)).toMatchObject({
        kind: 'merchant_receivable',
        currencyCode: 'KRW',
        ownerId: application.id,
        allowNegative: true,
        postedWon: 0,
      });
      expect(await platform.merchants.getByCode(tenantId, merchant.merchantCode ?? '')).toMatchObject({
        id: application.id,
      });
      expect(await platform.merchants.getApplication(tenantId, application.id)).toMatchObject({
        reviewedBy: REVIEWER,
        reviewedAt: clock.now(),
      });
      expect(await operatorActions()).toEqual([
        {
          action: 'merchant.approve',
          subject_id: application.id,
          actor_user_id: REVIEWER,
          details: { merchantCode: merchant.merchantCode },
        },
      ]);
    });

    it('gives every approved merchant its own code', async () => {
      const codes = [];
      for (let index = 0; index < 12; index++) codes.push((await approvedMerchant()).merchantCode);
      expect(new Set(codes).size).toBe(12);
    });

    it('refuses to approve twice, or to approve a refused application', async () => {
      const merchant = await approvedMerchant();
      await expect(platform.merchants.approve(tenantId, merchant.id, REVIEWER)).rejects.toMatchObject({
        code: 'MERCHANT_NOT_PENDING',
        httpStatus: 409,
      });
      const refused = await apply(restaurantApplication({ industryCode: 'department_store' }));
      await expect(platform.merchants.approve(tenantId, refused.id, REVIEWER)).rejects.toMatchObject({
        code: 'MERCHANT_NOT_PENDING',
      });
      expect(await operatorActions()).toHaveLength(1);
    });

    it('answers an unknown merchant with MERCHANT_NOT_FOUND and a self-review with SELF_REVIEW_FORBIDDEN', async () => {
      await expect(platform.merchants.approve(tenantId, 'mer_missing0000', REVIEWER)).rejects.toMatchObject({
        code: 'MERCHANT_NOT_FOUND',
        httpStatus: 404,
      });
      const own = await apply(restaurantApplication(), REVIEWER);
      await expect(platform.merchants.approve(tenantId, own.id, REVIEWER)).rejects.toMatchObject({
        code: 'SELF_REVIEW_FORBIDDEN',
        httpStatus: 403,
      });
    });

    it('rejects with the reason, recorded; a rejected application cannot be approved', async () => {
      const application = await apply(restaurantApplication());
      const rejected = await platform.merchants.reject(
        tenantId,
        application.id,
        REVIEWER,
        '  사업장 확인 불가  ',
      );
      expect(rejected).toMatchObject({
        status: 'rejected',
        reviewNote: '사업장 확인 불가',
        merchantCode: null,
      });
      await expect(platform.merchants.approve(tenantId, application.id, REVIEWER)).rejects.toMatchObject({
        code: 'MERCHANT_NOT_PENDING',
      });
      await expect(
        platform.merchants.reject(tenantId, application.id, REVIEWER, 'again'),
      ).rejects.toMatchObject({
        code: 'MERCHANT_NOT_PENDING',
      });
      expect(await operatorActions()).toEqual([
        {
          action: 'merchant.reject',
          subject_id: application.id,
          actor_user_id: REVIEWER,
          details: { reason: '사업장 확인 불가' },
        },
      ]);
      expect(await platform.ledger.getAccount(tenantId, `${application.id}:receivable`)).toBeUndefined();
    });

    it('refuses an empty rejection reason', async () => {
      const application = await apply(restaurantApplication());
      await expect(platform.merchants.reject(tenantId, application.id, REVIEWER, ' ')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('pages the review queue oldest first and filters by status', async () => {
      const ids = [];
      for (let index = 0; index < 5; index++) {
        ids.push((await apply(restaurantApplication())).id);
        clock.advanceMs(1000);
      }
      await platform.merchants.reject(tenantId, ids[2] ?? '', REVIEWER, 'no');
      const firstPage = await platform.merchants.listForReview(tenantId, { status: 'pending', limit: 2 });
      expect(firstPage.map((row) => row.id)).toEqual([ids[0], ids[1]]);
      const last = firstPage.at(-1);
      const secondPage = await platform.merchants.listForReview(tenantId, {
        status: 'pending',
        after: { createdAt: last?.createdAt.toISOString() ?? '', id: last?.id ?? '' },
        limit: 10,
      });
      expect(secondPage.map((row) => row.id)).toEqual([ids[3], ids[4]]);
      expect(await platform.merchants.listForReview(tenantId, { limit: 10 })).toHaveLength(5);
    });
  });

  describe('owners and the directory', () => {
    it("lists only the owner's approved merchants, oldest first, for the merchant guard", async () => {
      const first = await approvedMerchant();
      clock.advanceMs(1000);
      const second = await approvedMerchant();
      await apply(restaurantApplication());
      await approvedMerchant(restaurantApplication(), 'usr_other');
      expect(await platform.merchants.ownedMerchantIds(tenantId, OWNER)).toEqual([first.id, second.id]);
      expect(await platform.merchants.listForOwner(tenantId, OWNER)).toHaveLength(3);
    });

    it('lists approved merchants only, filtered, with the name matched literally', async () => {
      await approvedMerchant(restaurantApplication({ name: '100% 국밥' }));
      await approvedMerchant(
        restaurantApplication({
          name: '중앙 순대',
          industryCode: 'traditional_market_store',
          district: 'dong-gu',
          marketId: 'mkt_jungang',
        }),
      );
      await apply(restaurantApplication({ name: '심사중 국밥' }));
      const names = async (query: object) =>
        (await platform.merchants.listDirectory(tenantId, { limit: 10, ...query })).map((row) => row.name);
      expect(await names({})).toEqual(['100% 국밥', '중앙 순대']);
      expect(await names({ q: '국밥' })).toEqual(['100% 국밥']);
      expect(await names({ q: '0%' })).toEqual(['100% 국밥']);
      expect(await names({ q: '_' })).toEqual([]);
      expect(await names({ marketId: 'mkt_jungang' })).toEqual(['중앙 순대']);
      expect(await names({ district: 'yuseong-gu', industryCode: 'restaurant' })).toEqual(['100% 국밥']);
    });
  });

  describe('POS keys', () => {
    it('creates a key shown once, authenticates with it, and stops after revocation', async () => {
      const merchant = await approvedMerchant();
      const { posKey, rawKey } = await platform.merchants.createPosKey(tenantId, merchant.id, ' 카운터 1 ');
      expect(rawKey).toMatch(/^pos_[A-Za-z0-9_-]{43}$/);
      expect(posKey).toEqual({
        id: expect.stringMatching(/^posk_/),
        merchantId: merchant.id,
        label: '카운터 1',
        createdAt: clock.now(),
        revokedAt: null,
      });
      expect(await platform.merchants.authenticatePosKey(rawKey)).toEqual({
        kind: 'pos',
        tenantId,
        merchantId: merchant.id,
        keyId: posKey.id,
      });
      expect(await platform.merchants.listPosKeys(tenantId, merchant.id)).toEqual([posKey]);

      clock.advanceMs(60_000);
      const revoked = await platform.merchants.revokePosKey(tenantId, merchant.id, posKey.id);
      expect(revoked.revokedAt).toEqual(clock.now());
      expect(await platform.merchants.authenticatePosKey(rawKey)).toBeNull();
      clock.advanceMs(60_000);
      const again = await platform.merchants.revokePosKey(tenantId, merchant.id, posKey.id);
      expect(again.revokedAt).toEqual(revoked.revokedAt);
    });

    it('stores only the SHA-256 of the key', async () => {
      const merchant = await approvedMerchant();
      const { rawKey } = await platform.merchants.createPosKey(tenantId, merchant.id, 'till');
      const rows = await db.query<{ key_hash: string }>(
        'select key_hash from merchant_pos_keys where tenant_id = $1',
        [tenantId],
      );
      const { createHash } = await import('node:crypto');
      expect(rows).toEqual([{ key_hash: createHash('sha256').update(rawKey).digest('hex') }]);
    });

    it('admits nothing for unknown, malformed or other-prefix keys', async () => {
      for (const key of ['pos_unknownunknownunknownunknownunknown1', 'pos_short', 'sess_abc', '']) {
        expect(await platform.merchants.authenticatePosKey(key)).toBeNull();
      }
    });

    it("keeps one merchant's keys out of another's reach", async () => {
      const mine = await approvedMerchant();
      const theirs = await approvedMerchant(restaurantApplication(), 'usr_other');
      const { posKey } = await platform.merchants.createPosKey(tenantId, theirs.id, 'their till');
      await expect(platform.merchants.revokePosKey(tenantId, mine.id, posKey.id)).rejects.toMatchObject({
        code: 'POS_KEY_NOT_FOUND',
        httpStatus: 404,
      });
      expect(await platform.merchants.listPosKeys(tenantId, mine.id)).toEqual([]);
    });

    it('gives keys to approved merchants only, at most 20 active at once', async () => {
      const pending = await apply(restaurantApplication());
      await expect(platform.merchants.createPosKey(tenantId, pending.id, 'till')).rejects.toMatchObject({
        code: 'MERCHANT_NOT_APPROVED',
      });
      const merchant = await approvedMerchant();
      const keys = [];
      for (let index = 0; index < 20; index++) {
        keys.push((await platform.merchants.createPosKey(tenantId, merchant.id, `till ${index}`)).posKey);
      }
      await expect(platform.merchants.createPosKey(tenantId, merchant.id, 'one more')).rejects.toMatchObject({
        code: 'POS_KEY_LIMIT_REACHED',
      });
      await platform.merchants.revokePosKey(tenantId, merchant.id, keys[0]?.id ?? '');
      await expect(platform.merchants.createPosKey(tenantId, merchant.id, 'one more')).resolves.toBeDefined();
    });
  });
});
