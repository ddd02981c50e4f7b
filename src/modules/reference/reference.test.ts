import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import { TEST_RESPONSE_CHECK } from '../../../test/support/platform.js';
import { createTestTenant } from '../../../test/support/tenants.js';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { Database } from '../../db/database.js';
import { buildApp } from '../../http/app.js';
import { createPlatform } from '../../platform.js';
import { DAEJEON_REFERENCE } from './presets/daejeon.js';
import { ReferenceService } from './reference-service.js';

describe('the Daejeon reference preset', () => {
  it('lists the 29 traditional markets with 4,338 stores in total', () => {
    expect(DAEJEON_REFERENCE.markets).toHaveLength(29);
    const storeCount = DAEJEON_REFERENCE.markets.reduce((sum, market) => sum + market.storeCount, 0);
    expect(storeCount).toBe(4_338);
  });

  it('flags the sixteen made-up markets as data, never in the name a citizen reads', () => {
    const synthetic = DAEJEON_REFERENCE.markets.filter((market) => market.synthetic);
    expect(synthetic).toHaveLength(16);
    for (const market of DAEJEON_REFERENCE.markets) {
      expect(market.synthetic).toBe(market.id.startsWith('mkt_synthetic_'));
      expect(`${market.nameKo} ${market.nameEn}`).not.toMatch(/가상|synthetic/i);
    }
  });

  it('puts every market in one of the five districts', () => {
    const districtCodes = DAEJEON_REFERENCE.districts.map((district) => district.code);
    expect(districtCodes).toEqual(['dong-gu', 'jung-gu', 'seo-gu', 'yuseong-gu', 'daedeok-gu']);
    for (const market of DAEJEON_REFERENCE.markets) expect(districtCodes).toContain(market.districtCode);
  });

  it('gives every excluded industry a reason in both languages and no allowed one a reason', () => {
    for (const industry of DAEJEON_REFERENCE.industries) {
      expect(industry.exclusionReasonKo !== null).toBe(industry.excluded);
      expect(industry.exclusionReasonEn !== null).toBe(industry.excluded);
    }
  });

  it('has unique industry codes and market ids', () => {
    const codes = DAEJEON_REFERENCE.industries.map((industry) => industry.code);
    const ids = DAEJEON_REFERENCE.markets.map((market) => market.id);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.each(databaseKinds())('reference data on %s', (kind) => {
  let db: Database;
  let clock: ManualClock;
  let reference: ReferenceService;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    clock = new ManualClock('2021-05-13T03:00:00Z');
    reference = new ReferenceService(db, clock);
    tenantId = await createTestTenant(db, clock);
    await reference.seedPreset(tenantId, DAEJEON_REFERENCE);
  });

  it('seeds idempotently: a second seed leaves one copy of each row', async () => {
    await reference.seedPreset(tenantId, DAEJEON_REFERENCE);
    expect(await reference.listIndustries(tenantId)).toHaveLength(DAEJEON_REFERENCE.industries.length);
    expect(await reference.listDistricts(tenantId)).toHaveLength(5);
    expect(await reference.listMarkets(tenantId)).toHaveLength(29);
  });

  it('updates names on a re-seed and keeps the preset order', async () => {
    const [first, ...rest] = DAEJEON_REFERENCE.industries;
    if (!first) throw new Error('empty preset');
    await reference.seedPreset(tenantId, {
      ...DAEJEON_REFERENCE,
      industries: [{ ...first, nameEn: 'Eatery' }, ...rest],
    });
    const industries = await reference.listIndustries(tenantId);
    expect(industries[0]).toMatchObject({ code: 'restaurant', nameKo: '일반음식점', nameEn: 'Eatery' });
  });

  it('reads golf courses as excluded with the reason, bookstores as bookstores', async () => {
    expect(await reference.getIndustry(tenantId, 'golf_course')).toEqual({
      code: 'golf_course',
      nameKo: '골프장',
      nameEn: 'Golf course',
      excluded: true,
      exclusionReasonKo: '소상공인 지원 취지에 맞지 않는 업종이라 가맹할 수 없습니다',
      exclusionReasonEn: 'This industry does not fit the purpose of supporting small local merchants',
      isBookstore: false,
    });
    expect(await reference.getIndustry(tenantId, 'bookstore')).toMatchObject({
      excluded: false,
      exclusionReasonKo: null,
      isBookstore: true,
    });
  });

  it('reads districts with their old-town / new-town area', async () => {
    expect(await reference.getDistrict(tenantId, 'daedeok-gu')).toEqual({
      code: 'daedeok-gu',
      nameKo: '대덕구',
      nameEn: 'Daedeok-gu',
      area: 'old_town',
    });
    expect((await reference.getDistrict(tenantId, 'yuseong-gu'))?.area).toBe('new_town');
  });

  it('lists the markets of one district only', async () => {
    const markets = await reference.listMarkets(tenantId, { district: 'jung-gu' });
    expect(markets.map((market) => market.id)).toEqual([
      'mkt_taepyeong',
      'mkt_munchang',
      'mkt_sanseong',
      'mkt_yucheon',
      'mkt_busa',
      'mkt_synthetic_17',
      'mkt_synthetic_18',
      'mkt_synthetic_19',
    ]);
  });

  it('answers undefined for unknown codes, and the require* variants name the mistake', async () => {
    expect(await reference.getIndustry(tenantId, 'casino_royale')).toBeUndefined();
    expect(await reference.getMarket(tenantId, 'mkt_nowhere')).toBeUndefined();
    await expect(reference.requireIndustry(tenantId, 'casino_royale')).rejects.toMatchObject({
      code: 'UNKNOWN_INDUSTRY',
      httpStatus: 400,
    });
    await expect(reference.requireDistrict(tenantId, 'gangnam-gu')).rejects.toMatchObject({
      code: 'UNKNOWN_DISTRICT',
    });
    await expect(reference.requireMarketIn(tenantId, 'mkt_nowhere', 'dong-gu')).rejects.toMatchObject({
      code: 'UNKNOWN_MARKET',
    });
    await expect(reference.requireMarketIn(tenantId, 'mkt_jungang', 'seo-gu')).rejects.toMatchObject({
      code: 'MARKET_NOT_IN_DISTRICT',
    });
    expect((await reference.requireMarketIn(tenantId, 'mkt_jungang', 'dong-gu')).nameKo).toBe('대전중앙시장');
  });

  it('keeps tenants apart', async () => {
    const otherTenantId = await createTestTenant(db, clock);
    expect(await reference.listIndustries(otherTenantId)).toEqual([]);
    expect(await reference.getDistrict(otherTenantId, 'dong-gu')).toBeUndefined();
  });
});

describe.each(databaseKinds())('reference routes on %s', (kind) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let tenantId: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const clock = new ManualClock('2021-05-13T03:00:00Z');
    const platform = createPlatform(loadConfig({}), db, clock);
    tenantId = await createTestTenant(db, clock);
    await platform.reference.seedPreset(tenantId, DAEJEON_REFERENCE);
    app = await buildApp(platform, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { 'x-tenant-id': tenantId } });

  it('GET /v1/industries lists industries with exclusions in camelCase', async () => {
    const response = await get('/v1/industries');
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items).toHaveLength(DAEJEON_REFERENCE.industries.length);
    expect(items).toContainEqual({
      code: 'university_tuition',
      nameKo: '대학교 수업료',
      nameEn: 'University tuition',
      excluded: true,
      exclusionReasonKo: '소상공인 지원 취지에 맞지 않는 업종이라 가맹할 수 없습니다',
      exclusionReasonEn: 'This industry does not fit the purpose of supporting small local merchants',
      isBookstore: false,
    });
  });

  it('GET /v1/districts lists the five districts', async () => {
    const { items } = (await get('/v1/districts')).json();
    expect(items[0]).toEqual({ code: 'dong-gu', nameKo: '동구', nameEn: 'Dong-gu', area: 'old_town' });
    expect(items).toHaveLength(5);
  });

  it('GET /v1/markets?district= filters by district', async () => {
    const response = await get('/v1/markets?district=yuseong-gu');
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items[0]).toEqual({
      id: 'mkt_yuseong',
      nameKo: '유성시장',
      nameEn: 'Yuseong Market',
      district: 'yuseong-gu',
      storeCount: 180,
      synthetic: false,
    });
    expect(items).toHaveLength(4);
    expect((await get('/v1/markets')).json().items).toHaveLength(29);
  });

  it('answers an unknown district filter with 400 UNKNOWN_DISTRICT', async () => {
    const response = await get('/v1/markets?district=gangnam-gu');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'UNKNOWN_DISTRICT' });
  });

  it('answers a malformed tenant header with 400, an unknown city with 404 and a city without data with empty lists', async () => {
    const industriesOf = (tenant: string) =>
      app.inject({ method: 'GET', url: '/v1/industries', headers: { 'x-tenant-id': tenant } });
    expect((await industriesOf('X!')).statusCode).toBe(400);
    const unknown = await industriesOf('nowhere');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('TENANT_NOT_FOUND');
    const bare = await createTestTenant(db, new ManualClock('2021-05-13T03:00:00Z'));
    const empty = await industriesOf(bare);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ items: [] });
  });

  it('documents the routes in OpenAPI under the reference tag', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.paths['/v1/markets'].get.tags).toEqual(['reference']);
  });
});
