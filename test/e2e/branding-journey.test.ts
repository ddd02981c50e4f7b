import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, PHONE, screenshot } from './support/browser.js';
import { describeJourneys } from './support/journey.js';

const JOURNEY_TIMEOUT_MS = 300_000;
const ADMIN = { phone: '010-9000-0117', password: 'Hanbat-platform-e2e-9f2k' };

const CITIES = [
  {
    tenantId: 'daejeon',
    host: 'daejeon.hanbat.test',
    nameKo: '온통대전',
    nameEn: 'Ontong Daejeon',
    primaryColour: '#0b5fa5',
    accentColour: '#ffc20e',
    logoSvg:
      '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28"><circle cx="14" cy="14" r="12" fill="#0b5fa5"/></svg>',
  },
  {
    tenantId: 'sejong',
    host: 'sejong.hanbat.test',
    nameKo: '여민전',
    nameEn: 'Yeominjeon',
    primaryColour: '#1a7f37',
    accentColour: '#f08c00',
    logoSvg:
      '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28"><rect x="2" y="2" width="24" height="24" fill="#1a7f37"/></svg>',
  },
] as const;

/** A platform call with a JSON body and a JSON answer. */
async function json(url: string, method: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeJourneys(
  'each city in its own colours, name and logo',
  (journey) => {
    let byHost: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      // The cities' host names resolve to this server, as their DNS names would to the load balancer.
      byHost = await launchBrowser(['--host-resolver-rules=MAP *.hanbat.test 127.0.0.1']);
      const session = await json(`${journey.server.url}/v1/platform/sessions`, 'POST', ADMIN);
      expect(session.status).toBe(201);
      const token = session.body.token as string;
      const created = await json(
        `${journey.server.url}/v1/platform/tenants`,
        'POST',
        {
          tenantId: 'sejong',
          nameKo: '여민전',
          nameEn: 'Yeominjeon',
          timeZone: 'Asia/Seoul',
          preset: 'blank',
        },
        token,
      );
      expect(created.status).toBe(201);
      for (const { tenantId, host, ...branding } of CITIES) {
        const set = await json(
          `${journey.server.url}/v1/platform/tenants/${tenantId}/branding`,
          'PUT',
          { host, ...branding },
          token,
        );
        expect(set.status).toBe(200);
      }
    });

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await byHost?.close();
    });

    async function expectCity(
      base: string,
      path: string,
      city: (typeof CITIES)[number],
      shot: string,
      on: Browser,
    ) {
      const context = await on.newContext({
        ...PHONE,
        baseURL: base,
        locale: 'ko-KR',
        timezoneId: 'Asia/Seoul',
      });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(path);
      await page.locator('.brand-name', { hasText: city.nameKo }).first().waitFor();
      // Every screen names the tab after itself and the city (not the default city).
      await expect.poll(() => page.title()).toMatch(new RegExp(` — ${city.nameKo}$`));
      // The sign-in page (where `/` lands without a session) greets people in their own city's name.
      await expect.poll(() => page.locator('h1').first().textContent()).toBe(`${city.nameKo}에 로그인`);
      const primary = await page.evaluate(() =>
        document.documentElement.style.getPropertyValue('--blue').trim().toLowerCase(),
      );
      expect(primary).toBe(city.primaryColour);
      const accent = await page.evaluate(() =>
        document.documentElement.style.getPropertyValue('--yellow').trim(),
      );
      expect(accent.toLowerCase()).toBe(city.accentColour);
      const logo = page.locator('header img').first();
      expect(await logo.getAttribute('src')).toBe(`/v1/branding/logo.svg?tenant=${city.tenantId}`);
      await expect
        .poll(() => logo.evaluate((image: HTMLImageElement) => image.naturalWidth))
        .toBeGreaterThan(0);
      await screenshot(page, shot);
    }

    it(
      'serves Daejeon and Sejong on their own host names, and Sejong by ?tenant= on a shared host',
      async () => {
        const port = new URL(journey.server.url).port;
        const [daejeon, sejong] = CITIES;
        await expectCity(`http://${sejong.host}:${port}`, '/', sejong, 'branding-01-sejong-by-host', byHost);
        await expectCity(
          `http://${daejeon.host}:${port}`,
          '/',
          daejeon,
          'branding-02-daejeon-by-host',
          byHost,
        );
        await expectCity(
          journey.server.url,
          '/?tenant=sejong',
          sejong,
          'branding-03-sejong-by-query',
          journey.browser,
        );
      },
      JOURNEY_TIMEOUT_MS,
    );
  },
  // The server reads the platform administrator from its environment.
  { serverEnv: { HANBAT_PLATFORM_ADMIN_PHONE: ADMIN.phone, HANBAT_PLATFORM_ADMIN_PASSWORD: ADMIN.password } },
);
