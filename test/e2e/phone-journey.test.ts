import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { expectAccessible } from './support/accessibility.js';
import { PHONE, screenshot } from './support/browser.js';
import {
  expectInThumbReach,
  expectOwnTitle,
  expectTapTargets,
  smallTapTargets,
  TAP_TARGET_PX_MIN,
} from './support/ergonomics.js';
import { apiCall, apiToken, describeJourneys } from './support/journey.js';
import { confirmWithPin, eventually, expectNoKoreanOnScreen, logIn, signUpByApi } from './support/people.js';

/**
 * Issue 11, item 9 on a 390×844 phone in Korean: tap targets, the main action within thumb reach,
 * a short balance answered in place, the home screen's recent activity, empty states that say what
 * to do next; and item 6's own title per screen and error titles that say what happened.
 */

const JOURNEY_TIMEOUT_MS = 300_000;
const TITLE_SUFFIX = '온통대전';
const NEWCOMER = { phone: '010-5555-0911', password: 'Hanbat-phone-9f2k', name: '최새내' };
const PIN = '864213';

/** The main citizen screens. */
const CITIZEN_SCREENS = [
  '/wallet',
  '/wallet/charge',
  '/wallet/pay',
  '/wallet/code',
  '/wallet/history',
  '/wallet/merchants',
  '/wallet/transfers',
  '/wallet/refund',
  '/wallet/auto-charge',
  '/wallet/programs',
] as const;

