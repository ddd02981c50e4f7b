import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database, DatabaseKind } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import type { ResponseCheckOptions } from '../../src/http/response-check.js';
import { registerJobs } from '../../src/jobs.js';
import { InProcessSandboxBank } from '../../src/modules/bank/in-process-sandbox-bank.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { generateSigningKeyPem } from '../../src/modules/public-books/signing.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { DEMO_CREDENTIALS, seedDaejeon } from '../../src/presets/daejeon.js';
import { openTestDatabase } from './databases.js';

/** 2021-05-13 12:00 KST, the day of the seed article: inside the 2021 policy and budget. */
export const ARTICLE_NOON = '2021-05-13T03:00:00Z';

/**
 * Every test app checks each response against its documented schema and fails the request when they
 * differ; `HANBAT_RESPONSE_LOG=FILE` collects the differences in FILE instead (a sweep of the suite).
 */
export const TEST_RESPONSE_CHECK: ResponseCheckOptions = {
  logFile: process.env.HANBAT_RESPONSE_LOG || undefined,
};

/** Signs the checkpoints of test platforms; made once per test process. */
export const TEST_CHECKPOINT_KEY = generateSigningKeyPem();

export interface TestPlatform {
  db: Database;
  clock: ManualClock;
  bank: InProcessSandboxBank;
  platform: Platform;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function openTestPlatform(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<TestPlatform> {
  const db = await openTestDatabase(kind);
  const clock = new ManualClock(ARTICLE_NOON);
  const bank = new InProcessSandboxBank();
  // Tests move the clock by months; sessions must outlive that.
  const platform = createPlatform(
    loadConfig({
      SESSION_TTL_MINUTES: String(366 * 24 * 60),
      HANBAT_CHECKPOINT_KEY: TEST_CHECKPOINT_KEY,
      ...env,
    }),
    db,
    clock,
    bank,
  );
  registerJobs(platform);
  const app = await buildApp(platform, {
    logLevel: process.env.TEST_LOG_LEVEL ?? false,
    responseCheck: TEST_RESPONSE_CHECK,
  });
  return {
    db,
    clock,
    bank,
    platform,
    app,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

let tenantCount = 0;

/** A fresh tenant with the whole 온통대전 preset, demo people and merchants included. */
export async function seedTestTenant(platform: Platform): Promise<string> {
  tenantCount += 1;
  const tenantId = `dj${process.pid}-${tenantCount}`;
  await seedDaejeon(platform, tenantId);
  return tenantId;
}

/** An HTTP client bound to one tenant, with a bearer token once logged in. */
export class ApiClient {
  token: string | undefined;
  private keyCount = 0;

  constructor(
    private readonly app: FastifyInstance,
    readonly tenantId: string,
  ) {}

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        'x-tenant-id': this.tenantId,
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return {
      status: response.statusCode,
      body: response.body ? response.json() : undefined,
      headers: response.headers,
    };
  }

  /** A POST that moves money, with a fresh Idempotency-Key unless one is given. */
  async post(url: string, body?: unknown, idempotencyKey?: string) {
    this.keyCount += 1;
    return this.request('POST', url, body, {
      'idempotency-key': idempotencyKey ?? `k-${Date.now()}-${this.keyCount}`,
    });
  }

  async get(url: string) {
    return this.request('GET', url);
  }

  async logIn(phone: string, password: string): Promise<this> {
    const response = await this.request('POST', '/v1/sessions', { phone, password });
    expect(response.status).toBe(201);
    this.token = response.body.token;
    return this;
  }
}

export async function newMember(
  app: FastifyInstance,
  tenantId: string,
  phone: string,
  overrides: Record<string, unknown> = {},
): Promise<ApiClient> {
  const client = new ApiClient(app, tenantId);
  const signUp = await client.request('POST', '/v1/members', {
    phone,
    password: 'correct-horse-1',
    name: '테스트 회원',
    birthDate: '1990-01-01',
    district: 'seo-gu',
    dong: '둔산동',
    ...overrides,
  });
  expect(signUp.status).toBe(201);
  return client.logIn(phone, 'correct-horse-1');
}

/**
 * New members with phones `{phonePrefix}-0001`, `-0002`, … of the tenant `tenantId()` names at the
 * time of the call, each charged `chargeWon` through the API first when it is above zero.
 */
export function memberMaker(app: () => FastifyInstance, tenantId: () => string, phonePrefix: string) {
  let count = 0;
  return async (chargeWon = 0, overrides: Record<string, unknown> = {}) => {
    count += 1;
    const phone = `${phonePrefix}-${String(count).padStart(4, '0')}`;
    const client = await newMember(app(), tenantId(), phone, overrides);
    if (chargeWon > 0)
      expect((await client.post('/v1/me/charges', { amountWon: chargeWon })).status).toBe(201);
    return Object.assign(client, { phone });
  };
}

export async function demoClient(app: FastifyInstance, tenantId: string, who: keyof typeof DEMO_CREDENTIALS) {
  const person = DEMO_CREDENTIALS[who];
  return new ApiClient(app, tenantId).logIn(person.phone, person.password);
}

/** The merchant code of a demo merchant, looked up through its owner. */
export async function demoMerchantCode(
  platform: Platform,
  tenantId: string,
  who: keyof typeof DEMO_CREDENTIALS,
) {
  const owner = await platform.members.findByPhone(tenantId, DEMO_CREDENTIALS[who].phone);
  const [merchant] = await platform.merchants.listForOwner(tenantId, owner?.id ?? '');
  if (!merchant?.merchantCode) throw new Error(`demo merchant of ${who} has no code`);
  return { merchantId: merchant.id, merchantCode: merchant.merchantCode };
}

export async function expectLedgerAuditGreen(platform: Platform, tenantId: string): Promise<void> {
  const report = await auditLedger(platform.db, tenantId, platform.clock.now());
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
}
