import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_RING } from '../../src/modules/fraud/presets/daejeon-demo-ring.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { DESKTOP, PHONE, screenshot } from './support/browser.js';
import { apiCall, apiToken, describeJourneys } from './support/journey.js';
import { eventually, logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;

/** Reads the API as a person, for checks beside what the browser shows. */
async function apiAs(baseUrl: string, person: { phone: string; password: string }) {
  const token = await apiToken(baseUrl, person);
  return async (path: string) =>
    (await (await apiCall(baseUrl, token, 'GET', path)).json()) as Record<string, never>;
}

describeJourneys("'깡' detection in a real browser", (journey) => {
  const person = async (device: typeof PHONE | typeof DESKTOP): Promise<Page> => {
    return (await journey.person(device)).newPage();
  };

  it(
    'the planted round trip raises an alert; the operator confirms with freeze + claw back; the member is told and refused',
    async () => {
      const asMember = await apiAs(journey.server.url, DEMO_RING.member);
      const walletBefore = await asMember('/v1/me/wallet');

      const operator = await person(DESKTOP);
      await logIn(operator, DEMO_CREDENTIALS.operator);
      await operator.goto('/operator/fraud');
      const alert = operator.locator('.fraud-alert[data-rule="round_trip"]');
      await alert.getByText('되돌려 보내기(순환 거래)').waitFor();
      await alert.getByText(`${DEMO_RING.member.name} → ${DEMO_RING.merchantName}`).waitFor();
      await alert.getByText(/₩400,000/).waitFor();
      expect(await alert.locator('.fraud-explanation').textContent()).not.toMatch(/usr_|mch_/);
      await screenshot(operator, 'fraud-01-alert-queue');
      await alert.getByLabel('사건에 넣기').check();
      await operator.getByLabel('담당자').fill('조사관 1');
      await operator.getByRole('button', { name: '사건 열기' }).click();
      await eventually(() => new URL(operator.url()).pathname).toMatch(/^\/operator\/fraud\/cases\//);

      const graph = operator.getByRole('img', { name: '순환 거래 그래프' });
      await graph.waitFor();
      await graph.getByText(DEMO_RING.member.name).waitFor();
      await operator
        .locator('.fraud-cycle-steps')
        .getByText(/송금 360,000원/)
        .waitFor();
      await screenshot(operator, 'fraud-02-case-with-cycle');
      await operator.getByLabel('사유').fill('청과 대표가 결제액의 90%를 같은 날 되돌려 보냄');
      await operator.getByLabel('회원 정지 (결제·주문·송금·기부·환불 거절)').check();
      await operator.getByLabel('캐시백·정책자금 환수').check();
      await operator.getByRole('button', { name: '확정하고 조치' }).click();
      await operator.getByText('결정했습니다.').waitFor();
      const effects = operator.locator('.fraud-effects');
      await effects.getByText(`회원 정지: ${DEMO_RING.member.name} — 정지 중`).waitFor();
      await effects
        .getByText(new RegExp(`${DEMO_RING.member.name}: 캐시백 .* 환수, 미회수 채권 0원`))
        .waitFor();
      await screenshot(operator, 'fraud-03-decided');

      const walletAfterClawback = await asMember('/v1/me/wallet');
      expect(walletAfterClawback.cashbackWon).toBe(0);
      expect(walletBefore.cashbackWon).toBeGreaterThan(0);

      const member = await person(PHONE);
      await logIn(member, DEMO_RING.member);
      const banner = member.locator('.frozen-notices');
      await banner.getByText('계정이 정지되었습니다').waitFor();
      await banner
        .getByText(/청과 대표가 결제액의 90%를/)
        .first()
        .waitFor();
      await banner
        .getByText(/이의신청/)
        .first()
        .waitFor();
      await screenshot(member, 'fraud-04-member-told');

      const cafe = (await asMember('/v1/merchants?q=한밭 커피')) as unknown as {
        items: Array<{ merchantCode: string }>;
      };
      // The member's next payment, asked for on the pay page: refused at the preview, before any
      // confirm or PIN, with the reason and how to appeal.
      await member.goto(`/wallet/pay?merchant=${cafe.items[0]?.merchantCode}`);
      await member.locator('.merchant-found').getByText('한밭 커피').waitFor();
      await member.getByLabel('결제 금액').fill('10000');
      const answer = member.waitForResponse(
        (r) => new URL(r.url()).pathname === '/v1/me/payment-preview' && r.request().method() === 'GET',
      );
      await member.getByRole('button', { name: '결제하기' }).click();
      const refused = await answer;
      expect(refused.status()).toBe(403);
      const problem = (await refused.json()) as { code: string; messages: { ko: string; en: string } };
      expect(problem.code).toBe('ACCOUNT_FROZEN');
      expect(problem.messages.ko).toMatch(
        /해제될 때까지 결제\(온라인 주문 포함\)·송금·기부·환불·정산이 거절됩니다.*이의신청/,
      );
      expect(problem.messages.en).toContain('To appeal');
      await member
        .locator('form')
        .getByText(/해제될 때까지 결제\(온라인 주문 포함\)·송금·기부·환불·정산이 거절됩니다/)
        .first()
        .waitFor();
      expect(await member.getByRole('dialog', { name: '이렇게 결제할까요?' }).count()).toBe(0);
      await screenshot(member, 'fraud-05-payment-refused');
      const walletAfter = await asMember('/v1/me/wallet');
      expect(walletAfter.totalWon).toBe(walletAfterClawback.totalWon);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
