import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

const SCREEN_SETTLES_MS_MAX = 30_000;

/** A value read off the screen, polled until it matches: screens load and animate. */
export function eventually<Value>(read: () => Value | Promise<Value>) {
  return expect.poll(read, { timeout: SCREEN_SETTLES_MS_MAX });
}

/** Hangul syllables and jamo: what must not remain on an English screen outside proper names. */
const HANGUL_PATTERN = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

export async function logIn(page: Page, person: { phone: string; password: string }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('휴대전화 번호').fill(person.phone);
  await page.getByLabel('비밀번호').fill(person.password);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.locator('h1').first().waitFor();
}

/** A member made through the API, for journeys that are about something other than signing up. */
export async function signUpByApi(
  baseUrl: string,
  person: { phone: string; password: string; name: string },
): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/members`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...person, birthDate: '1985-03-01', district: 'jung-gu', dong: '대흥동' }),
  });
  expect(response.status).toBe(201);
}

/** The payment PIN the journeys give a member who has none yet. */
export const JOURNEY_PIN = '246810';

/**
 * Answers a confirm sheet that asks for the payment PIN: makes it (typed twice) for a member who has
 * none yet, enters it otherwise, then presses the sheet's confirm button.
 */
export async function confirmWithPin(sheet: Locator, confirmName: string | RegExp, pin = JOURNEY_PIN) {
  const create = sheet.getByLabel('결제 비밀번호 만들기 (숫자 6자리)');
  const enter = sheet.getByLabel('결제 비밀번호 (숫자 6자리)');
  await create.or(enter).waitFor();
  if ((await create.count()) > 0) {
    await create.fill(pin);
    await sheet.getByLabel('결제 비밀번호 한 번 더').fill(pin);
  } else {
    await enter.fill(pin);
  }
  await sheet.getByRole('button', { name: confirmName }).click();
}

/** The 20 digits of the one-time code the customer's screen shows. */
export async function readPaymentCode(page: Page): Promise<string> {
  const number = page.locator('.code-number');
  await number.waitFor();
  const code = (await number.textContent())?.replace(/\D/g, '') ?? '';
  expect(code).toMatch(/^\d{20}$/);
  return code;
}

/**
 * Opens a screen (or stays, with `path` null), waits for its heading and for loading to finish, and
 * checks that no Korean is left anywhere on it except proper names from the data, which the app
 * marks translate="no", and the switch back to Korean, which is marked lang="ko".
 */
export async function expectNoKoreanOnScreen(
  page: Page,
  path: string | null,
  heading: string | null,
): Promise<void> {
  if (path) await page.goto(path);
  // No heading to wait for when a modal sheet covers the screen (the page behind it is inert).
  if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await eventually(() => page.locator('.loading, [aria-busy="true"]').count()).toBe(0);
  const leftover = await page.locator('body').evaluate((body) => {
    const copy = body.cloneNode(true) as HTMLElement;
    for (const exempt of copy.querySelectorAll('[translate="no"], [lang="ko"], script, style, noscript'))
      exempt.remove();
    return copy.textContent ?? '';
  });
  const korean = leftover
    .split(/\s+/)
    .filter((word) => HANGUL_PATTERN.test(word))
    .join(' ');
  expect(korean, `Korean left on ${path ?? heading ?? 'the open sheet'}`).toBe('');
}
