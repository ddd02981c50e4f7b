import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPostgres } from '../../src/db/postgres.js';
import { auditLedger } from '../../src/modules/ledger/audit.js';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.js';
import {
  exited,
  fundedPayers,
  pay as payWon,
  type ServerProcess as Server,
  startServer,
  SERVER_TENANT as TENANT,
} from '../support/server-process.js';

const CONCURRENCY = 16;
const ACKS_BEFORE_KILL = 60;
const PAYMENT_WON = 1_000;

function pay(url: string, token: string, key: string, merchantCode: string) {
  return payWon(url, token, key, merchantCode, PAYMENT_WON);
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
    const funded = await fundedPayers(db, server, 1_000_000);
    const payers = funded.tokens.map((token) => ({ token }));
    const { merchantCode } = funded;

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
      `select idempotency_key as key, id as payment_id from payments
       where tenant_id = $1 and idempotency_key like 'durability-%'`,
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
