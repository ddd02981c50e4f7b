import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { businessNumberCheckDigit } from '../../src/modules/merchants/business-number.js';
import { createPlatform } from '../../src/platform.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { databaseKinds } from '../support/databases.js';
import {
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  TEST_RESPONSE_CHECK,
  type TestPlatform,
} from '../support/platform.js';

interface DirectoryEntry {
  id: string;
  name: string;
  demo: boolean;
}

/** Made-up shops are for the demo: marked there, and never listed to a citizen of a real server. */
describe.each(databaseKinds())('demo shops in the public directory on %s', (kind) => {
  let t: TestPlatform;
  let tenantId: string;
  let demoShopIds: string[];
  let realShopId: string;
  beforeAll(async () => {
    t = await openTestPlatform(kind);
    tenantId = await seedTestTenant(t.platform);
    await newMember(t.app, tenantId, '010-7331-0001');
    const owner = await t.platform.members.findByPhone(tenantId, '010-7331-0001');
    const operator = await t.platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone);
    const firstNine = '314807331';
    const applied = await t.platform.merchants.apply(tenantId, owner?.id ?? '', {
      businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
      name: '대흥동 실제 분식',
      industryCode: 'restaurant',
      district: 'jung-gu',
      dong: '대흥동',
      annualRevenueWon: 90_000_000,
    });
    realShopId = (await t.platform.merchants.approve(tenantId, applied.id, operator?.id ?? '')).id;
    demoShopIds = await Promise.all(
      (['marketStore', 'cafe', 'bookstore'] as const).map(
        async (who) => (await demoMerchantCode(t.platform, tenantId, who)).merchantId,
      ),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const directory = async (app: TestPlatform['app']): Promise<DirectoryEntry[]> => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/merchants?limit=100',
      headers: { 'x-tenant-id': tenantId },
    });
    expect(response.statusCode).toBe(200);
    return response.json().items;
  };

  it('a demo server lists the demo shops and marks each as demo; shops of real owners are not marked', async () => {
    const items = await directory(t.app);
    const byId = new Map(items.map((item) => [item.id, item]));
    for (const id of demoShopIds) expect(byId.get(id)?.demo).toBe(true);
    expect(byId.get(realShopId)?.demo).toBe(false);
    expect(items.filter((item) => !demoShopIds.includes(item.id)).every((item) => item.demo === false)).toBe(
      true,
    );
  });

  it('a production server on the same books never lists a demo shop', async () => {
    const production = createPlatform(loadConfig({ HANBAT_MODE: 'production' }), t.db, t.clock, t.bank);
    const app = await buildApp(production, { logLevel: false, responseCheck: TEST_RESPONSE_CHECK });
    try {
      const items = await directory(app);
      expect(items.map((item) => item.id)).toContain(realShopId);
      expect(items.some((item) => demoShopIds.includes(item.id) || item.demo)).toBe(false);
    } finally {
      await app.close();
    }
  });
});
