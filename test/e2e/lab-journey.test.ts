import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { expectAccessible } from './support/accessibility.js';
import { DESKTOP, screenshot } from './support/browser.js';
import { describeJourneys } from './support/journey.js';
import { eventually, logIn } from './support/people.js';

const JOURNEY_TIMEOUT_MS = 300_000;

/** Last calendar month in Seoul, 'YYYY-MM-DD': where the demo start puts its synthetic history. */
function lastMonthInSeoul(): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 2, 1));
  const last = new Date(Date.UTC(year, month - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

describeJourneys(
  'the policy lab in a real browser',
  (journey) => {
    let operator: Page;

    beforeAll(async () => {
      operator = await (await journey.person(DESKTOP)).newPage();
      await logIn(operator, DEMO_CREDENTIALS.operator);
    }, JOURNEY_TIMEOUT_MS);

    it(
      'opens the dashboards on a fresh demo (synthetic history, said so) and downloads a chart as CSV',
      async () => {
        await operator.goto('/operator/lab');
        await operator.getByTestId('synthetic-notice').waitFor();
        expect(await operator.getByTestId('synthetic-notice').textContent()).toContain('모의');
        const spent = operator.locator('[data-figure="결제액 (취소 제외)"]');
        await eventually(async () => (await spent.textContent()) ?? '').toMatch(/^[1-9][\d,]*원$/);
        const byDistrict = operator.locator('[data-chart="byDistrict"]');
        await byDistrict.waitFor();
        await operator.locator('[data-chart="issuanceVsPlan"]').waitFor();
        await operator.locator('[data-chart="membersVsPopulation"]').waitFor();
        // Officials read districts, industries and areas by name, never by the codes the data uses.
        const districtNames = () => byDistrict.locator('tbody th').allTextContents();
        await eventually(async () => (await districtNames()).length).toBeGreaterThan(0);
        await eventually(async () => (await districtNames()).every((name) => /^[가-힣]+구$/.test(name))).toBe(
          true,
        );
        const areaNames = await operator.locator('[data-chart="byArea"] tbody th').allTextContents();
        expect(areaNames.every((name) => ['원도심', '신도심', '미상'].includes(name))).toBe(true);
        expect(await operator.locator('main').textContent()).not.toMatch(
          /\b(jung-gu|seo-gu|yuseong-gu|old_town|new_town)\b/,
        );
        await screenshot(operator, 'lab-01-dashboards');
        await expectAccessible(operator, 'policy lab dashboards');

        const [download] = await Promise.all([
          operator.waitForEvent('download'),
          byDistrict.getByRole('button', { name: 'CSV 내려받기' }).click(),
        ]);
        const csv = await readFile((await download.path()) as string, 'utf8');
        const [header, ...rows] = csv.trim().split(/\r?\n/);
        expect(header).toBe('key,netWon,count');
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((row) => /^[a-z-]+,\d+,\d+$/.test(row))).toBe(true);
      },
      JOURNEY_TIMEOUT_MS,
    );

    it(
      'runs a what-if in the policy editor before scheduling and sees actual and draft side by side',
      async () => {
        await operator.goto('/operator/policy');
        const lab = operator.getByTestId('policy-what-if');
        await lab.waitFor();
        const period = lastMonthInSeoul();
        await lab.getByLabel('시작일').fill(period.from);
        await lab.getByLabel('종료일').fill(period.to);
        await lab.getByRole('button', { name: '실제와 비교' }).click();
        const result = lab.getByTestId('what-if-result');
        await result.waitFor();
        await result.getByRole('columnheader', { name: '실제' }).waitFor();
        await result.getByRole('columnheader', { name: '초안' }).waitFor();
        // The draft starts as the policy in force: replayed, it pays what was actually paid.
        const cost = result.getByRole('row', { name: /캐시백 총액/ });
        const cells = await cost.getByRole('cell').allTextContents();
        expect(cells[0]).toMatch(/^[1-9][\d,]*원$/);
        expect(cells[1]).toBe(cells[0]);
        expect(await lab.textContent()).toMatch(/재계산한 결제 [1-9][\d,]*건/);
        // District names come with the reference data, which may arrive after the result: wait for them.
        await result
          .locator('tbody th')
          .filter({ hasText: /^[가-힣]+구$/ })
          .first()
          .waitFor();
        const rowNames = await result.locator('tbody th').allTextContents();
        expect(rowNames.some((name) => /^[가-힣]+구$/.test(name))).toBe(true);
        expect(rowNames.some((name) => /^[a-z]+(-[a-z]+)+$/.test(name))).toBe(false);
        await screenshot(operator, 'lab-02-policy-what-if');
        await expectAccessible(operator, 'policy what-if');
      },
      JOURNEY_TIMEOUT_MS,
    );
  },
  // A fresh demo start with its synthetic month, as a person gets it.
  { serverEnv: { HANBAT_DEMO_HISTORY: '1' } },
);