describeJourneys('a citizen on a phone', (journey) => {
  const phone = async (): Promise<Page> => {
    return (await journey.person(PHONE)).newPage();
  };

  /** Opens a screen and waits until it has loaded. */
  const open = async (page: Page, path: string): Promise<void> => {
    await page.goto(path);
    await page.locator('h1').first().waitFor();
    await eventually(() => page.locator('.loading, [aria-busy="true"]').count()).toBe(0);
  };

  beforeAll(async () => {
    await signUpByApi(journey.server.url, NEWCOMER);
  });

  it('the start banner names the addresses and the demo sign-ins exactly as the README does', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const banner = journey.server.output();
    for (const address of ['/wallet', '/merchant', '/operator']) {
      expect(banner).toContain(`${journey.server.url}${address}`);
      expect(readme).toContain(address);
    }
    // "    010-1111-1111  citizen-demo-2021   citizen 김한밭" → the README's table row for that person.
    const signIns = [...banner.matchAll(/^ {4}(010-\d{4}-\d{4}) +(\S+) +(.+)$/gm)];
    expect(signIns).toHaveLength(Object.keys(DEMO_CREDENTIALS).length);
    for (const [, phone, password, who] of signIns)
      expect(readme).toContain(`| ${who?.trim()} | ${phone} | ${password} |`);
  });

  it(
    'a wrong password is called a wrong password, and every screen names its own tab',
    async () => {
      const page = await phone();
      await page.goto('/login');
      await page.getByLabel('휴대전화 번호').fill(NEWCOMER.phone);
      await page.getByLabel('비밀번호').fill('Hanbat-wrong-7x1q');
      await page.getByRole('button', { name: '로그인' }).click();
      const refusal = page.getByRole('alert');
      await eventually(() => refusal.locator('.notice-title').textContent()).toBe(
        '휴대전화 번호나 비밀번호가 맞지 않습니다',
      );
      await expect(refusal.getByText('처리하지 못했습니다').count()).resolves.toBe(0);
      expect(await expectOwnTitle(page, TITLE_SUFFIX)).toBe(`온통대전에 로그인 — ${TITLE_SUFFIX}`);
      await expectTapTargets(page, 'log-in');
      await expectAccessible(page, 'log-in with a wrong password');
      await screenshot(page, 'phone-01-wrong-password');

      await logIn(page, NEWCOMER);
      const titles = new Set<string>();
      for (const path of CITIZEN_SCREENS) {
        await open(page, path);
        titles.add(await expectOwnTitle(page, TITLE_SUFFIX));
      }
      expect(titles.size).toBe(CITIZEN_SCREENS.length);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a newcomer finds what to do next on every empty screen, and every tap target is at least 44 px',
    async () => {
      const page = await phone();
      await logIn(page, NEWCOMER);
      // Home: nothing happened yet, so the recent activity says how to start.
      const recent = page
        .locator('section.card')
        .filter({ has: page.getByRole('heading', { name: '최근 이용 내역' }) });
      await recent.getByText('충전하고 가맹점에서 결제해 보세요.').waitFor();
      await recent.getByRole('link', { name: '충전하기' }).waitFor();
      await screenshot(page, 'phone-02-home-empty');

      await open(page, '/wallet/history');
      await page.getByText('아직 내역이 없습니다').waitFor();
      await page.locator('.empty-state').getByRole('link', { name: '충전하기' }).waitFor();
      await open(page, '/wallet/transfers');
      await page.getByText('받은 송금이 없습니다').waitFor();
      await page.getByText('위에서 받는 분의 휴대전화 번호와 금액을 넣어 보내 보세요.').waitFor();
      await open(page, '/wallet/refund');
      await page.getByText('환불 내역이 없습니다').waitFor();
      await page.getByText(/쓰지 않은 충전금은 위의 환불받기로/).waitFor();
      // Nothing charged, nothing to refund: the rule says so, and there is no refund to ask for.
      await page.getByText('환불할 충전금이 없습니다').waitFor();
      await expect(page.getByRole('button', { name: /환불 요청/ }).count()).resolves.toBe(0);
      await screenshot(page, 'phone-03-refund-empty');

      // Every screen is measured before the assertion, so one run names every target that is too small.
      const tooSmall: Record<string, unknown[]> = {};
      const measure = async (on: Page, screen: string) => {
        const small = await smallTapTargets(on);
        if (small.length > 0) tooSmall[screen] = small;
      };
      for (const path of CITIZEN_SCREENS) {
        await open(page, path);
        await measure(page, path);
        await expectAccessible(page, path);
      }
      // The amount chips and the confirm sheet's buttons, once open.
      await open(page, '/wallet/charge');
      await page.getByRole('button', { name: '+50,000원' }).click();
      await page.getByRole('button', { name: '충전하기', exact: true }).click();
      await page.getByRole('dialog', { name: '이렇게 충전할까요?' }).waitFor();
      await measure(page, 'charge confirm');
      await page.getByRole('dialog').getByRole('button', { name: '취소' }).click();

      const till = await phone();
      await logIn(till, DEMO_CREDENTIALS.cafe);
      for (const path of ['/merchant/pos', '/merchant/sales', '/merchant/settlements', '/merchant/qr']) {
        await open(till, path);
        await measure(till, path);
      }
      expect(tooSmall, `tap targets under ${TAP_TARGET_PX_MIN} px`).toEqual({});
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "the main action sits within the thumb's reach, above the tab bar",
    async () => {
      const page = await phone();
      await logIn(page, NEWCOMER);
      await open(page, '/wallet/charge');
      await expectInThumbReach(page, '충전하기', 'charge');
      await open(page, '/wallet/pay');
      await expectInThumbReach(page, '결제하기', 'pay');
      await open(page, '/wallet/transfers');
      await expectInThumbReach(page, '송금하기', 'transfers');
      await screenshot(page, 'phone-04-thumb-reach-transfers');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'short of money, the newcomer charges the shortfall in place and the payment and the transfer carry on',
    async () => {
      const page = await phone();
      await logIn(page, NEWCOMER);
      await open(page, '/wallet/merchants');
      await page.getByLabel('전통시장').selectOption({ label: '대전중앙시장' });
      const store = page.getByRole('listitem').filter({ hasText: '중앙시장 한밭상회' });
      await store.getByRole('link', { name: '여기서 결제' }).click();
      await page.locator('.merchant-found').getByText('중앙시장 한밭상회').waitFor();
      await page.getByLabel('결제 금액').fill('45000');

      // Not an error to dead-end on: the missing amount, and a way to charge it here.
      const short = page.locator('.notice-warning');
      await short.getByText('잔액이 45,000원 부족합니다').waitFor();
      await short.getByRole('link', { name: '자동충전 켜기' }).waitFor();
      await screenshot(page, 'phone-05-short-balance');
      await expectAccessible(page, 'pay, short balance');
      await expectTapTargets(page, 'pay, short balance');
      await short.getByRole('button', { name: '50,000원 충전하기' }).click();
      const charge = page.getByRole('dialog', { name: '이렇게 충전할까요?' });
      await charge.getByText('모의 은행').waitFor();
      await screenshot(page, 'phone-06-short-balance-charge-confirm');
      await expectAccessible(page, 'short balance charge confirm');
      await charge.getByRole('button', { name: '50,000원 충전하기' }).click();

      // Charged, the payment goes straight on to its own confirm step.
      const confirm = page.getByRole('dialog', { name: '이렇게 결제할까요?' });
      await confirm.getByText('중앙시장 한밭상회').waitFor();
      await confirm.getByText('충전금 45,000원').waitFor();
      await confirm.getByLabel('결제 비밀번호 만들기 (숫자 6자리)').fill(PIN);
      await confirm.getByLabel('결제 비밀번호 한 번 더').fill(PIN);
      await confirm.getByRole('button', { name: '45,000원 결제하기' }).click();
      await page.locator('.receipt').getByText('45,000원 결제').waitFor();
      await screenshot(page, 'phone-07-paid-after-charge');
      // The receipt leads to the same payment in the history.
      await page.getByRole('link', { name: '이용 내역에서 보기' }).click();
      await eventually(() => new URL(page.url()).pathname).toBe('/wallet/history');
      await page.locator('.activity-payment').first().getByText('−45,000원').waitFor();

      // Home now shows the charge and the payment as recent activity.
      await open(page, '/wallet');
      const recent = page
        .locator('section.card')
        .filter({ has: page.getByRole('heading', { name: '최근 이용 내역' }) });
      await eventually(() => recent.locator('.activity').count()).toBe(2);
      await recent.locator('.activity').filter({ hasText: '결제' }).getByText('−45,000원').waitFor();
      await recent.locator('.activity').filter({ hasText: '충전' }).getByText('+50,000원').waitFor();
      await screenshot(page, 'phone-08-home-recent');

      // 5,000원 of charged money left: sending 30,000원 is 25,000원 short, charged here too.
      await open(page, '/wallet/transfers');
      await page.getByLabel('받는 분 휴대전화 번호').fill(DEMO_CREDENTIALS.citizen.phone);
      await page.getByLabel('보낼 금액').fill('30000');
      const transferShort = page.locator('.notice-warning');
      await transferShort.getByText('잔액이 25,000원 부족합니다').waitFor();
      await transferShort.getByRole('button', { name: '30,000원 충전하기' }).click();
      await page
        .getByRole('dialog', { name: '이렇게 충전할까요?' })
        .getByRole('button', { name: '30,000원 충전하기' })
        .click();
      const send = page.getByRole('dialog', { name: '이 분께 보낼까요?' });
      await send.getByText(/010-\*{4}-1111/).waitFor();
      await send.getByLabel('결제 비밀번호 (숫자 6자리)').fill(PIN);
      await screenshot(page, 'phone-09-transfer-confirm-after-charge');
      await expectAccessible(page, 'transfer confirm after charge');
      await send.getByRole('button', { name: '30,000원 보내기' }).click();
      await page
        .locator('.notice-success')
        .getByText(/님께 30,000원을 보냈습니다/)
        .waitFor();
      await eventually(() => page.getByRole('dialog').count()).toBe(0);
      await expect(page.locator('.notice-warning').count()).resolves.toBe(0);

      // The transfer reads 송금 in the history, with the recipient by name, never 기타: masked, as the
      // recipient lookup showed it (김한밭 → 김*밭), never the full name.
      await open(page, '/wallet/history');
      const sent = page.locator('.activity').filter({ hasText: '−30,000원' }).first();
      await sent.getByText('송금', { exact: true }).waitFor();
      await sent.getByText('김*밭').first().waitFor();
      await expect(sent.getByText(DEMO_CREDENTIALS.citizen.name).count()).resolves.toBe(0);
      await expect(page.getByText('기타', { exact: true }).count()).resolves.toBe(0);

      // A refund confirms the amount the rule allows, the rule and the bank account, then asks for the PIN.
      await open(page, '/wallet/refund');
      await page.getByText('지금 환불받을 수 있는 금액: 5,000원').waitFor();
      await page.getByRole('button', { name: '5,000원 환불 요청' }).click();
      const refund = page.getByRole('dialog', { name: '충전금을 환불할까요?' });
      await refund.getByText(/이내에 충전한 금액을 전액 환불합니다/).waitFor();
      await refund.getByText('입금 계좌').waitFor();
      await refund.getByText(/모의 은행/).waitFor();
      await refund.getByLabel('결제 비밀번호 (숫자 6자리)').fill(PIN);
      await screenshot(page, 'phone-10-refund-confirm');
      await expectAccessible(page, 'refund confirm');
      await refund.getByRole('button', { name: '5,000원 환불받기' }).click();
      await eventually(() => page.getByRole('dialog').count()).toBe(0);
      await eventually(() => page.locator('.activity').count()).toBe(1);
      // Refunded, the preview is asked again: nothing is left to refund.
      await page.getByText('환불할 충전금이 없습니다').waitFor();
      await expect(page.getByRole('button', { name: /환불 요청/ }).count()).resolves.toBe(0);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'a cancelled transfer gives its money back to the send form at once, and its "sent" notice goes',
    async () => {
      const member = { phone: '010-5555-0914', password: 'Hanbat-phone-4t8q', name: '정취소' };
      await signUpByApi(journey.server.url, member);
      const token = await apiToken(journey.server.url, member);
      const charged = await apiCall(
        journey.server.url,
        token,
        'POST',
        '/v1/me/charges',
        { amountWon: 10_000 },
        'e2e-cancel',
      );
      expect(charged.status).toBe(201);
      const page = await phone();
      await logIn(page, member);
      await open(page, '/wallet/transfers');
      await page.getByLabel('받는 분 휴대전화 번호').fill(DEMO_CREDENTIALS.citizen.phone);
      await page.getByLabel('보낼 금액').fill('7000');
      await page.getByRole('button', { name: '송금하기' }).click();
      await confirmWithPin(page.getByRole('dialog', { name: '이 분께 보낼까요?' }), '7,000원 보내기', PIN);
      const sent = page.locator('.notice-success').getByText(/님께 7,000원을 보냈습니다/);
      await sent.waitFor();
      await page.getByText('보낼 수 있는 충전금: 3,000원').waitFor();

      const outgoing = page.getByRole('region', { name: '보낸 송금' });
      await outgoing.getByRole('button', { name: '송금 취소' }).click();
      await outgoing.getByText('취소됨').waitFor();
      // The 7,000원 is back: the form reads the wallet again, and the notice of the undone send is gone.
      await page.getByText('보낼 수 있는 충전금: 10,000원').waitFor();
      await eventually(() => sent.count()).toBe(0);
      await page.getByLabel('보낼 금액').fill('8000');
      await expect(page.locator('.notice-warning').count()).resolves.toBe(0);
      await page.getByRole('button', { name: '송금하기' }).click();
      const again = page.getByRole('dialog', { name: '이 분께 보낼까요?' });
      await again.getByRole('button', { name: '8,000원 보내기' }).waitFor();
      await screenshot(page, 'phone-11-transfer-after-cancel');
      await again.getByRole('button', { name: '취소' }).click();
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'with auto-charge on, the confirm names what is taken from the bank; a payment it cannot cover opens no confirm',
    async () => {
      const member = { phone: '010-5555-0913', password: 'Hanbat-phone-7c3m', name: '박자동' };
      await signUpByApi(journey.server.url, member);
      const page = await phone();
      await logIn(page, member);
      await open(page, '/wallet/auto-charge');
      await page.getByLabel('자동충전 사용').check();
      await page.getByLabel('한 번에 충전할 금액').fill('20000');
      await page.getByRole('button', { name: '저장', exact: true }).click();
      await page.getByText(/자동충전을 켰습니다/).waitFor();

      await open(page, '/wallet/merchants');
      await page.getByLabel('전통시장').selectOption({ label: '대전중앙시장' });
      const store = page.getByRole('listitem').filter({ hasText: '중앙시장 한밭상회' });
      await store.getByRole('link', { name: '여기서 결제' }).click();
      await page.locator('.merchant-found').getByText('중앙시장 한밭상회').waitFor();
      await page.getByLabel('결제 금액').fill('23000');
      await page.getByRole('button', { name: '결제하기' }).click();
      // 23,000원 short, auto-charged in whole 20,000원 amounts: 40,000원 leaves the bank, not 23,000원.
      const confirm = page.getByRole('dialog', { name: '이렇게 결제할까요?' });
      await confirm
        .getByText('부족한 23,000원을 채우려고 연결 계좌에서 40,000원을 자동충전한 뒤 결제합니다.')
        .waitFor();
      await confirm.getByRole('button', { name: '취소' }).click();

      // Over what auto-charge may charge this month: the shortfall is an error, and no confirm opens.
      await page.getByLabel('결제 금액').fill('5000000');
      await page.getByRole('button', { name: '결제하기' }).click();
      await page
        .getByRole('alert')
        .getByText('이 가맹점에서 쓸 수 있는 돈이 5,000,000원 부족해 결제할 수 없습니다')
        .waitFor();
      await expect(page.getByRole('dialog').count()).resolves.toBe(0);
      await screenshot(page, 'phone-12-short-for-this-shop');
      await expectAccessible(page, 'pay, short for this shop');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    'the shop on the pay screen is the one its code names, whatever a link says; an unknown code is reported as typed',
    async () => {
      const page = await phone();
      await logIn(page, NEWCOMER);
      await open(page, '/wallet/merchants');
      await page.getByLabel('전통시장').selectOption({ label: '대전중앙시장' });
      const link = page
        .getByRole('listitem')
        .filter({ hasText: '중앙시장 한밭상회' })
        .getByRole('link', { name: '여기서 결제' });
      const code = new URL((await link.getAttribute('href')) ?? '', journey.server.url).searchParams.get(
        'merchant',
      );
      expect(code).toMatch(/\S/);
      // A forged link names another shop: the screen shows the shop of the code, never the forged name.
      await open(page, `/wallet/pay?merchant=${code}&name=${encodeURIComponent('가짜상회')}`);
      await page.locator('.merchant-found').getByText('중앙시장 한밭상회').waitFor();
      await expect(page.getByText('가짜상회').count()).resolves.toBe(0);
      // A code no shop has is reported while typing, before any button is pressed.
      await page.getByLabel('가맹점 코드').fill('NOSUCHSHOP9');
      await page.getByText('이 코드로 결제를 받는 가맹점이 없습니다. 코드를 다시 확인해 주세요.').waitFor();
      await expect(page.locator('.merchant-found').count()).resolves.toBe(0);
      await screenshot(page, 'phone-11-unknown-merchant-code');
      await expectAccessible(page, 'pay, unknown code');
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "the log-in page names demo accounts in the page's language; in English the sign-in, empty states, short balance and charge confirm carry no Korean",
    async () => {
      // The log-in page's demo sign-ins (demo mode only): the shop by name, what it is for in Korean.
      const visitor = await phone();
      await visitor.goto('/login');
      const demo = visitor.locator('.demo-sign-ins');
      await demo.getByRole('button', { name: '한밭 커피 (일반 가맹점) 계정으로 입력' }).waitFor();
      await expect(demo.getByText('ordinary shop').count()).resolves.toBe(0);
      await visitor.getByRole('button', { name: 'Switch to English' }).click();
      await expectNoKoreanOnScreen(visitor, null, 'Sign in to Ontong Daejeon');
      await demo.getByText('(ordinary shop)').first().waitFor();
      await expectNoKoreanOnScreen(visitor, '/signup', 'Join Ontong Daejeon');

      const page = await phone();
      await signUpByApi(journey.server.url, {
        phone: '010-5555-0912',
        password: 'Hanbat-phone-4k8z',
        name: '한영희',
      });
      await logIn(page, { phone: '010-5555-0912', password: 'Hanbat-phone-4k8z' });
      await page.getByRole('button', { name: 'Switch to English' }).click();
      await page.getByRole('heading', { name: 'My wallet' }).waitFor();
      await expectNoKoreanOnScreen(page, '/wallet', 'My wallet');
      await expectNoKoreanOnScreen(page, '/wallet/history', 'History');
      await expectNoKoreanOnScreen(page, '/wallet/transfers', 'Send money');
      await expectNoKoreanOnScreen(page, '/wallet/refund', 'Refund charged money');
      await page.goto('/wallet/transfers');
      await page.getByLabel('Recipient’s mobile number').fill(DEMO_CREDENTIALS.citizen.phone);
      await page.getByLabel('Amount to send').fill('20000');
      await page
        .locator('.notice-warning')
        .getByRole('button', { name: /Charge/ })
        .click();
      await page.getByRole('dialog').getByText('Taken from').waitFor();
      await expectNoKoreanOnScreen(page, null, null);
      await screenshot(page, 'english-05-short-balance-charge');
    },
    JOURNEY_TIMEOUT_MS,
  );
});
