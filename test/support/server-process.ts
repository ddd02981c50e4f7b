/** `hanbat serve` in its own OS process (under tsx), for tests that signal or kill it under load. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { LedgerService } from '../../src/modules/ledger/ledger-service.js';
import { memberAccountIds } from '../../src/modules/members/member-service.js';
import { normalizePhone } from '../../src/modules/members/phone.js';
import { SYSTEM_ACCOUNTS } from '../../src/modules/wallets/wallet-service.js';
import { DEMO_CREDENTIALS } from '../../src/presets/daejeon.js';
import { freePort } from './postgres-cluster.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READY_MS_MAX = Number(process.env.HANBAT_SERVER_READY_MS ?? 40_000);
export const SERVER_TENANT = 'daejeon';
export const PAYERS = ['citizen', 'marketStore', 'bookstore', 'cafe'] as const;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** What the server wrote so far (its JSON logs and stderr). */
  output(): string;
}

export async function startServer(
  databaseUrl: string,
  bankDir: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SANDBOX_BANK_PORT: String(await freePort()),
      SANDBOX_BANK_DATA_DIR: bankDir,
      // These servers count every payment they made: the demo's planted fraud ring would be one more.
      HANBAT_DEMO_FRAUD_RING: '0',
      HANBAT_DEMO_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const collect = (chunk: string) => {
    stderr += chunk;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
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
      return { url, child, output: () => stderr };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server not healthy within ${READY_MS_MAX} ms: ${stderr}`);
}

/** Resolves with the exit code (null when killed by a signal) once the process has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function logIn(url: string, phone: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': SERVER_TENANT },
    body: JSON.stringify({ phone, password }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

export function pay(url: string, token: string, key: string, merchantCode: string, amountWon: number) {
  return fetch(`${url}/v1/me/payments`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'idempotency-key': key,
    },
    body: JSON.stringify({ merchantCode, amountWon }),
  });
}

/**
 * The demo payers of the seeded tenant, each funded with `fundWon` straight through the ledger
 * (the test shares the server's database) and signed in; plus a merchant code to pay.
 */
export async function fundedPayers(
  db: Database,
  server: ServerProcess,
  fundWon: number,
): Promise<{ tokens: string[]; merchantCode: string }> {
  const ledger = new LedgerService(db, systemClock);
  const tokens: string[] = [];
  for (const who of PAYERS) {
    const [user] = await db.query<{ id: string }>(
      'select id from users where tenant_id = $1 and phone = $2',
      [SERVER_TENANT, normalizePhone(DEMO_CREDENTIALS[who].phone)],
    );
    if (!user) throw new Error(`demo ${who} missing`);
    const [funded] = await ledger.postTransfers(SERVER_TENANT, [
      {
        id: `durability-fund:${user.id}`,
        action: 'transfer',
        code: 'charge',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -fundWon },
          { accountId: memberAccountIds(user.id).cash, amountWon: fundWon },
        ],
      },
    ]);
    expect(funded).toMatchObject({ ok: true });
    tokens.push(await logIn(server.url, DEMO_CREDENTIALS[who].phone, DEMO_CREDENTIALS[who].password));
  }
  const [merchant] = await db.query<{ merchant_code: string }>(
    `select merchant_code from merchants where tenant_id = $1 and status = 'approved' order by id limit 1`,
    [SERVER_TENANT],
  );
  return { tokens, merchantCode: merchant?.merchant_code ?? '' };
}
