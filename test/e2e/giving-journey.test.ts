import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchBrowser,
  newPerson,
  PHONE,
  screenshot,
} from './support/browser.js';
import { logIn } from './support/people.js';
import { type RunningServer, startServer } from './support/server.js';
import { ensureWebBuilt } from './support/web-build.js';

const browserFound = chromiumAvailable();
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const JOURNEY_TIMEOUT_MS = 120_000;

/** Charges the demo citizen's wallet through the API, so the journey is about giving. */
async function charge(baseUrl: string, amountWon: number): Promise<void> {
  const session = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phone: DEMO_CREDENTIALS.citizen.phone,
      password: DEMO_CREDENTIALS.citizen.password,
    }),
  });
  const { token } = (await session.json()) as { token: string };
  const charged = await fetch(`${baseUrl}/v1/me/charges`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': 'e2e-give',
    },
    body: JSON.stringify({ amountWon }),
  });
  expect(charged.status).toBe(201);
}

describe.skipIf(!browserFound && !browserRequired)('giving in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!browserFound) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it(
    'a citizen donates ₩10,000 to a demo charity, sees it in their donations and downloads the tax statement PDF',
    async () => {
      await charge(server.url, 50_000);
      context = await newPerson(browser, server.url, PHONE);
      const page = await context.newPage();
      await logIn(page, DEMO_CREDENTIALS.citizen);
      await page.goto('/wallet/giving');
      await page.getByLabel('기부처').selectOption({ index: 1 });
      await page.getByLabel('기부 금액').fill('10000');
      await page.getByRole('button', { name: '기부하기' }).click();
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
