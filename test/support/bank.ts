import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import type { BankGateway } from '../../src/modules/bank/bank-gateway.js';
import { HttpBankGateway, type HttpBankGatewayOptions } from '../../src/modules/bank/http-bank-gateway.js';
import { SandboxBank, type SandboxBankOptions } from '../../src/modules/bank/sandbox/server.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { openTestDatabase } from './databases.js';
import { ARTICLE_NOON, TEST_RESPONSE_CHECK } from './platform.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';
const LOOPBACK = '127.0.0.1';

/** A sandbox bank in memory on a free loopback port, sharing the test's clock. */
export async function openTestSandboxBank(
  clock: ManualClock,
  options: Partial<SandboxBankOptions> = {},
): Promise<{ sandbox: SandboxBank; bankUrl: string }> {
  const sandbox = await SandboxBank.open({
    dataDir: undefined,
    signingSecret: TEST_SIGNING_SECRET,
    clock,
    callbackDelivery: { timeoutMs: 2_000, attemptsMax: 3, backoffMsBase: 20 },
    ...options,
  });
  return { sandbox, bankUrl: await sandbox.listen(LOOPBACK, 0) };
}

/**
 * Short backoffs so fault scenarios finish fast; the timeout stays long enough for a loaded CI
 * machine, and tests of timeouts pass a shorter one with a longer `hangMs`.
 */
export function testGateway(bankUrl: string, options: Partial<HttpBankGatewayOptions> = {}): HttpBankGateway {
  return new HttpBankGateway({
    baseUrl: bankUrl,
    timeoutMs: 1_000,
    attemptsMax: 3,
    backoffMsBase: 10,
    backoffMsMax: 40,
    ...options,
  });
}

export interface BankTestPlatform {
  db: Database;
  clock: ManualClock;
  platform: Platform;
  app: FastifyInstance;
  /** Where a sandbox bank posts its callbacks to this platform. */
  callbackUrl: string;
  close(): Promise<void>;
}

/**
 * The platform listening on loopback with the bank callback route mounted, so a sandbox bank can
 * call it back; `bank` is whatever gateway the test needs.
 */
export async function openBankTestPlatform(
  kind: DatabaseKind,
  clock: ManualClock,
  bank: BankGateway,
): Promise<BankTestPlatform> {
  const db = await openTestDatabase(kind);
  const config = loadConfig({
    SESSION_TTL_MINUTES: String(366 * 24 * 60),
    BANK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  });
  const platform = createPlatform(config, db, clock, bank);
  const app = await buildApp(platform, {
    logLevel: process.env.TEST_LOG_LEVEL ?? false,
    responseCheck: TEST_RESPONSE_CHECK,
  });
  const platformUrl = await app.listen({ host: LOOPBACK, port: 0 });
  return {
    db,
    clock,
    platform,
    app,
    callbackUrl: `${platformUrl}/v1/bank/callbacks`,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

export function newTestClock(): ManualClock {
  return new ManualClock(ARTICLE_NOON);
}
