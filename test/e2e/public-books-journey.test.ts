import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

async function signIn(baseUrl: string, person: { phone: string; password: string }): Promise<string> {
  const session = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: person.phone, password: person.password }),
  });
  expect(session.ok).toBe(true);
  return ((await session.json()) as { token: string }).token;
}

async function postAs(baseUrl: string, token: string, url: string, body: unknown, key: string) {
  return fetch(`${baseUrl}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify(body),
  });
}

describe.skipIf(!browserFound && !browserRequired)('public books in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!browserFound) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
    ensureWebBuilt();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  it(
    'anyone sees the sealed demo books; a citizen downloads the proof of a charge and hanbat verify accepts it',
    async () => {
      const visitor = await newPerson(browser, server.url, PHONE);
      contexts.push(visitor);
      const publicPage = await visitor.newPage();
      await publicPage.goto('/books');
      // The demo data was sealed when the server first started.
      await publicPage.getByRole('heading', { name: '최근 체크포인트', exact: true }).waitFor();
      await publicPage.getByRole('link', { name: '#1', exact: true }).waitFor();
      await publicPage.getByRole('heading', { name: '캐시백 예산', exact: true }).waitFor();
      await publicPage.getByRole('rowheader', { name: '국비' }).first().waitFor();
      await publicPage.getByText('체크포인트 #1 기준').first().waitFor();
      await screenshot(publicPage, 'public-books-01-page');

      const citizenToken = await signIn(server.url, DEMO_CREDENTIALS.citizen);
      expect(
        (await postAs(server.url, citizenToken, '/v1/me/charges', { amountWon: 20_000 }, 'e2e-books')).status,
      ).toBe(201);
      const operatorToken = await signIn(server.url, DEMO_CREDENTIALS.operator);
      expect(
        (await postAs(server.url, operatorToken, '/v1/operator/checkpoints', {}, 'e2e-seal')).status,
      ).toBe(201);

      const citizen = await newPerson(browser, server.url, PHONE);
      contexts.push(citizen);
      const page = await citizen.newPage();
      await logIn(page, DEMO_CREDENTIALS.citizen);
      await page.goto('/wallet/history');
      const charge = page.locator('li.activity').filter({ hasText: '20,000원' }).first();
      await charge.getByText('공개 장부 확인').click();
      await charge.getByText('공개 장부에 포함됨').waitFor();
      await screenshot(page, 'public-books-02-proof');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        charge.getByRole('button', { name: '증명 내려받기' }).click(),
      ]);
      const dir = await mkdtemp(path.join(tmpdir(), 'hanbat-proof-'));
      const proofFile = path.join(dir, 'proof.json');
      await download.saveAs(proofFile);
      const keys = await fetch(`${server.url}/v1/public/keys`);
      const keyFile = path.join(dir, 'keys.json');
      await writeFile(keyFile, await keys.text());

      const verdict = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'verify', proofFile, '--key', keyFile],
        {
          cwd: path.resolve(import.meta.dirname, '../..'),
          encoding: 'utf8',
        },
      );
      expect(verdict).toMatch(/^VERIFIED/m);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
