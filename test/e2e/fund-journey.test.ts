import { it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { DESKTOP, screenshot } from './support/browser.js';
import { describeJourneys } from './support/journey.js';
import { logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;
const PURPOSE = '도서 구입 자금 (브라우저 여정)';

describeJourneys('management funds in a real browser', (journey) => {
  it(
    'a bookstore applies for ₩10,000,000, an operator approves it, and the merchant sees it paid with its schedule',
    async () => {
      const merchantContext = await journey.person(DESKTOP);
      const merchant = await merchantContext.newPage();
      await logIn(merchant, DEMO_CREDENTIALS.bookstore);
      await merchant.goto('/merchant/funds');
      await merchant.getByLabel('신청 금액').fill('10000000');
      await merchant.getByLabel('자금 용도').fill(PURPOSE);
      await merchant.getByLabel('상환 기간 (개월)').fill('24');
      await merchant.getByLabel('개업일').fill('2015-04-01');
      await merchant.getByRole('button', { name: '신청하기' }).click();
      await merchant.getByText('신청했습니다: 심사 대기').waitFor();
      await screenshot(merchant, 'funds-01-applied');

      const operatorContext = await journey.person(DESKTOP);
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
