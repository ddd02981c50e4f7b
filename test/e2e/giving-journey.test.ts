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
    },
    JOURNEY_TIMEOUT_MS,
  );
});
