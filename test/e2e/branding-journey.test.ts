import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable, launchBrowser, PHONE, screenshot } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';
import { ensureWebBuilt } from './support/web-build.js';

const browserFound = chromiumAvailable();
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const JOURNEY_TIMEOUT_MS = 120_000;
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

async function json(url: string, method: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.skipIf(!browserFound && !browserRequired)('each city in its own colours, name and logo', () => {
  let server: RunningServer;
  let browser: Browser;
  let byHost: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!browserFound) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
    ensureWebBuilt();
    // The server reads the platform administrator from its environment, which it inherits.
    process.env.HANBAT_PLATFORM_ADMIN_PHONE = ADMIN.phone;
    process.env.HANBAT_PLATFORM_ADMIN_PASSWORD = ADMIN.password;
    try {
      server = await startServer();
    } finally {
      delete process.env.HANBAT_PLATFORM_ADMIN_PHONE;
      delete process.env.HANBAT_PLATFORM_ADMIN_PASSWORD;
    }
    browser = await launchBrowser();
    // The cities' host names resolve to this server, as their DNS names would to the load balancer.
    byHost = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--host-resolver-rules=MAP *.hanbat.test 127.0.0.1',
      ],
    });
    const session = await json(`${server.url}/v1/platform/sessions`, 'POST', ADMIN);
    expect(session.status).toBe(201);
    const token = session.body.token as string;
    const created = await json(
      `${server.url}/v1/platform/tenants`,
      'POST',
      { tenantId: 'sejong', nameKo: '여민전', nameEn: 'Yeominjeon', timeZone: 'Asia/Seoul', preset: 'blank' },
      token,
    );
    expect(created.status).toBe(201);
    for (const { tenantId, host, ...branding } of CITIES) {
      const set = await json(
        `${server.url}/v1/platform/tenants/${tenantId}/branding`,
        'PUT',
        { host, ...branding },
        token,
      );
      expect(set.status).toBe(200);
    }
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await byHost?.close();
    await server?.stop();
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
      const port = new URL(server.url).port;
      const [daejeon, sejong] = CITIES;
      await expectCity(`http://${sejong.host}:${port}`, '/', sejong, 'branding-01-sejong-by-host', byHost);
      await expectCity(`http://${daejeon.host}:${port}`, '/', daejeon, 'branding-02-daejeon-by-host', byHost);
      await expectCity(server.url, '/?tenant=sejong', sejong, 'branding-03-sejong-by-query', browser);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
