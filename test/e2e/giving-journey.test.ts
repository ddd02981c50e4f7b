import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { PHONE, screenshot } from './support/browser.js';
import { apiCall, apiToken, describeJourneys } from './support/journey.js';
import { confirmWithPin, logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;

/** Charges the demo citizen's wallet through the API, so the journey is about giving. */
async function charge(baseUrl: string, amountWon: number): Promise<void> {
  const token = await apiToken(baseUrl, DEMO_CREDENTIALS.citizen);
  const charged = await apiCall(baseUrl, token, 'POST', '/v1/me/charges', { amountWon }, 'e2e-give');
  expect(charged.status).toBe(201);
}

describeJourneys('giving in a real browser', (journey) => {
  it(
    'a citizen donates ₩10,000 to a demo charity, sees it in their donations and downloads the tax statement PDF',
    async () => {
      await charge(journey.server.url, 50_000);
      const context = await journey.person(PHONE);
      const page = await context.newPage();
      await logIn(page, DEMO_CREDENTIALS.citizen);
      await page.goto('/wallet/giving');
      await page.getByLabel('기부처').selectOption({ index: 1 });
      await page.getByLabel('기부 금액').fill('10000');
      await page.getByRole('button', { name: '기부하기' }).click();
      const sheet = page.getByRole('dialog', { name: '이렇게 기부할까요?' });
      await sheet.getByText('기부에는 캐시백이 쌓이지 않습니다', { exact: false }).waitFor();
      await confirmWithPin(sheet, '10,000원 기부하기');
      await page.getByText('10,000원을 기부했습니다. 캐시백은 쌓이지 않습니다.').waitFor();
      await page.getByText('합계 10,000원').waitFor();
      await screenshot(page, 'giving-01-donated');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'PDF 내려받기' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^tax-statement-\d{4}\.pdf$/);
      const bytes = await readFile((await download.path()) as string);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

      // A monthly gift reads as people say it: 매월 8일, and its first month as 2026년 12월, never 2026-12.
      await page.getByLabel('기부처').selectOption({ index: 1 });
      await page.getByLabel('기부 금액').fill('5000');
      await page.getByLabel('매월 정기 기부').check();
      await page.getByLabel('매월 기부일').fill('8');
      await page.getByRole('button', { name: '기부하기' }).click();
      await confirmWithPin(page.getByRole('dialog', { name: '이렇게 기부할까요?' }), '5,000원 기부하기');
      await page
        .getByText(/^매월 8일 5,000원 정기 기부를 시작합니다 \(첫 기부: \d{4}년 \d{1,2}월\)\.$/)
        .waitFor();
      const monthly = page.locator('li').filter({ hasText: '매월 8일' });
      await monthly.getByRole('button', { name: '정기 기부 중단' }).waitFor();

      // A month the scheduler could not give (its run is not in this journey's hands, so the answer is
      // given the failure the server records) reads in words, in the reader's language, never the code.
      await page.route(
        (url) => url.pathname === '/v1/me/donations',
        async (route) => {
          if (route.request().method() !== 'GET') return route.continue();
          const response = await route.fetch();
          const body = (await response.json()) as { monthlyGifts: Array<Record<string, unknown>> };
          for (const gift of body.monthlyGifts) {
            gift.lastFailure = { month: '2026-12', code: 'INSUFFICIENT_FUNDS', attempts: 1 };
          }
          await route.fulfill({ response, json: body });
        },
      );
      await page.reload();
      await monthly
        .getByText('2026년 12월 기부 실패: 기부할 잔액이 부족했습니다 (다시 시도합니다)', { exact: false })
        .waitFor();
      expect(await page.locator('main').textContent()).not.toContain('INSUFFICIENT_FUNDS');
      await screenshot(page, 'giving-02-monthly-failed');
      await page.getByRole('button', { name: 'Switch to English' }).click();
      const monthlyEn = page.locator('li').filter({ hasText: 'Day 8 of every month' });
      await monthlyEn
        .getByText('December 2026 failed: not enough balance to give (will retry)', { exact: false })
        .waitFor();
    },
    JOURNEY_TIMEOUT_MS,
  );
});
