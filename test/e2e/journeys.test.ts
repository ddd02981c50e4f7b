import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { addDays, formatCalendarDate, seoulParts } from '../../web/src/i18n/format.js';
import { expectAccessible } from './support/accessibility.js';
import { DESKTOP, PHONE, screenshot } from './support/browser.js';
import { describeJourneys } from './support/journey.js';
import {
  confirmWithPin,
  eventually,
  expectNoKoreanOnScreen,
  logIn,
  readPaymentCode,
  signUpByApi,
} from './support/people.js';

/**
 * The journeys of the issue, in Debian's Chromium against `hanbat serve` on the embedded database.
 * Screenshots of each main screen land in test-results/screenshots/ for a reviewer.
 */

const JOURNEY_TIMEOUT_MS = 300_000;

/** No internal id (pay_…, usr_…, mer_…) and no machine code (settlement.run, traditional_market) on screen. */
async function expectNoRawCodes(page: Page): Promise<void> {
  const text = (await page.locator('main').textContent()) ?? '';
  expect(text).not.toMatch(/\b(pay|usr|mer|mkt|prg|wal)_[A-Za-z0-9]/);
  expect(text).not.toMatch(/\b[a-z]+(\.[a-z_]+)+\b|\b[a-z]+_[a-z_]+\b/);
}

