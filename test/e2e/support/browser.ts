import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

/** Debian's Chromium, as CI installs it; Playwright gives every launch a fresh temporary profile. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** The flags keep Chromium off the network this machine does not have, so it never stalls on it. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const DESKTOP = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 };

/** A person's own browser: separate storage, Korean, in Seoul. */
export async function newPerson(
  browser: Browser,
  baseURL: string,
  device: typeof PHONE | typeof DESKTOP,
): Promise<BrowserContext> {
  const context = await browser.newContext({ ...device, baseURL, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Saves what the person sees, for a reviewer: test-results/screenshots/<journey>-<step>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // From the top, so the sticky header sits where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
