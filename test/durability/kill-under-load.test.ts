import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPostgres } from '../../src/db/postgres.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { LedgerService } from '../../src/modules/ledger/ledger-service.js';
import { memberAccountIds } from '../../src/modules/members/member-service.js';
import { normalizePhone } from '../../src/modules/members/phone.js';
import { SYSTEM_ACCOUNTS } from '../../src/modules/wallets/wallet-service.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import { freePort } from '../support/postgres-cluster.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TENANT = 'daejeon';
const READY_MS_MAX = 40_000;
const PAYERS = ['citizen', 'marketStore', 'bookstore', 'cafe'] as const;
const CONCURRENCY = 16;
const ACKS_BEFORE_KILL = 60;
const PAYMENT_WON = 1_000;

interface Server {
  url: string;
  child: ChildProcess;
}

async function startServer(databaseUrl: string, bankDir: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SANDBOX_BANK_PORT: String(await freePort()),
      SANDBOX_BANK_DATA_DIR: bankDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_MS_MAX;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    if (
      await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server not healthy within ${READY_MS_MAX} ms: ${stderr}`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function logIn(url: string, phone: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
    body: JSON.stringify({ phone, password }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

function pay(url: string, token: string, key: string, merchantCode: string) {
  return fetch(`${url}/v1/me/payments`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': key,
    },
    body: JSON.stringify({ merchantCode, amountWon: PAYMENT_WON }),
  });
}

describe.skipIf(!postgresAdminUrl())('the server killed with SIGKILL under payment load', () => {
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let db: Database;
  let bankDir: string;
  let server: Server | undefined;

  beforeAll(async () => {
    const created = await createPostgresDatabase();
    databaseUrl = created.url;
    dropDatabase = created.drop;
    db = await openPostgres(databaseUrl);
    bankDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-durability-bank-'));
  });
  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    await db?.close();
    await dropDatabase?.();
    rmSync(bankDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged payment exactly once and no unacknowledged one half-written', async () => {
    server = await startServer(databaseUrl, bankDir);
    const ledger = new LedgerService(db, systemClock);
    const payers: Array<{ token: string }> = [];
    for (const who of PAYERS) {
      const [user] = await db.query<{ id: string }>(
        'select id from users where tenant_id = $1 and phone = $2',
        [TENANT, normalizePhone(DEMO_CREDENTIALS[who].phone)],
      );
      if (!user) throw new Error(`demo ${who} missing`);
      const [funded] = await ledger.postTransfers(TENANT, [
        {
          id: `durability-fund:${user.id}`,
          action: 'transfer',
          code: 'charge',
          postings: [
            { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -1_000_000 },
            { accountId: memberAccountIds(user.id).cash, amountWon: 1_000_000 },
          ],
        },
      ]);
      expect(funded).toMatchObject({ ok: true });
      payers.push({
        token: await logIn(server.url, DEMO_CREDENTIALS[who].phone, DEMO_CREDENTIALS[who].password),
      });
    }
    const [merchant] = await db.query<{ merchant_code: string }>(
      `select merchant_code from merchants where tenant_id = $1 and status = 'approved' order by id limit 1`,
      [TENANT],
    );
    const merchantCode = merchant?.merchant_code ?? '';

    // Load: CONCURRENCY loops paying until the server dies under them.
    const acknowledged = new Map<string, string>();
    const unanswered: Array<{ key: string; token: string }> = [];
    let serial = 0;
    const running = server;
    const loops = Array.from({ length: CONCURRENCY }, async (_, loop) => {
      while (!running.child.killed) {
        serial += 1;
        const key = `durability-${serial}`;
        const { token } = payers[loop % payers.length] as (typeof payers)[number];
        try {
          const response = await pay(running.url, token, key, merchantCode);
          const body = (await response.json()) as { paymentId?: string };
          if (response.status !== 201 || !body.paymentId)
            throw new Error(`payment ${key}: ${response.status}`);
          acknowledged.set(key, body.paymentId);
          if (acknowledged.size === ACKS_BEFORE_KILL) running.child.kill('SIGKILL');
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('payment ')) throw error;
          unanswered.push({ key, token });
        }
      }
    });
    await Promise.all(loops);
    await exited(running.child);
    expect(acknowledged.size).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    // The kill landed mid-load: requests were in flight, some maybe committed but never answered.
    expect(unanswered.length).toBeGreaterThan(0);

    server = await startServer(databaseUrl, bankDir);
    const payments = await db.query<{ id: string; cashback_won: number }>(
      'select id, cashback_won from payments where tenant_id = $1',
      [TENANT],
    );
    const paymentIds = new Set(payments.map((row) => row.id));
    expect(paymentIds.size).toBe(payments.length);
    for (const paymentId of acknowledged.values()) expect(paymentIds.has(paymentId)).toBe(true);
    // Nothing half-written: payments rows, ledger transfers and stored responses name the same payments.
    const transfers = await db.query<{ id: string }>(
      `select id from ledger_transfers where tenant_id = $1 and id like 'payment:%'`,
      [TENANT],
    );
    expect(transfers.map((row) => row.id).sort()).toEqual(
      [...paymentIds].map((id) => `payment:${id}`).sort(),
    );
    const stored = await db.query<{ key: string; payment_id: string }>(
      `select key, response->>'paymentId' as payment_id from idempotency_keys
       where tenant_id = $1 and key like 'durability-%'`,
      [TENANT],
    );
    expect(stored.map((row) => row.payment_id).sort()).toEqual([...paymentIds].sort());
    for (const [key, paymentId] of acknowledged)
      expect(stored.find((row) => row.key === key)?.payment_id).toBe(paymentId);

    // A client retrying what went unanswered gets the committed payment back, or pays once now.
    for (const { key, token } of unanswered) {
      const response = await pay(server.url, token, key, merchantCode);
      expect(response.status).toBe(201);
      const { paymentId } = (await response.json()) as { paymentId: string };
      const before = stored.find((row) => row.key === key);
      if (before) expect(paymentId).toBe(before.payment_id);
    }
    const [count] = await db.query<{ n: number }>(
      `select count(*)::bigint as n from payments where tenant_id = $1`,
      [TENANT],
    );
    expect(count?.n).toBe(acknowledged.size + unanswered.length);
    const report = await auditLedger(db, TENANT, systemClock.now());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
