import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  DESKTOP,
  launchBrowser,
  newPerson,
  screenshot,
} from './support/browser.js';
import { logIn } from './support/people.js';
import { type RunningServer, startServer } from './support/server.js';
import { ensureWebBuilt } from './support/web-build.js';

const browserFound = chromiumAvailable();
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const JOURNEY_TIMEOUT_MS = 120_000;
const PURPOSE = '도서 구입 자금 (브라우저 여정)';

describe.skipIf(!browserFound && !browserRequired)('management funds in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!browserFound) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  it(
    'a bookstore applies for ₩10,000,000, an operator approves it, and the merchant sees it paid with its schedule',
    async () => {
      const merchantContext = await newPerson(browser, server.url, DESKTOP);
      contexts.push(merchantContext);
      const merchant = await merchantContext.newPage();
      await logIn(merchant, DEMO_CREDENTIALS.bookstore);
      await merchant.goto('/merchant/funds');
      await merchant.getByLabel('신청 금액').fill('10000000');
      await merchant.getByLabel('자금 용도').fill(PURPOSE);
      await merchant.getByLabel('상환 기간 (개월)').fill('24');
      await merchant.getByLabel('개업일 (YYYY-MM-DD)').fill('2015-04-01');
      await merchant.getByRole('button', { name: '신청하기' }).click();
      await merchant.getByText('신청했습니다: 심사 대기').waitFor();
      await screenshot(merchant, 'funds-01-applied');

      const operatorContext = await newPerson(browser, server.url, DESKTOP);
      contexts.push(operatorContext);
      const operator = await operatorContext.newPage();
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await operator.goto('/operator/funds');
      const entry = operator.locator('div', { has: operator.getByText(PURPOSE) }).last();
      await entry.getByRole('button', { name: '승인' }).click();
      await entry.getByText('지급 완료').waitFor();
      await operator.getByTestId('fund-pool').getByText('10,000,000원').first().waitFor();
      await screenshot(operator, 'funds-02-approved');

      await merchant.reload();
      const mine = merchant.getByTestId('fund-application').filter({ hasText: PURPOSE });
      await mine.getByText('지급 완료').waitFor();
      await mine.getByText('상환 일정').click();
      await mine.getByRole('cell', { name: '416,667원' }).first().waitFor();
      await screenshot(merchant, 'funds-03-schedule');
    },
    JOURNEY_TIMEOUT_MS,
  );
});
