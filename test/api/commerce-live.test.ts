import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restaurantApplication } from '../support/merchants-fixtures.js';
import {
  ApiClient,
  demoClient,
  demoMerchantCode,
  newMember,
  openTestPlatform,
  seedTestTenant,
  type TestPlatform,
} from '../support/platform.js';

/** Reads a server-sent event stream until an event of `type` arrives; returns its data. */
async function nextEvent(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  buffer: { text: string },
  type: string,
) {
  const decoder = new TextDecoder();
  for (;;) {
    const blocks = buffer.text.split('\n\n');
    for (let index = 0; index < blocks.length - 1; index += 1) {
      const block = blocks[index] as string;
      if (block.split('\n').includes(`event: ${type}`)) {
        buffer.text = blocks.slice(index + 1).join('\n\n');
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        return JSON.parse(data?.slice('data: '.length) ?? 'null');
      }
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${type}`);
    buffer.text += decoder.decode(value, { stream: true });
  }
}

describe('live order updates (server-sent events)', () => {
  let t: TestPlatform;
  let tenantId: string;
  let baseUrl: string;

  beforeAll(async () => {
    t = await openTestPlatform('pglite');
    tenantId = await seedTestTenant(t.platform);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  function open(client: ApiClient, path: string, abort: AbortController) {
    return fetch(`${baseUrl}${path}`, {
      headers: {
        authorization: `Bearer ${client.token}`,
        'x-tenant-id': tenantId,
        accept: 'text/event-stream',
      },
      signal: abort.signal,
    });
  }

  it('pushes a new delivery order to the restaurant and each change to the citizen', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    await operator.request('POST', '/v1/operator/commerce/categories', {
      categoryId: 'meals',
      name: '음식',
      nameEn: 'Meals',
    });
    const restaurant = await demoClient(t.app, tenantId, 'cafe');
    await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      minimumOrderWon: 0,
      deliveryFeeWon: 0,
      opensAt: '00:00',
      closesAt: '24:00',
    });
    const soup = await restaurant.request('POST', '/v1/merchant/products', {
      channel: 'delivery',
      name: '칼국수',
      priceWon: 8_000,
      categoryId: 'meals',
    });
    const buyer = await newMember(t.app, tenantId, '010-7500-0001');
    await buyer.post('/v1/me/charges', { amountWon: 10_000 });
    const abort = new AbortController();
    const queue = await open(restaurant, '/v1/merchant/orders/events', abort);
    const page = await open(buyer, '/v1/me/orders/events', abort);
    expect(queue.headers.get('content-type')).toContain('text/event-stream');
    const queueReader = (queue.body as ReadableStream<Uint8Array>).getReader();
    const pageReader = (page.body as ReadableStream<Uint8Array>).getReader();
    const queueBuffer = { text: '' };
    const pageBuffer = { text: '' };
    await nextEvent(queueReader, queueBuffer, 'ready');
    await nextEvent(pageReader, pageBuffer, 'ready');

    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: soup.body.productId, quantity: 1 }],
      deliveryDong: '둔산동',
    });
    const orderId = placed.body.orders[0].orderId;
    expect(await nextEvent(queueReader, queueBuffer, 'order.new_delivery')).toMatchObject({
      orderId,
      status: 'placed',
      totalWon: 8_000,
    });
    expect(await nextEvent(pageReader, pageBuffer, 'order')).toMatchObject({ orderId, status: 'placed' });
    await restaurant.post(`/v1/merchant/orders/${orderId}/accept`);
    expect(await nextEvent(pageReader, pageBuffer, 'order')).toMatchObject({
      orderId,
      status: 'accepted',
      heldWon: 0,
    });
    await restaurant.post(`/v1/merchant/orders/${orderId}/status`, { status: 'cooking' });
    expect(await nextEvent(pageReader, pageBuffer, 'order')).toMatchObject({ orderId, status: 'cooking' });
    expect(await nextEvent(queueReader, queueBuffer, 'order')).toMatchObject({ orderId, status: 'accepted' });
    abort.abort();
  });

  it("streams every shop of an owner with several, or the one they name, and refuses another's", async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    const owner = await newMember(t.app, tenantId, '010-7500-0002');
    const ownerId = (await owner.get('/v1/me')).body.memberId as string;
    const shops: string[] = [];
    for (const name of ['한밭 국밥 둔산점', '한밭 국밥 탄방점']) {
      const applied = await t.platform.merchants.apply(tenantId, ownerId, restaurantApplication({ name }));
      shops.push((await t.platform.merchants.approve(tenantId, applied.id, 'usr_reviewer')).id);
    }
    await operator.request('POST', '/v1/operator/commerce/categories', {
      categoryId: 'noodles',
      name: '면',
      nameEn: 'Noodles',
    });
    const soups: string[] = [];
    for (const shop of shops) {
      const headers = { 'x-merchant-id': shop };
      await owner.request(
        'PUT',
        '/v1/merchant/delivery-terms',
        { areas: ['둔산동'], minimumOrderWon: 0, deliveryFeeWon: 0, opensAt: '00:00', closesAt: '24:00' },
        headers,
      );
      const soup = await owner.request(
        'POST',
        '/v1/merchant/products',
        { channel: 'delivery', name: '잔치국수', priceWon: 6_000, categoryId: 'noodles' },
        headers,
      );
      expect(soup.status).toBe(201);
      soups.push(soup.body.productId);
    }
    const abort = new AbortController();
    const all = await open(owner, '/v1/merchant/orders/events', abort);
    const second = await open(owner, `/v1/merchant/orders/events?merchantId=${shops[1]}`, abort);
    const allReader = (all.body as ReadableStream<Uint8Array>).getReader();
    const secondReader = (second.body as ReadableStream<Uint8Array>).getReader();
    const allBuffer = { text: '' };
    const secondBuffer = { text: '' };
    await nextEvent(allReader, allBuffer, 'ready');
    await nextEvent(secondReader, secondBuffer, 'ready');

    const buyer = await newMember(t.app, tenantId, '010-7500-0003');
    await buyer.post('/v1/me/charges', { amountWon: 20_000 });
    for (const soup of soups)
      expect(
        (
          await buyer.post('/v1/me/orders', {
            items: [{ productId: soup, quantity: 1 }],
            deliveryDong: '둔산동',
          })
        ).status,
      ).toBe(201);
    const first = await nextEvent(allReader, allBuffer, 'order.new_delivery');
    const next = await nextEvent(allReader, allBuffer, 'order.new_delivery');
    expect([first.merchantId, next.merchantId]).toEqual(shops);
    expect(await nextEvent(secondReader, secondBuffer, 'order.new_delivery')).toMatchObject({
      merchantId: shops[1],
    });
    abort.abort();

    const cafeShop = await demoMerchantCode(t.platform, tenantId, 'cafe');
    const refused = await fetch(`${baseUrl}/v1/merchant/orders/events?merchantId=${cafeShop.merchantId}`, {
      headers: { authorization: `Bearer ${owner.token}`, 'x-tenant-id': tenantId },
    });
    expect(refused.status).toBe(404);
    expect((await refused.json()).code).toBe('SHOP_NOT_FOUND');
  });

  it('ends a stream once its POS key is revoked or its session signed out, sending nothing more', async () => {
    const operator = await demoClient(t.app, tenantId, 'operator');
    await operator.request('POST', '/v1/operator/commerce/categories', {
      categoryId: 'snacks',
      name: '분식',
      nameEn: 'Snacks',
    });
    const restaurant = await demoClient(t.app, tenantId, 'cafe');
    await restaurant.request('PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동'],
      minimumOrderWon: 0,
      deliveryFeeWon: 0,
      opensAt: '00:00',
      closesAt: '24:00',
    });
    const tteokbokki = await restaurant.request('POST', '/v1/merchant/products', {
      channel: 'delivery',
      name: '떡볶이',
      priceWon: 5_000,
      categoryId: 'snacks',
    });
    const issued = await restaurant.post('/v1/merchant/pos-keys', { label: '카운터 2' });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const till = new ApiClient(t.app, tenantId);
    till.token = issued.body.key;
    const buyer = await newMember(t.app, tenantId, '010-7500-0090');
    await buyer.post('/v1/me/charges', { amountWon: 10_000 });
    const otherTab = await new ApiClient(t.app, tenantId).logIn('010-7500-0090', 'correct-horse-1');
    const abort = new AbortController();
    const queueReader = (
      (await open(till, '/v1/merchant/orders/events', abort)).body as ReadableStream<Uint8Array>
    ).getReader();
    const pageReader = (
      (await open(otherTab, '/v1/me/orders/events', abort)).body as ReadableStream<Uint8Array>
    ).getReader();
    await nextEvent(queueReader, { text: '' }, 'ready');
    await nextEvent(pageReader, { text: '' }, 'ready');

    expect((await restaurant.request('DELETE', `/v1/merchant/pos-keys/${issued.body.keyId}`)).status).toBe(
      200,
    );
    expect((await otherTab.request('DELETE', '/v1/sessions/current')).status).toBe(204);
    const placed = await buyer.post('/v1/me/orders', {
      items: [{ productId: tteokbokki.body.productId, quantity: 1 }],
      deliveryDong: '둔산동',
    });
    expect(placed.status).toBe(201);
    await expect(nextEvent(queueReader, { text: '' }, 'order.new_delivery')).rejects.toThrow('stream ended');
    await expect(nextEvent(pageReader, { text: '' }, 'order')).rejects.toThrow('stream ended');
    abort.abort();
  });

  it('refuses a stream without a session', async () => {
    const response = await fetch(`${baseUrl}/v1/me/orders/events`, { headers: { 'x-tenant-id': tenantId } });
    expect(response.status).toBe(401);
  });
});
