import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  type DESKTOP,
  launchBrowser,
  newPerson,
  type PHONE,
} from './browser.js';
import { type RunningServer, startServer } from './server.js';
import { ensureWebBuilt } from './web-build.js';

const SETUP_TIMEOUT_MS = 300_000;

/** What a journey file shares: one server on a fresh data directory, one Chromium, and the people in it. */
export interface Journey {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A new person with their own browser storage; closed with the suite. */
  person(device: typeof PHONE | typeof DESKTOP): Promise<BrowserContext>;
}

export interface JourneyOptions {
  /** Extra environment for the server, e.g. demo history on. */
  serverEnv?: Record<string, string>;
}

/**
 * A suite of browser journeys. Without Chromium it is skipped, unless REQUIRE_BROWSER=1 (CI), where
 * a missing browser fails the suite instead of passing it silently. `define` may add its own hooks:
 * they run after the server and browser are up.
 */
export function describeJourneys(
  title: string,
  define: (journey: Journey) => void,
  options: JourneyOptions = {},
): void {
  const browserFound = chromiumAvailable();
  const browserRequired = process.env.REQUIRE_BROWSER === '1';
  if (!browserFound && !browserRequired)
    console.log(`Browser suite '${title}': SKIPPED (no Chromium at ${CHROMIUM_PATH})`);
  describe.skipIf(!browserFound && !browserRequired)(title, () => {
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];
    const journey: Journey = {
      get server() {
        if (!server) throw new Error('the journey server has not started');
        return server;
      },
      get browser() {
        if (!browser) throw new Error('the journey browser has not started');
        return browser;
      },
      async person(device) {
        const context = await newPerson(journey.browser, journey.server.url, device);
        contexts.push(context);
        return context;
      },
    };

    beforeAll(async () => {
      if (!browserFound)
        throw new Error(
          `REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}: apt-get install chromium`,
        );
      ensureWebBuilt();
      [server, browser] = await Promise.all([startServer(options.serverEnv), launchBrowser()]);
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await server?.stop();
    });

    define(journey);
  });
}

/** A person's bearer token, signed in through the API (for setting the scene, not for the journey itself). */
export async function apiToken(
  baseUrl: string,
  person: { phone: string; password: string },
): Promise<string> {
  const session = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: person.phone, password: person.password }),
  });
  if (!session.ok) throw new Error(`sign-in of ${person.phone} failed: ${session.status}`);
  return ((await session.json()) as { token: string }).token;
}

/** One API call as a signed-in person; money-moving calls pass their Idempotency-Key. */
export async function apiCall(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  idempotencyKey?: string,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
