import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoClient,
  expectLedgerAuditGreen,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../../../test/support/platform.js';
import { DEMO_CREDENTIALS } from '../../presets/daejeon.js';
import { DEMO_GUKBAP_SHOP, seedDemoCommerce } from './demo.js';

describe('demo listings on a demo start', () => {
  let t: TestPlatform;
  let dataDir: string;
  let tenantId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hanbat-demo-shop-'));
    t = await openTestPlatform('pglite', { DATA_DIR: dataDir });
    tenantId = await seedTestTenant(t.platform);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists a market shop, a bookstore and two restaurants with photos, once, moving no money', async () => {
    const citizen = await demoClient(t.app, tenantId, 'citizen');
    const walletBefore = (await citizen.get('/v1/me/wallet')).body;

    await seedDemoCommerce(t.platform, tenantId, DEMO_CREDENTIALS);
    await seedDemoCommerce(t.platform, tenantId, DEMO_CREDENTIALS);

    const shop = async (query: string) =>
      (await citizen.get(`/v1/shop/products?limit=100${query}`)).body.items as Array<{
        merchantId: string;
        name: string;
        images: unknown[];
      }>;
    const mall = await shop('&channel=mall');
    const delivery = await shop('&channel=delivery');
    expect([mall.length, delivery.length]).toEqual([5, 6]);
    expect(new Set(mall.map((item) => item.merchantId)).size).toBe(2);
    expect(new Set(delivery.map((item) => item.merchantId)).size).toBe(2);
    expect([...mall, ...delivery].every((item) => item.images.length === 1)).toBe(true);
    // The shop's name is searched too: everything 한밭국밥 sells.
    expect((await shop('&q=국밥')).map((item) => item.name).sort()).toEqual([
      '돼지국밥',
      '수육 (소)',
      '순대국밥',
    ]);
    expect((await shop('&q=사과')).map((item) => item.name)).toEqual(['부사 사과 5kg']);

    const gukbapOwner = await t.platform.members.findByPhone(tenantId, DEMO_GUKBAP_SHOP.phone);
    const [gukbap] = await t.platform.merchants.listForOwner(tenantId, gukbapOwner?.id ?? '');
    expect(gukbap?.status).toBe('approved');
    const terms = await t.platform.commerce.catalogue.deliveryTerms(tenantId, gukbap?.id ?? '');
    expect(terms).toMatchObject({ opensAt: '00:00', closesAt: '24:00', minimumOrderWon: 12_000 });

    expect((await citizen.get('/v1/me/wallet')).body).toEqual(walletBefore);
    await expectLedgerAuditGreen(t.platform, tenantId);
  });
});
