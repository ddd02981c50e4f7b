import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../presets/daejeon.js';

const run = promisify(execFile);
const workDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-bank-cli-'));
const START_WAIT_MS = 60_000;
const POLL_MS = 200;
const started: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function hanbat(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn('node', ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      HANBAT_DEMO_FRAUD_RING: '0',
      HANBAT_DEMO_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
}

async function waitForHealth(url: string): Promise<void> {
  const deadlineMs = Date.now() + START_WAIT_MS;
  while (Date.now() < deadlineMs) {
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return;
    await sleep(POLL_MS);
  }
  throw new Error(`${url} did not come up in ${START_WAIT_MS} ms`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function post(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'daejeon', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('hanbat bank commands', () => {
  afterAll(async () => {
    for (const child of started) await stop(child);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('documents the bank settings and the sandbox-bank command', async () => {
    const { stdout } = await run('node', ['--import', 'tsx', 'src/cli/main.ts', '--help']);
    for (const name of [
      'BANK_URL',
      'BANK_SIGNING_SECRET',
      'BANK_TIMEOUT_MS',
      'SANDBOX_BANK_PORT',
      'sandbox-bank',
    ])
      expect(stdout).toContain(name);
  });

  it('refuses to run the sandbox bank without a signing secret', async () => {
    const child = hanbat(['sandbox-bank'], { BANK_SIGNING_SECRET: '' });
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
  });

  it('serve runs the sandbox bank beside the platform: a demo charge moves bank money', async () => {
    const [port, bankPort] = [await freePort(), await freePort()];
    const serve = hanbat(['serve'], {
      PORT: String(port),
      SANDBOX_BANK_PORT: String(bankPort),
      DATA_DIR: path.join(workDir, 'data'),
      SANDBOX_BANK_DATA_DIR: path.join(workDir, 'bank'),
    });
    const [platformUrl, bankUrl] = [`http://127.0.0.1:${port}`, `http://127.0.0.1:${bankPort}`];
    await waitForHealth(platformUrl);
    await waitForHealth(bankUrl);

    const { phone, password } = DEMO_CREDENTIALS.citizen;
    const session = await post(`${platformUrl}/v1/sessions`, { phone, password }, {});
    const charge = await post(
      `${platformUrl}/v1/me/charges`,
      { amountWon: 50_000 },
      { authorization: `Bearer ${session.body.token}`, 'idempotency-key': 'cli-demo-charge' },
    );
    expect(charge).toMatchObject({ status: 201, body: { status: 'succeeded', amountWon: 50_000 } });
    const statement = await (await fetch(`${bankUrl}/statements`)).json();
    // The demo data has its own bank movements (a partner company's deposit); the charge is one withdrawal more.
    const ofCharge = (statement.transactions as Array<{ idempotencyKey: string }>).filter(
      (transaction) => transaction.idempotencyKey === charge.body.chargeId,
    );
    expect(ofCharge).toMatchObject([
      { idempotencyKey: charge.body.chargeId, kind: 'withdrawal', amountWon: 50_000 },
    ]);
    expect(await stop(serve)).toBe(0);
  });
});
