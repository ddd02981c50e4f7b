import { it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { DESKTOP, screenshot } from './support/browser.js';
import { describeJourneys } from './support/journey.js';
import { logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;

describeJourneys('동행협약 partners in a real browser', (journey) => {
  it(
    'an operator reads the demo partner statement and gives the demo citizen ₩30,000 from a CSV',
    async () => {
      const context = await journey.person(DESKTOP);
      const page = await context.newPage();
      await logIn(page, DEMO_CREDENTIALS.operator);
      await page.goto('/operator/partners');
      await page.getByRole('cell', { name: '한밭전자 (데모)' }).waitFor();
      await page.getByRole('button', { name: '명세 보기' }).first().click();
      await page.getByRole('heading', { name: '한밭전자 (데모) 명세' }).waitFor();
      await page.getByRole('row', { name: /예치금 잔액\s*5,000,000원/ }).waitFor();
      await page.getByLabel('CSV 파일').setInputFiles({
        name: 'gift.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF전화번호,금액\r\n${DEMO_CREDENTIALS.citizen.phone},30000\r\n`),
      });
      await page.getByLabel('사용 기한 (YYYY-MM-DD)').fill('2099-12-31');
      await page.getByRole('button', { name: '선물 보내기' }).click();
      await page.getByText('1명에게 30,000원을 보냈습니다.').waitFor();
      await page.getByRole('row', { name: /예치금 잔액\s*4,970,000원/ }).waitFor();
      await screenshot(page, 'partners-01-gift');
    },
    JOURNEY_TIMEOUT_MS,
  );
});