describeJourneys('journeys in a real browser', (journey) => {
  const person = async (device: typeof PHONE | typeof DESKTOP): Promise<Page> => {
    return (await journey.person(device)).newPage();
  };

  it(
    'a citizen signs up, charges ₩100,000, pays ₩50,000 at a traditional-market store and sees ₩6,500 cashback',
    async () => {
      const page = await person(PHONE);
      await page.goto('/signup');
      await page.getByLabel('이름').fill('이시민');
      await page.getByLabel('휴대전화 번호').fill('010-5555-0001');
      await page.getByLabel('비밀번호').fill('hanbat-citizen-1');
      await page.getByLabel('생년월일').fill('1990-05-13');
      await page.getByLabel('사는 구').selectOption({ label: '서구' });
      // The city's 동 of the chosen district are offered; a legal 동 not in the list may still be typed.
      await eventually(() => dongsOffered(page)).toEqual([
        '둔산1동',
        '둔산2동',
        '둔산3동',
        '갈마1동',
        '탄방동',
      ]);
      expect(await page.getByLabel('사는 동').getAttribute('list')).toBe('dong-suggestions');
      await page.getByLabel('사는 동').fill('둔산동');
      await screenshot(page, 'citizen-01-sign-up');
      await page.getByRole('button', { name: '회원가입' }).click();
      await eventually(() => page.url()).toMatch(/\/wallet$/);
      await eventually(() => page.locator('.balance-total').textContent()).toBe('0원');

      await page.getByRole('link', { name: '충전' }).first().click();
      await expectAccessible(page, 'sign-up → wallet');
      await page.getByRole('button', { name: '+100,000원' }).click();
      await eventually(() => page.getByLabel('충전 금액').inputValue()).toBe('100,000');
      await page.getByRole('button', { name: '충전하기' }).click();
      const chargeConfirm = page.getByRole('dialog', { name: '이렇게 충전할까요?' });
      await chargeConfirm.getByText('모의 은행').waitFor();
      await expectAccessible(page, 'charge confirm');
      await chargeConfirm.getByRole('button', { name: '100,000원 충전하기' }).click();
      await page.getByText('100,000원을 충전했습니다.').waitFor();
      await screenshot(page, 'citizen-02-charged');

      await page.getByRole('link', { name: '가맹점 찾기' }).click();
      await eventually(() => page.title()).toBe('가맹점 찾기 — 온통대전');
      // Made-up markets carry no "(가상)" in their names; on this demo server they are marked 시연용.
      await eventually(() => page.getByLabel('전통시장').locator('option').count()).toBe(30);
      const marketNames = await page.getByLabel('전통시장').locator('option').allTextContents();
      expect(marketNames.filter((name) => name.includes('가상'))).toEqual([]);
      expect(marketNames).toContain('대전 전통시장 20 · 시연용');
      await page.getByLabel('전통시장').selectOption({ label: '대전중앙시장' });
      const store = page.getByRole('listitem').filter({ hasText: '중앙시장 한밭상회' });
      await eventually(() => page.locator('.merchant-card').count()).toBe(1);
      await store.waitFor();
      await screenshot(page, 'citizen-03-find-merchants');
      await store.getByRole('link', { name: '여기서 결제' }).click();

      // The shop's name comes from the lookup by code, not from the link.
      const shop = page.locator('.merchant-found');
      await shop.getByText('중앙시장 한밭상회').waitFor();
      await shop.getByText('추가 캐시백 전통시장 3%').waitFor();
      await page.getByLabel('결제 금액').fill('50000');
      await eventually(() => page.getByLabel('결제 금액').inputValue()).toBe('50,000');
      await screenshot(page, 'citizen-04-pay');
      await expectAccessible(page, 'pay');
      await page.getByRole('button', { name: '결제하기' }).click();
      const confirm = page.getByRole('dialog', { name: '이렇게 결제할까요?' });
      await confirm.getByText('중앙시장 한밭상회').waitFor();
      await confirm.getByText('충전금 50,000원').waitFor();
      await confirm.getByText('6,500원').waitFor();
      await confirm.getByLabel('결제 비밀번호 만들기 (숫자 6자리)').fill('246810');
      await confirm.getByLabel('결제 비밀번호 한 번 더').fill('246810');
      await screenshot(page, 'citizen-04b-confirm-payment');
      await expectAccessible(page, 'payment confirm');
      await confirm.getByRole('button', { name: '50,000원 결제하기' }).click();
      const receipt = page.locator('.receipt');
      await receipt.getByText('50,000원 결제').waitFor();
      await eventually(() => receipt.locator('.receipt-cashback dd').textContent()).toBe('6,500원');
      await screenshot(page, 'citizen-05-receipt');

      await expectAccessible(page, 'receipt');
      await page.getByRole('link', { name: '홈' }).click();
      await eventually(() => page.locator('.balance-total').textContent()).toBe('56,500원');
      await eventually(() => page.locator('.month-cashback strong').textContent()).toBe('6,500원');
      await expect(page.locator('.balance-parts').getByText('6,500원').count()).resolves.toBe(1);
      await screenshot(page, 'citizen-06-home');

      await page.getByRole('link', { name: '내역' }).click();
      const payment = page.locator('.activity-payment').first();
      await payment.getByText('−50,000원').waitFor();
      await payment.getByText('캐시백 6,500원 적립').click();
      await payment.getByRole('cell', { name: '1,500원' }).waitFor();
      await eventually(() => payment.locator('.rule-table tr').count()).toBe(2);
      await payment.getByText('자세히').click();
      await payment.getByText('승인번호').waitFor();
      await page.getByLabel('종류').selectOption({ label: '충전' });
      await eventually(() => page.locator('.activity').count()).toBe(1);
      await page.locator('.activity-charge').getByText('+100,000원').waitFor();
      await page.getByLabel('종류').selectOption({ label: '송금' });
      await page.getByText('조건에 맞는 내역이 없습니다.').waitFor();
      await page.getByLabel('종류').selectOption({ label: '결제' });
      await page.locator('.activity-payment').first().getByText('자세히').click();
      await screenshot(page, 'citizen-07-history');
      await expectAccessible(page, 'history');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "a merchant collects a payment from a customer's one-time code and cancels half of it",
    async () => {
      const customer = await person(PHONE);
      await logIn(customer, DEMO_CREDENTIALS.citizen);
      await customer.goto('/wallet/charge');
      await customer.getByLabel('충전 금액').fill('30000');
      await customer.getByRole('button', { name: '충전하기' }).click();
      await customer.getByRole('dialog').getByRole('button', { name: '30,000원 충전하기' }).click();
      await customer.getByText('30,000원을 충전했습니다.').waitFor();
      await customer.goto('/wallet/code');
      // Whoever holds a code can spend it: it appears only after the PIN (made here the first time).
      await expect(customer.locator('.code-number').count()).resolves.toBe(0);
      await confirmWithPin(customer.getByRole('dialog', { name: '결제 코드를 열까요?' }), '결제 코드 보기');
      const code = await readPaymentCode(customer);
      await screenshot(customer, 'merchant-01-customer-code');

      const till = await person(PHONE);
      await logIn(till, DEMO_CREDENTIALS.cafe);
      await eventually(() => till.url()).toMatch(/\/merchant\/pos$/);
      await till.getByLabel('결제 금액').fill('20000');
      await till.getByLabel('손님 결제 코드').fill(code);
      await screenshot(till, 'merchant-02-pos');
      await till.getByRole('button', { name: '결제 받기' }).click();
      await till.getByRole('heading', { name: '결제 완료' }).waitFor();
      await till.getByText('20,000원 결제를 받았습니다.').waitFor();
      await screenshot(till, 'merchant-03-paid');
      // The customer's screen learns the code was collected and shows the receipt, not "expired".
      const customerReceipt = customer.locator('.receipt');
      await customerReceipt.getByText('20,000원 결제').waitFor();
      await customerReceipt.getByText('한밭 커피').waitFor();
      await expect(customer.getByText('코드가 만료되었습니다').count()).resolves.toBe(0);
      await screenshot(customer, 'merchant-03b-customer-receipt');
      await expectAccessible(customer, 'customer receipt after code payment');

      await till.getByRole('link', { name: '매출' }).click();
      const sale = till.locator('.sale').filter({ hasText: '20,000원' }).first();
      await sale.getByRole('button', { name: '취소' }).click();
      await sale.getByLabel('부분 취소').check();
      await sale.getByLabel('취소할 금액').fill('10000');
      await sale.getByRole('button', { name: '취소하기' }).click();
      await till.getByText('10,000원을 취소했습니다. 남은 결제액 10,000원.').waitFor();
      await till.locator('.sale').first().getByText('10,000원 취소됨').waitFor();
      await eventually(() =>
        till.locator('.data-table tbody tr').first().locator('td').last().textContent(),
      ).toBe('10,000원');
      await screenshot(till, 'merchant-04-sales-after-cancel');

      await till.getByRole('link', { name: '결제 QR' }).click();
      await till.getByRole('img', { name: /한밭 커피 결제 QR 코드/ }).waitFor();
      await screenshot(till, 'merchant-05-payment-qr');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'an applicant learns why an industry is refused and applies; an operator approves, schedules a promotion and previews it',
    async () => {
      await signUpByApi(journey.server.url, {
        phone: '010-5555-0002',
        password: 'hanbat-owner-1',
        name: '박사장',
      });
      const applicant = await person(PHONE);
      await logIn(applicant, { phone: '010-5555-0002', password: 'hanbat-owner-1' });
      await applicant.goto('/merchant/apply');
      await applicant.getByLabel('사업자등록번호').fill('220-81-62517');
      await applicant.getByLabel('상호').fill('한밭 분식');
      await applicant.getByLabel('업종').selectOption('golf_course');
      await applicant.getByLabel('구', { exact: true }).selectOption({ label: '중구' });
      await eventually(() => dongsOffered(applicant)).toEqual(['대흥동', '은행선화동', '문화1동', '태평1동']);
      await applicant.getByLabel('동', { exact: true }).fill('대흥동');
      await applicant.getByLabel('연 매출액 (원)').fill('120000000');
      // The settlement account's bank is chosen from the list of Korean banks, not typed as a code.
      await applicant.getByLabel('은행').selectOption({ label: '신한은행' });
      await applicant.getByLabel('계좌번호').fill('110-123-456789');
      await applicant.getByLabel('예금주').fill('박사장');
      await applicant
        .getByText('소상공인 지원 취지에 맞지 않는 업종이라 가맹할 수 없습니다')
        .first()
        .waitFor();
      await applicant.getByText('가입할 수 없습니다.').waitFor();
      await screenshot(applicant, 'operator-01-applicant-refused-industry');
      await applicant.getByLabel('업종').selectOption('restaurant');
      await applicant.getByText('가입할 수 있습니다.').waitFor();
      await applicant.getByRole('button', { name: '신청하기' }).click();
      await applicant.getByText('신청했습니다. 심사 결과는 신청 현황에서 확인하세요.').waitFor();
      await screenshot(applicant, 'operator-02-applied');

      const operator = await person(DESKTOP);
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await eventually(() => operator.url()).toMatch(/\/operator\/review$/);
      await operator.getByRole('button', { name: /한밭 분식/ }).click();
      await operator.getByRole('heading', { name: '가입 조건 확인 결과' }).waitFor();
      await operator.getByText('220-81-62517').first().waitFor();
      await operator.getByText('신한은행').first().waitFor();
      await screenshot(operator, 'operator-03-review-queue');
      await operator.getByRole('button', { name: '승인' }).click();
      await operator.getByText(/한밭 분식을\(를\) 승인했습니다. 가맹점 코드/).waitFor();
      await screenshot(operator, 'operator-04-approved');

      await operator.getByRole('link', { name: '캐시백 정책' }).click();
      await operator.getByLabel('정책 이름').fill('온통세일 예약');
      await operator.getByRole('button', { name: '프로모션 추가' }).click();
      const promotion = operator.locator('.editor-row-wide').last();
      await promotion.getByLabel('코드').fill('ontong_sale_next');
      await promotion.getByLabel('이름 (한국어)').fill('온통세일');
      await promotion.getByLabel('이름 (영어)').fill('Ontong Sale');
      const firstDay = await promotion.getByLabel('시작일').inputValue();
      await promotion.getByLabel('마지막 날').fill(addDays(firstDay, 29));
      await promotion.getByLabel('비율 (%)').fill('15');
      const proposed = operator.locator('.quote').last();
      await proposed.getByRole('cell', { name: /15%/ }).waitFor();
      await eventually(() => proposed.locator('.quote-amount strong').textContent()).toBe('7,500원');
      await eventually(() =>
        operator.locator('.quote').first().locator('.quote-amount strong').textContent(),
      ).toBe('5,000원');
      await screenshot(operator, 'operator-05-policy-preview');
      await operator.getByRole('button', { name: '예약 저장' }).click();
      const policyConfirm = operator.getByRole('dialog', { name: '정책을 이렇게 예약할까요?' });
      await policyConfirm.getByText('프로모션: 온통세일').waitFor();
      await policyConfirm.getByText(/^없음 → 15% · /).waitFor();
      await screenshot(operator, 'operator-05b-policy-confirm');
      await expectAccessible(operator, 'policy confirm');
      await policyConfirm.getByRole('button', { name: '예약하기' }).click();
      await operator.getByText(/"온통세일 예약" 정책을 .*부터 시행하도록 예약했습니다./).waitFor();
      await operator.locator('.versions li').filter({ hasText: '온통세일 예약' }).getByText('예정').waitFor();
      await screenshot(operator, 'operator-06-policy-scheduled');
      // A single rule value is confirmed too, with the value in force and the new one side by side.
      const ruleForm = operator.locator('form.inline-form');
      const ruleName = '월 충전 한도 (원)';
      await ruleForm.getByLabel('항목').selectOption({ label: ruleName });
      await ruleForm.getByLabel('값', { exact: true }).fill('1500000');
      await ruleForm.getByRole('button', { name: '규칙 값 예약' }).click();
      const ruleConfirm = operator.getByRole('dialog', { name: '규칙 값을 이렇게 바꿀까요?' });
      await ruleConfirm.getByText(ruleName, { exact: true }).waitFor();
      await ruleConfirm.getByText(/ → 1,500,000원$/).waitFor();
      await expectAccessible(operator, 'rule value confirm');
      await screenshot(operator, 'operator-06b-rule-confirm');
      await ruleConfirm.getByRole('button', { name: '예약하기' }).click();
      await operator.getByText(/값을 .*부터 .*\(으\)로 예약했습니다./).waitFor();

      await operator.getByRole('link', { name: '예산' }).click();
      await operator.locator('.recharts-surface').first().waitFor();
      await operator.getByText(/최근 30일 하루 평균 지급액/).waitFor();
      await screenshot(operator, 'operator-07-budget-burn');
      await operator.getByRole('link', { name: '원장 감사' }).click();
      await operator.getByText('이상 없음').waitFor();
      await screenshot(operator, 'operator-08-ledger-audit');
      await operator.getByRole('link', { name: '작업 기록' }).click();
      await operator.getByRole('cell', { name: '가맹점 승인' }).first().waitFor();
      await operator.getByRole('cell', { name: '캐시백 정책 예약' }).first().waitFor();
      await operator.getByRole('cell', { name: '가맹점 · 한밭 분식' }).first().waitFor();
      await operator.getByRole('cell', { name: DEMO_CREDENTIALS.operator.name }).first().waitFor();
      await expectNoRawCodes(operator);
      await screenshot(operator, 'operator-09-audit-trail');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'an operator creates a relief programme, sees the bad rows of its recipient CSV, imports the good ones and pays them out',
    async () => {
      const operator = await person(DESKTOP);
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await operator.goto('/operator/programs');
      await operator.getByLabel('사업 이름').fill('긴급재난지원금 (시험)');
      await operator.getByLabel('예산 (원)').fill('1000000');
      await operator.getByLabel('1인 지급액 (원)').fill('100000');
      const firstDay = await operator.getByLabel('사용 시작일').inputValue();
      await operator.getByLabel('사용 마지막 날').fill(addDays(firstDay, 30));
      await operator.getByRole('button', { name: '정책 사업 만들기' }).click();
      await operator.getByRole('heading', { level: 1, name: '긴급재난지원금 (시험)' }).waitFor();

      // The template downloads as Excel opens it: UTF-8 with a BOM, the Korean headers, an example row.
      const [template] = await Promise.all([
        operator.waitForEvent('download'),
        operator.getByRole('button', { name: '양식 내려받기' }).click(),
      ]);
      expect(template.suggestedFilename()).toBe('recipients-template.csv');
      const templateText = (await readFile((await template.path()) ?? '')).toString('utf8');
      expect(templateText).toMatch(/^\uFEFF전화번호,금액\r\n010-1234-5678,100000\r\n$/);

      // As Korean Excel saves it: CP949, with the Korean header 전화번호.
      const header = Buffer.from('c0fcc8adb9f8c8a30d0a', 'hex');
      const rows = Buffer.from(`${DEMO_CREDENTIALS.citizen.phone}\r\n010-9999-0000\r\n`);
      await operator.getByLabel('CSV 파일').setInputFiles({
        name: 'recipients.csv',
        mimeType: 'text/csv',
        buffer: Buffer.concat([header, rows]),
      });
      await operator.getByRole('button', { name: '검사하고 올리기' }).click();
      await operator.getByText(/오류가 있어 아무것도 올리지 않았습니다/).waitFor();
      const badRow = operator.locator('.import-result tbody tr');
      await eventually(() => badRow.count()).toBe(1);
      await eventually(() => badRow.locator('td').first().textContent()).toBe('3');
      await eventually(() => badRow.locator('td').last().textContent()).toBe('01099990000');
      await screenshot(operator, 'programme-01-csv-row-errors');
      await expectAccessible(operator, 'recipient import');

      await operator.getByLabel('오류가 있어도 올바른 줄은 올립니다').check();
      await operator.getByRole('button', { name: '검사하고 올리기' }).click();
      await operator.getByText('1명, 100,000원을 명단에 올렸습니다.').waitFor();
      await operator.getByRole('button', { name: '지급하기' }).click();
      const disburseConfirm = operator.getByRole('dialog', { name: '지원금을 지급할까요?' });
      await disburseConfirm.getByText('100,000원').waitFor();
      await screenshot(operator, 'programme-02a-disburse-confirm');
      await expectAccessible(operator, 'disbursement confirm');
      await disburseConfirm.getByRole('button', { name: '1명에게 지급' }).click();
      await operator.getByText('1 / 1명 · 10만원 / 10만원').waitFor();
      await operator.getByText('지급 완료').first().waitFor();
      await operator
        .locator('.recipient-list, table')
        .getByText(DEMO_CREDENTIALS.citizen.name)
        .first()
        .waitFor();
      await screenshot(operator, 'programme-02-disbursed');

      const recipient = await person(PHONE);
      await logIn(recipient, DEMO_CREDENTIALS.citizen);
      await recipient.locator('.balance-parts').getByText('정책지원금').waitFor();
      await screenshot(recipient, 'programme-03-recipient-wallet');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'the operator settles the date shown in the field, after a confirm step that names it',
    async () => {
      const operator = await person(DESKTOP);
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await operator.goto('/operator/settlements');
      await operator.getByRole('heading', { level: 1 }).waitFor();
      const shown = addDays(seoulParts(new Date()).date, -3);
      // Typed but never "조회": the run must still be for this date, not the last one looked up.
      await operator.getByLabel('영업일').fill(shown);
      await operator.getByRole('button', { name: '이 날 정산 실행' }).click();
      const confirm = operator.getByRole('dialog', { name: '정산을 실행할까요?' });
      const shownKo = formatCalendarDate(shown, 'ko');
      await confirm.getByText(shownKo).first().waitFor();
      await expectAccessible(operator, 'settlement confirm');
      // The confirm promises no payout it cannot know: it tells the day's state, never a 지급 예정액.
      await expect(confirm.getByText('지급 예정액').count()).resolves.toBe(0);
      await confirm.getByRole('button', { name: `${shownKo} 정산 실행` }).click();
      await eventually(() => operator.locator('.run-date').textContent()).toBe(shownKo);
      await expectNoRawCodes(operator);
      await screenshot(operator, 'operator-10-settlement-run');

      // Settled, the same day's confirm says what was paid and that a new run only retries failures.
      await operator.getByRole('button', { name: '이 날 정산 실행' }).click();
      const again = operator.getByRole('dialog', { name: '정산을 실행할까요?' });
      await again.getByText(/^이 날은 이미 정산되었습니다: 지급 [\d,]+원 \(명세 \d+건\)\.$/).waitFor();
      await again.getByText('다시 실행해도 새 명세는 만들지 않고, 실패한 지급만 다시 시도합니다.').waitFor();
      await screenshot(operator, 'operator-11-settlement-rerun-confirm');
      await again.getByRole('button', { name: '취소' }).click();
      await eventually(() => operator.getByRole('dialog').count()).toBe(0);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'switching to English changes the whole screen, leaving only proper names from the data in Korean',
    async () => {
      const citizen = await person(PHONE);
      await logIn(citizen, DEMO_CREDENTIALS.citizen);
      await citizen.getByRole('button', { name: 'Switch to English' }).click();
      await citizen.getByRole('heading', { name: 'My wallet' }).waitFor();
      await eventually(() => citizen.locator('html').getAttribute('lang')).toBe('en');
      const citizenScreens = [
        ['/wallet', 'My wallet'],
        ['/wallet/charge', 'Charge'],
        ['/wallet/pay', 'Pay a shop'],
        ['/wallet/history', 'History'],
        ['/wallet/merchants', 'Find shops'],
        ['/wallet/transfers', 'Send money'],
        ['/wallet/refund', 'Refund charged money'],
        ['/wallet/auto-charge', 'Auto-charge'],
        ['/wallet/programs', 'Policy grants'],
      ] as const;
      for (const [path, heading] of citizenScreens) await expectNoKoreanOnScreen(citizen, path, heading);
      // The code screen opens on its PIN sheet, which covers the page.
      await citizen.goto('/wallet/code');
      await citizen.getByRole('dialog', { name: 'Open a payment code?' }).locator('.pin-fields').waitFor();
      await expectNoKoreanOnScreen(citizen, null, null);
      await citizen.goto('/wallet/history');
      await citizen.locator('.activity-details summary').first().click();
      await expectNoKoreanOnScreen(citizen, null, 'History');
      await screenshot(citizen, 'english-02-history');
      await citizen.goto('/wallet');
      await citizen.locator('.balance-total').waitFor();
      await screenshot(citizen, 'english-01-wallet-home');

      const operator = await person(DESKTOP);
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await operator.getByRole('button', { name: 'Switch to English' }).click();
      const operatorScreens = [
        ['/operator/review', 'Merchant review'],
        ['/operator/policy', 'Cashback policy'],
        ['/operator/budgets', 'Cashback budgets'],
        ['/operator/programs', 'Policy programmes'],
        ['/operator/settlements', 'Merchant settlements'],
        ['/operator/audit', 'Ledger audit'],
        ['/operator/trail', 'Operator audit trail'],
      ] as const;
      for (const [path, heading] of operatorScreens) await expectNoKoreanOnScreen(operator, path, heading);
      await expectNoKoreanOnScreen(operator, '/operator/policy', 'Cashback policy');
      await operator.locator('.quote').first().waitFor();
      await screenshot(operator, 'english-03-operator-policy');

      const merchant = await person(PHONE);
      await logIn(merchant, DEMO_CREDENTIALS.cafe);
      await merchant.getByRole('button', { name: 'Switch to English' }).click();
      const merchantScreens = [
        ['/merchant/pos', 'Take a payment'],
        ['/merchant/sales', 'Sales'],
        ['/merchant/qr', 'Payment QR code'],
        ['/merchant/settlements', 'Settlements'],
        ['/merchant/applications', 'Applications'],
        ['/merchant/apply', 'Apply to become a merchant'],
      ] as const;
      for (const [path, heading] of merchantScreens) await expectNoKoreanOnScreen(merchant, path, heading);
      await expectNoKoreanOnScreen(merchant, '/merchant/sales', 'Sales');
      await screenshot(merchant, 'english-04-merchant-sales');
    },
    JOURNEY_TIMEOUT_MS,
  );
});

/** The 동 a sign-up or shop application form offers for the chosen district. */
function dongsOffered(page: Page): Promise<string[]> {
  return page
    .locator('#dong-suggestions option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
}
