import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import {
  restaurantApplication,
  type TestSessions,
  useTestSessions,
} from '../../../test/support/merchants-fixtures.js';
import { TEST_RESPONSE_CHECK } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { buildApp } from '../../http/app.js';
import { createPlatform } from '../../platform.js';
import { DAEJEON_REFERENCE } from '../reference/presets/daejeon.js';
import { DAEJEON_MERCHANT_PRESET } from './presets/daejeon.js';

describe.each(databaseKinds())('merchant routes on %s', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let sessions: TestSessions;
  let tenantId: string;
  let ownerToken: string;
  let reviewerToken: string;
  let auditorToken: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    const platform = createPlatform(loadConfig({}), db, clock);
    sessions = useTestSessions(platform);
    tenantId = await createTestTenant(db, clock);
    await platform.reference.seedPreset(tenantId, DAEJEON_REFERENCE);
    await platform.merchants.seedPreset(tenantId, DAEJEON_MERCHANT_PRESET);
    ownerToken = sessions.signIn(tenantId, 'usr_owner');
    reviewerToken = sessions.signIn(tenantId, 'usr_reviewer', ['merchant_reviewer']);
    auditorToken = sessions.signIn(tenantId, 'usr_auditor', ['auditor']);
    app = await buildApp(platform, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  function call(method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, payload?: object) {
    const headers: Record<string, string> = { 'x-tenant-id': tenantId };
    if (token) headers.authorization = `Bearer ${token}`;
    return app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  async function approvedMerchantId(name = '한밭 국밥', token = ownerToken): Promise<string> {
    const applied = await call('POST', '/v1/merchant-applications', token, restaurantApplication({ name }));
    const { merchantId } = applied.json();
    await call('POST', `/v1/operator/merchants/${merchantId}/approve`, reviewerToken);
    return merchantId;
  }

  describe('applying', () => {
    it('files an application for the signed-in person: 201 pending with the rule results', async () => {
      const response = await call('POST', '/v1/merchant-applications', ownerToken, restaurantApplication());
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        merchantId: expect.stringMatching(/^mer_/),
        status: 'pending',
        reasons: [
          expect.objectContaining({ rule: 'district_in_tenant', passed: true }),
          expect.objectContaining({ rule: 'excluded_industry', passed: true }),
          expect.objectContaining({ rule: 'out_of_region_franchise_direct', passed: true }),
        ],
      });
    });

    it('files a golf course as refused, with the reason', async () => {
      const response = await call(
        'POST',
        '/v1/merchant-applications',
        ownerToken,
        restaurantApplication({ industryCode: 'golf_course' }),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json().status).toBe('refused');
      expect(response.json().reasons).toContainEqual(
        expect.objectContaining({ rule: 'excluded_industry', passed: false }),
      );
    });

    it('needs a signed-in person', async () => {
      const response = await call('POST', '/v1/merchant-applications', undefined, restaurantApplication());
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('UNAUTHENTICATED');
    });

    it('answers problems in the body with 400 and a stable code', async () => {
      const cases: Array<[object, string]> = [
        [restaurantApplication({ businessNumber: '124-81-00999' }), 'INVALID_BUSINESS_NUMBER'],
        [restaurantApplication({ industryCode: 'casino' }), 'UNKNOWN_INDUSTRY'],
        [restaurantApplication({ district: 'seo-gu', marketId: 'mkt_jungang' }), 'MARKET_NOT_IN_DISTRICT'],
        [{ ...restaurantApplication(), annualRevenueWon: '5000' }, 'INVALID_INPUT'],
        [{ ...restaurantApplication(), extra: true }, 'INVALID_INPUT'],
        [
          restaurantApplication({ franchise: { isFranchise: true, directlyOperated: true } }),
          'FRANCHISE_REGION_REQUIRED',
        ],
      ];
      for (const [payload, code] of cases) {
        const response = await call('POST', '/v1/merchant-applications', ownerToken, payload);
        expect({ status: response.statusCode, code: response.json().code }).toEqual({ status: 400, code });
      }
    });

    it('refuses a franchise brand or an account holder with nothing visible, filing nothing', async () => {
      const token = sessions.signIn(tenantId, 'usr_invisible');
      const account = { bankCode: '011', accountNumber: '123-4567-8901', holderName: '\u3164\u200b' };
      for (const payload of [
        restaurantApplication({ franchise: { isFranchise: true, brand: '\u200b' } }),
        restaurantApplication({ settlementAccount: account }),
      ]) {
        const response = await call('POST', '/v1/merchant-applications', token, payload);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({
          code: 'INVALID_INPUT',
          messages: { en: expect.any(String), ko: expect.any(String) },
        });
      }
      expect((await call('GET', '/v1/me/merchant-applications', token)).json().items).toEqual([]);
    });

    it('answers a second application for the same business with 409', async () => {
      const input = restaurantApplication();
      await call('POST', '/v1/merchant-applications', ownerToken, input);
      const response = await call('POST', '/v1/merchant-applications', ownerToken, input);
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('DUPLICATE_BUSINESS_NUMBER');
    });

    it('checks eligibility without signing in and without filing', async () => {
      const eligible = await call(
        'POST',
        '/v1/merchant-applications/eligibility',
        undefined,
        restaurantApplication(),
      );
      expect(eligible.statusCode).toBe(200);
      expect(eligible.json().eligible).toBe(true);
      const outsideDirect = await call(
        'POST',
        '/v1/merchant-applications/eligibility',
        undefined,
        restaurantApplication({
          franchise: { isFranchise: true, headquartersRegion: 'busan', directlyOperated: true },
        }),
      );
      expect(outsideDirect.json()).toMatchObject({
        eligible: false,
        reasons: expect.arrayContaining([
          expect.objectContaining({ rule: 'out_of_region_franchise_direct', passed: false }),
        ]),
      });
    });

    it("lists the caller's own applications with their status", async () => {
      const token = sessions.signIn(tenantId, 'usr_lists');
      await call('POST', '/v1/merchant-applications', token, restaurantApplication({ name: '첫 가게' }));
      const response = await call('GET', '/v1/me/merchant-applications', token);
      expect(response.statusCode).toBe(200);
      expect(response.json().items).toEqual([
        expect.objectContaining({
          name: '첫 가게',
          status: 'pending',
          ownerUserId: 'usr_lists',
          merchantCode: null,
          reviewedAt: null,
          settlementAccount: { bankCode: '011', accountNumber: '123-4567-8901', holderName: '김한밭' },
        }),
      ]);
    });
  });

  describe('operator review', () => {
    it('lets reviewers and auditors read the queue, pages it, and keeps members out', async () => {
      const token = sessions.signIn(tenantId, 'usr_queue');
      for (const name of ['큐 1', '큐 2', '큐 3']) {
        await call('POST', '/v1/merchant-applications', token, restaurantApplication({ name }));
      }
      expect((await call('GET', '/v1/operator/merchants', ownerToken)).statusCode).toBe(403);
      const first = await call('GET', '/v1/operator/merchants?status=pending&limit=2', auditorToken);
      expect(first.statusCode).toBe(200);
      const firstPage = first.json();
      expect(firstPage.items).toHaveLength(2);
      expect(firstPage.items[0].reasons).toHaveLength(3);
      expect(firstPage.nextCursor).toEqual(expect.any(String));
      const seen = new Set(firstPage.items.map((item: { id: string }) => item.id));
      let cursor: string | null = firstPage.nextCursor;
      while (cursor) {
        const page = (
          await call('GET', `/v1/operator/merchants?status=pending&limit=2&cursor=${cursor}`, reviewerToken)
        ).json();
        for (const item of page.items) seen.add(item.id);
        cursor = page.nextCursor;
      }
      const all = (await call('GET', '/v1/operator/merchants?status=pending&limit=100', auditorToken)).json();
      expect(seen.size).toBe(all.items.length);
      expect(all.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not issue', async () => {
      const response = await call('GET', '/v1/operator/merchants?cursor=bm9wZQ', reviewerToken);
      expect(response.statusCode).toBe(400);
      const forged = Buffer.from(JSON.stringify({ createdAt: 'soon', id: 'x' })).toString('base64url');
      expect((await call('GET', `/v1/operator/merchants?cursor=${forged}`, reviewerToken)).statusCode).toBe(
        400,
      );
    });

    it('approves with a merchant code; a second approval is 409; auditors cannot approve', async () => {
      const applied = await call('POST', '/v1/merchant-applications', ownerToken, restaurantApplication());
      const { merchantId } = applied.json();
      expect(
        (await call('POST', `/v1/operator/merchants/${merchantId}/approve`, auditorToken)).statusCode,
      ).toBe(403);
      const approved = await call('POST', `/v1/operator/merchants/${merchantId}/approve`, reviewerToken);
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toEqual({
        merchantId,
        status: 'approved',
        merchantCode: expect.stringMatching(/^DJ\d{6}$/),
      });
      const again = await call('POST', `/v1/operator/merchants/${merchantId}/approve`, reviewerToken);
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({
        code: 'MERCHANT_NOT_PENDING',
        status: 409,
        merchantStatus: 'approved',
      });
    });

    it('rejects with a reason; an unknown merchant is 404', async () => {
      const applied = await call('POST', '/v1/merchant-applications', ownerToken, restaurantApplication());
      const { merchantId } = applied.json();
      const rejected = await call('POST', `/v1/operator/merchants/${merchantId}/reject`, reviewerToken, {
        reason: '사업장 확인 불가',
      });
      expect(rejected.json()).toEqual({ merchantId, status: 'rejected', reason: '사업장 확인 불가' });
      const missing = await call('POST', '/v1/operator/merchants/mer_nobody000000/reject', reviewerToken, {
        reason: 'x',
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('MERCHANT_NOT_FOUND');
    });
    it('refuses a rejection reason with nothing visible, leaving the application pending', async () => {
      const token = sessions.signIn(tenantId, 'usr_unseen_reason');
      const applied = await call('POST', '/v1/merchant-applications', token, restaurantApplication());
      const { merchantId } = applied.json();
      for (const reason of ['\u3164\u200b', ' \u200b\u2800 ']) {
        const refused = await call('POST', `/v1/operator/merchants/${merchantId}/reject`, reviewerToken, {
          reason,
        });
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toMatchObject({
          code: 'INVALID_INPUT',
          messages: { en: 'reason must be 1-500 characters', ko: '반려 사유는 1~500자여야 합니다' },
        });
      }
      const [application] = (await call('GET', '/v1/me/merchant-applications', token)).json().items;
      expect(application).toMatchObject({ id: merchantId, status: 'pending', reviewedAt: null });
    });
  });

  describe('the merchant itself', () => {
    it('shows the profile to the owner, and to a POS key of the merchant', async () => {
      const token = sessions.signIn(tenantId, 'usr_profile');
      const merchantId = await approvedMerchantId('프로필 식당', token);
      const profile = await call('GET', '/v1/merchant/profile', token);
      expect(profile.statusCode).toBe(200);
      expect(profile.json()).toMatchObject({
        id: merchantId,
        name: '프로필 식당',
        status: 'approved',
        merchantCode: expect.stringMatching(/^DJ\d{6}$/),
      });
      const created = await call('POST', '/v1/merchant/pos-keys', token, { label: '카운터 1' });
      expect(created.statusCode).toBe(201);
      const { key } = created.json();
      expect((await call('GET', '/v1/merchant/profile', key)).json().id).toBe(merchantId);
    });

    it('keeps people without an approved merchant out', async () => {
      const token = sessions.signIn(tenantId, 'usr_nobody');
      const response = await call('GET', '/v1/merchant/profile', token);
      expect(response.statusCode).toBe(403);
    });

    it('lets the owner create, list and revoke POS keys, and a POS key none of that', async () => {
      const token = sessions.signIn(tenantId, 'usr_keys');
      await approvedMerchantId('키 식당', token);
      const created = (await call('POST', '/v1/merchant/pos-keys', token, { label: '카운터 1' })).json();
      expect(created).toEqual({
        keyId: expect.stringMatching(/^posk_/),
        key: expect.stringMatching(/^pos_/),
        label: '카운터 1',
      });
      for (const [method, url, payload] of [
        ['POST', '/v1/merchant/pos-keys', { label: 'x' }],
        ['GET', '/v1/merchant/pos-keys', undefined],
        ['DELETE', `/v1/merchant/pos-keys/${created.keyId}`, undefined],
      ] as const) {
        const response = await call(method, url, created.key, payload);
        expect({ url, status: response.statusCode, code: response.json().code }).toEqual({
          url,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      const listed = (await call('GET', '/v1/merchant/pos-keys', token)).json();
      expect(listed.items).toEqual([
        { keyId: created.keyId, label: '카운터 1', createdAt: '2021-05-13T03:00:00.000Z', revokedAt: null },
      ]);
      const revoked = await call('DELETE', `/v1/merchant/pos-keys/${created.keyId}`, token);
      expect(revoked.json().revokedAt).toBe('2021-05-13T03:00:00.000Z');
      expect((await call('GET', '/v1/merchant/profile', created.key)).statusCode).toBe(401);
      const missing = await call('DELETE', '/v1/merchant/pos-keys/posk_nothing000', token);
      expect(missing.json().code).toBe('POS_KEY_NOT_FOUND');
    });
    it('refuses a POS key label with nothing visible, creating no key', async () => {
      const token = sessions.signIn(tenantId, 'usr_unseen_label');
      await approvedMerchantId('라벨 식당', token);
      const refused = await call('POST', '/v1/merchant/pos-keys', token, { label: '\u200b' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({
        code: 'INVALID_INPUT',
        messages: { en: 'label must be 1-60 characters', ko: 'POS 키 이름은 1~60자여야 합니다' },
      });
      expect((await call('GET', '/v1/merchant/pos-keys', token)).json().items).toEqual([]);
    });
  });

  describe('the public directory', () => {
    it('lists approved merchants by name with filters and cursor pages', async () => {
      const token = sessions.signIn(tenantId, 'usr_directory');
      for (const name of ['가나다 분식', '가나다 식당', '가나다 카페']) await approvedMerchantId(name, token);
      const first = (await call('GET', '/v1/merchants?q=가나다&limit=2')).json();
      expect(first.items.map((item: { name: string }) => item.name)).toEqual(['가나다 분식', '가나다 식당']);
      expect(first.items[0]).toEqual({
        id: expect.stringMatching(/^mer_/),
        name: '가나다 분식',
        merchantCode: expect.stringMatching(/^DJ\d{6}$/),
        industryCode: 'restaurant',
        district: 'yuseong-gu',
        dong: '봉명동',
        marketId: null,
        isTraditionalMarket: false,
        isBookstore: false,
        demo: false,
      });
      const second = (await call('GET', `/v1/merchants?q=가나다&limit=2&cursor=${first.nextCursor}`)).json();
      expect(second).toEqual({ items: [expect.objectContaining({ name: '가나다 카페' })], nextCursor: null });
      expect((await call('GET', '/v1/merchants?district=dong-gu&q=가나다')).json().items).toEqual([]);
    });

    it('shows no pending, refused or rejected merchant', async () => {
      await call(
        'POST',
        '/v1/merchant-applications',
        ownerToken,
        restaurantApplication({ name: '비공개 대기' }),
      );
      const { items } = (await call('GET', '/v1/merchants?q=비공개&limit=100')).json();
      expect(items).toEqual([]);
    });
  });

  it('documents every route in OpenAPI with its problem responses', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/merchant-applications',
        '/v1/merchant-applications/eligibility',
        '/v1/me/merchant-applications',
        '/v1/operator/merchants',
        '/v1/operator/merchants/{id}/approve',
        '/v1/operator/merchants/{id}/reject',
        '/v1/merchant/profile',
        '/v1/merchant/pos-keys',
        '/v1/merchant/pos-keys/{keyId}',
        '/v1/merchants',
      ]),
    );
    expect(Object.keys(spec.paths['/v1/operator/merchants/{id}/approve'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
    );
  });
});
