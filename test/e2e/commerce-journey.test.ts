import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { expectAccessible } from './support/accessibility.js';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  DESKTOP,
  launchBrowser,
  newPerson,
  PHONE,
  screenshot,
} from './support/browser.js';
import { confirmWithPin, eventually, expectNoKoreanOnScreen, logIn } from './support/people.js';
import { type RunningServer, startServer } from './support/server.js';
import { ensureWebBuilt } from './support/web-build.js';

const browserFound = chromiumAvailable();
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const JOURNEY_TIMEOUT_MS = 300_000;
const PHOTO_PROCESS_START_MS_MAX = 120_000;

async function tokenOf(baseUrl: string, person: { phone: string; password: string }): Promise<string> {
  const session = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: person.phone, password: person.password }),
  });
  expect(session.status).toBe(201);
  return ((await session.json()) as { token: string }).token;
}

async function apiCall(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': `e2e-${path}-${Math.random()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The demo's listings on a fresh start, bought in the browser: mall with a photo, delivery live, a rejection. */
describe.skipIf(!browserFound && !browserRequired)('the mall and delivery in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let citizenToken: string;

  beforeAll(async () => {
    if (!browserFound) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    citizenToken = await tokenOf(server.url, DEMO_CREDENTIALS.citizen);
    expect(
      (await apiCall(server.url, citizenToken, 'POST', '/v1/me/charges', { amountWon: 100_000 })).status,
    ).toBe(201);
    // 한밭 커피 opens 07:00–22:00 in the demo; the journey runs at any hour, so it opens round the clock here.
    const cafe = await tokenOf(server.url, DEMO_CREDENTIALS.cafe);
    const terms = await apiCall(server.url, cafe, 'PUT', '/v1/merchant/delivery-terms', {
      areas: ['둔산동', '탄방동'],
      minimumOrderWon: 10_000,
      deliveryFeeWon: 1_500,
      opensAt: '00:00',
      closesAt: '24:00',
    });
    expect(terms.status).toBe(200);
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  async function person(
    who: 'citizen' | 'cafe' | 'marketStore' | 'operator',
    device: typeof PHONE | typeof DESKTOP,
  ) {
    const context = await newPerson(browser, server.url, device);
    contexts.push(context);
    const page = await context.newPage();
    await logIn(page, DEMO_CREDENTIALS[who]);
    return page;
  }

  async function cashWon(): Promise<number> {
    return (await apiCall(server.url, citizenToken, 'GET', '/v1/me/wallet')).body.cashWon as number;
  }

  /** Puts `quantity` of a 한밭 커피 dish in the cart, on the citizen's phone. */
  async function addFromCafe(citizen: Page, productName: string, quantity: number) {
    await citizen.goto('/wallet/shop?channel=delivery');
    await citizen.getByRole('link', { name: new RegExp(productName) }).click();
    await citizen.getByLabel('수량').fill(String(quantity));
    await citizen.getByRole('button', { name: '장바구니에 담기' }).click();
    await citizen.getByText('장바구니에 담았습니다.').waitFor();
  }

  /**
   * Orders from 한밭 커피 for delivery. The cart reads the shop's delivery terms, so the confirm shows
   * the fee and the exact total the checkout holds, and the order shows that same total.
   */
  async function orderFromCafe(
    citizen: Page,
    productName: string,
    quantity: number,
    amounts: { itemsText: string; feeText: string; heldText: string },
  ) {
    await addFromCafe(citizen, productName, quantity);
    await citizen.goto('/wallet/shop/cart');
    await citizen.getByText(`배달비 ${amounts.feeText} · 최소 주문 10,000원`).waitFor();
    await citizen.getByLabel('배달받을 동').fill('둔산동');
    await citizen.getByRole('button', { name: '주문하기' }).click();
    const sheet = citizen.getByRole('dialog');
    await sheet.getByText(amounts.itemsText, { exact: true }).waitFor();
    await sheet.getByText(amounts.feeText, { exact: true }).waitFor();
    await sheet.getByText(amounts.heldText, { exact: true }).waitFor();
    await expect(sheet.getByText('+ 배달비').count()).resolves.toBe(0);
    await confirmWithPin(sheet, `${amounts.heldText} 주문`);
    await citizen.getByRole('heading', { level: 1, name: '주문 내역' }).waitFor();
    await citizen.locator('.order-summary').first().getByText(amounts.heldText, { exact: true }).waitFor();
  }

  it(
    'a delivery order is accepted and delivered, the live status seen by the citizen and the restaurant',
    async () => {
      const restaurant = await person('cafe', DESKTOP);
      await restaurant.goto('/merchant/orders');
      await restaurant.getByText('실시간 연결됨').waitFor();
      const citizen = await person('citizen', PHONE);
      await citizen.goto('/wallet/shop?channel=delivery');
      await citizen.getByRole('link', { name: /아메리카노/ }).waitFor();
      await expectAccessible(citizen, 'shop home (delivery)');
      // 3,500원 × 3 and the cafe's 1,500원 delivery fee.
      await orderFromCafe(citizen, '아메리카노', 3, {
        itemsText: '10,500원',
        feeText: '1,500원',
        heldText: '12,000원',
      });
      await citizen.getByText('실시간으로 상태가 바뀝니다').waitFor();
      await eventually(() => citizen.getByTestId('order-status').first().textContent()).toBe('접수 대기');

      await restaurant.getByText('새 배달 주문이 들어왔습니다!').waitFor();
      await screenshot(restaurant, 'commerce-01-new-delivery-order');
      await expectAccessible(restaurant, 'order queue');
      await restaurant.getByRole('button', { name: '수락', exact: true }).click();
      await eventually(() => citizen.getByTestId('order-status').first().textContent()).toBe('주문 수락');
      for (const [step, shown] of [
        ['조리 중', '조리 중'],
        ['배달 중', '배달 중'],
        ['배달·배송 완료', '배달·배송 완료'],
      ]) {
        await restaurant.getByRole('button', { name: `다음 단계: ${step}` }).click();
        await eventually(() => citizen.getByTestId('order-status').first().textContent()).toBe(shown);
      }
      await eventually(() => restaurant.getByTestId('order-status').first().textContent()).toBe(
        '배달·배송 완료',
      );
      await screenshot(citizen, 'commerce-02-delivered-live');

      // In English, no Korean is left outside proper names from the data.
      await citizen.getByRole('button', { name: 'Switch to English' }).click();
      await eventually(() => citizen.locator('html').getAttribute('lang')).toBe('en');
      for (const [path, heading] of [
        ['/wallet/shop?channel=delivery', 'Ontong Daejeon Mall and public delivery'],
        ['/wallet/shop/orders', 'My orders'],
        ['/wallet/shop/cart', 'Cart'],
      ] as const)
        await expectNoKoreanOnScreen(citizen, path, heading);
      await restaurant.getByRole('button', { name: 'Switch to English' }).click();
      await eventually(() => restaurant.locator('html').getAttribute('lang')).toBe('en');
      for (const [path, heading] of [
        ['/merchant/orders', 'Order queue'],
        ['/merchant/catalogue', 'Products and menu'],
      ] as const)
        await expectNoKoreanOnScreen(restaurant, path, heading);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a rejected order returns the money at once',
    async () => {
      const before = await cashWon();
      const restaurant = await person('cafe', DESKTOP);
      await restaurant.goto('/merchant/orders');
      await restaurant.getByText('실시간 연결됨').waitFor();
      const citizen = await person('citizen', PHONE);
      // 7,500원 × 2 and the cafe's 1,500원 delivery fee.
      await orderFromCafe(citizen, '클럽 샌드위치', 2, {
        itemsText: '15,000원',
        feeText: '1,500원',
        heldText: '16,500원',
      });
      expect(await cashWon()).toBeLessThan(before);
      await restaurant.getByText('새 배달 주문이 들어왔습니다!').waitFor();
      await restaurant.getByRole('button', { name: '거절', exact: true }).first().click();
      await eventually(() => citizen.getByTestId('order-status').first().textContent()).toBe('거절됨');
      await eventually(() => cashWon()).toBe(before);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a delivery order below the shop minimum is not offered checkout until enough is added',
    async () => {
      const citizen = await person('citizen', PHONE);
      // One 3,500원 아메리카노 against the cafe's 10,000원 minimum.
      await addFromCafe(citizen, '아메리카노', 1);
      await citizen.goto('/wallet/shop/cart');
      await citizen
        .getByText('이 가게의 최소 주문 금액은 10,000원입니다. 6,500원어치를 더 담아야 주문할 수 있습니다.')
        .waitFor();
      const checkout = citizen.getByRole('button', { name: '주문하기' });
      await eventually(() => checkout.isDisabled()).toBe(true);
      await expectAccessible(citizen, 'cart below the minimum order');
      await addFromCafe(citizen, '아메리카노', 2);
      await citizen.goto('/wallet/shop/cart');
      await citizen.getByText('묶어 둘 금액: 12,000원').waitFor();
      await eventually(() => checkout.isDisabled()).toBe(false);
      await expect(citizen.getByText('최소 주문 금액은').count()).resolves.toBe(0);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'the market lists a product with a photo, the citizen buys it, the market ships it and the cashback arrives',
    async () => {
      const market = await person('marketStore', DESKTOP);
      await market.goto('/merchant/catalogue');
      await market.getByLabel('이름').fill('유기농 쌀 10kg');
      await market.getByLabel('가격').fill('40000');
      await market.getByLabel('재고').first().fill('3');
      await market.getByLabel('분류').selectOption('food');
      await market.getByRole('button', { name: '올리기', exact: true }).click();
      await market.getByText('올렸습니다.').waitFor();
      const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#e8d8a0' } })
        .jpeg()
        .toBuffer();
      await market
        .getByRole('listitem')
        .filter({ hasText: '유기농 쌀 10kg' })
        .getByLabel('사진 올리기')
        .setInputFiles({ name: 'rice.jpg', mimeType: 'image/jpeg', buffer: photo });
      // The first photo starts the image process (TypeScript compiled, libvips loaded): slow on a busy machine.
      await market.getByText('사진을 올렸습니다.').waitFor({ timeout: PHOTO_PROCESS_START_MS_MAX });
      await expectAccessible(market, 'catalogue editor');

      const citizen = await person('citizen', PHONE);
      await citizen.goto('/wallet/shop');
      await citizen.getByLabel('검색어').fill('쌀');
      await citizen.getByRole('button', { name: '찾기' }).click();
      await citizen.getByRole('link', { name: /유기농 쌀 10kg/ }).click();
      await eventually(() =>
        citizen
          .getByRole('img', { name: '유기농 쌀 10kg 사진' })
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      ).toBe(800);
      await citizen.getByRole('button', { name: '장바구니에 담기' }).click();
      await citizen.goto('/wallet/shop/cart');
      await citizen.getByRole('button', { name: '주문하기' }).click();
      // A mall order holds the items alone: no delivery fee line.
      await citizen.getByRole('dialog').getByText('묶어 둘 금액').waitFor();
      await expect(citizen.getByRole('dialog').getByText('배달비').count()).resolves.toBe(0);
      await confirmWithPin(citizen.getByRole('dialog'), '40,000원 주문');
      await citizen.getByRole('heading', { level: 1, name: '주문 내역' }).waitFor();

      await market.goto('/merchant/orders');
      await market.getByLabel('운송장 번호').first().fill('CJ-1234-5678');
      await market.getByRole('button', { name: '다음 단계: 발송됨' }).first().click();
      await eventually(() => citizen.getByTestId('order-status').first().textContent()).toBe('발송됨');
      await citizen
        .getByText(/받은 캐시백/)
        .first()
        .waitFor();
      await screenshot(citizen, 'commerce-03-shipped-cashback');
    },
    JOURNEY_TIMEOUT_MS,
  );
  it(
    'the operator schedules a commission rate by its name, confirmed as before → after',
    async () => {
      const operator = await person('operator', DESKTOP);
      await operator.goto('/operator/commerce');
      const rules = operator.getByRole('region', { name: '수수료 규칙' });
      await rules.getByRole('rowheader', { name: '온라인몰 판매 수수료' }).waitFor();
      // Rules by their names and values in their units, never the keys behind them.
      expect(await rules.textContent()).not.toMatch(/commerce_|_bp\b|_won\b|_minutes\b/);
      await rules.getByLabel('항목').selectOption({ label: '온라인몰 판매 수수료' });
      // A rate is typed as the percentage it reads as (9 is 9%), and the confirm names the 900 bp stored.
      await rules.getByLabel('값 (%)', { exact: true }).fill('9');
      await rules.getByRole('button', { name: '규칙 값 예약' }).click();
      const confirm = operator.getByRole('dialog', { name: '규칙 값을 이렇게 바꿀까요?' });
      await confirm.getByText('온라인몰 판매 수수료', { exact: true }).waitFor();
      await confirm.getByText('8.5% → 9%').waitFor();
      await confirm.getByText('900bp', { exact: true }).waitFor();
      await expectAccessible(operator, 'commission rule confirm');
      await screenshot(operator, 'commerce-04-commission-confirm');
      await confirm.getByRole('button', { name: '예약하기' }).click();
      await operator.getByText(/온라인몰 판매 수수료 값을 .*부터 9%\(으\)로 예약했습니다\./).waitFor();
      const operatorToken = await tokenOf(server.url, DEMO_CREDENTIALS.operator);
      const scheduled = await apiCall(
        server.url,
        operatorToken,
        'GET',
        '/v1/operator/commerce/commission-rules',
      );
      expect(scheduled.status).toBe(200);
      expect(JSON.stringify(scheduled.body)).toContain('"value":900');
    },
    JOURNEY_TIMEOUT_MS,
  );
});
