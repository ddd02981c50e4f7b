import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  demoClient,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/** Listing photos: checked, resized by sharp, stored by content hash under DATA_DIR, served immutable. */
describe('listing photos', () => {
  let t: TestPlatform;
  let dataDir: string;
  let tenantId: string;
  let market: ApiClient;
  let bookstore: ApiClient;
  let productId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hanbat-images-'));
    t = await openTestPlatform('pglite', { DATA_DIR: dataDir });
    t.clock.set('2021-05-13T03:00:00Z');
    tenantId = await seedTestTenant(t.platform);
    const operator = await demoClient(t.app, tenantId, 'operator');
    market = await demoClient(t.app, tenantId, 'marketStore');
    bookstore = await demoClient(t.app, tenantId, 'bookstore');
    await operator.request('POST', '/v1/operator/commerce/categories', {
      categoryId: 'food',
      name: '식품',
      nameEn: 'Food',
    });
    const created = await market.request('POST', '/v1/merchant/products', {
      channel: 'mall',
      name: '부사 사과 5kg',
      priceWon: 30_000,
      stock: 10,
      categoryId: 'food',
    });
    expect(created.status).toBe(201);
    productId = created.body.productId;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function upload(client: ApiClient, id: string, bytes: Buffer, contentType = 'image/png') {
    return t.app.inject({
      method: 'POST',
      url: `/v1/merchant/products/${id}/images`,
      headers: {
        'x-tenant-id': tenantId,
        authorization: `Bearer ${client.token}`,
        'content-type': contentType,
      },
      payload: bytes,
    });
  }

  const photo = (widthPx: number, heightPx: number, colour = '#c0392b') =>
    sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: colour } })
      .png()
      .toBuffer();

  async function storedFiles(): Promise<string[]> {
    const root = path.join(dataDir, 'commerce-images');
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  }

  it('resizes a photo to 1200 px and a 320 px thumbnail, stored and named by the hash of their bytes', async () => {
    const response = await upload(market, productId, await photo(3000, 2000));
    expect(response.statusCode).toBe(201);
    const [image] = response.json().images;
    expect(image.url).toBe(`/v1/shop/images/${image.imageId}.webp`);
    expect(image.imageId).toMatch(/^[0-9a-f]{64}$/);

    const served = await t.app.inject({ method: 'GET', url: image.url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers.etag).toBe(`"${image.imageId}"`);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(served.rawPayload).digest('hex')).toBe(image.imageId);
    const full = await sharp(served.rawPayload).metadata();
    expect([full.format, full.width, full.height]).toEqual(['webp', 1200, 800]);

    const thumbnail = await t.app.inject({ method: 'GET', url: image.thumbnailUrl });
    const small = await sharp(thumbnail.rawPayload).metadata();
    expect([small.format, small.width, small.height]).toEqual(['webp', 320, 320]);

    const again = await t.app.inject({
      method: 'GET',
      url: image.url,
      headers: { 'if-none-match': `"${image.imageId}"` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);

    const shown = await t.app.inject({
      method: 'GET',
      url: `/v1/shop/products/${productId}`,
      headers: { 'x-tenant-id': tenantId },
    });
    expect(shown.json().images).toEqual([image]);
  });

  it('attaches the same photo once and stores it once', async () => {
    const bytes = await photo(400, 400, '#2980b9');
    const before = await storedFiles();
    const first = await upload(market, productId, bytes);
    const second = await upload(market, productId, bytes);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().images).toEqual(first.json().images);
    // A 400 px square: its photo is not enlarged and its thumbnail is a second file.
    expect((await storedFiles()).length).toBe(before.length + 2);
  });

  it('refuses a 20 MB upload, a non-image, a corrupt image and a JSON body, changing nothing', async () => {
    const before = await storedFiles();
    const cases: Array<[Buffer, string, number, string]> = [
      [Buffer.alloc(20 * 1024 * 1024, 1), 'image/jpeg', 413, 'IMAGE_TOO_LARGE'],
      [Buffer.from('%PDF-1.7 not a photo'), 'image/png', 415, 'NOT_AN_IMAGE'],
      [(await photo(50, 50)).subarray(0, 60), 'image/png', 415, 'NOT_AN_IMAGE'],
      [Buffer.from('name,price\n사과,1000\n'), 'text/csv', 415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'],
      [Buffer.from('{"url":"https://example.org/a.png"}'), 'application/json', 415, 'NOT_AN_IMAGE'],
    ];
    for (const [bytes, contentType, status, code] of cases) {
      const response = await upload(market, productId, bytes, contentType);
      expect({ contentType, status: response.statusCode }).toEqual({ contentType, status });
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe(code);
    }
    expect(await storedFiles()).toEqual(before);
    const shown = await market.get('/v1/merchant/products');
    expect(shown.body.items[0].images).toHaveLength(2);
  });

  it("answers someone else's product, or a missing one, as not found and stores nothing", async () => {
    const before = await storedFiles();
    const bytes = await photo(100, 100, '#27ae60');
    expect((await upload(bookstore, productId, bytes)).statusCode).toBe(404);
    expect((await upload(market, 'prd_missing', bytes)).statusCode).toBe(404);
    const citizen = await newMember(t.app, tenantId, '010-7410-0001');
    expect((await upload(citizen, productId, bytes)).statusCode).toBe(403);
    expect(await storedFiles()).toEqual(before);
  });

  it('serves no path outside the photo folder', async () => {
    for (const name of [
      '..%2F..%2Fpackage.json',
      'abc.webp',
      `${'0'.repeat(64)}.webp`,
      `${'a'.repeat(64)}.png`,
    ]) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/shop/images/${name}` });
      expect(response.statusCode).toBe(404);
    }
  });

  it('keeps at most eight photos per listing', async () => {
    const colours = ['#111111', '#222222', '#333333', '#444444', '#555555', '#666666', '#777777'];
    const statuses: number[] = [];
    for (const colour of colours)
      statuses.push((await upload(market, productId, await photo(64, 64, colour))).statusCode);
    // Two photos were already there: six more fit, the seventh is refused.
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 409]);
  });
});
