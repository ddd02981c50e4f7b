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
  pay,
  type ServerProcess,
  startServer,
  SERVER_TENANT as TENANT,
} from '../support/server-process.js';

const CONCURRENCY = 16;
const ACKS_BEFORE_TERM = 60;
const PAYMENT_WON = 1_000;

type Outcome = 'acknowledged' | 'refused-while-closing' | 'no-connection';

describe.skipIf(!postgresAdminUrl())('the server stopped with SIGTERM under payment load', () => {
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let db: Database;
  let bankDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    const created = await createPostgresDatabase();
    databaseUrl = created.url;
    dropDatabase = created.drop;
    db = await openPostgres(databaseUrl);
    bankDir = mkdtempSync(path.join(os.tmpdir(), 'hanbat-sigterm-bank-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    await db?.close();
    await dropDatabase?.();
    rmSync(bankDir, { recursive: true, force: true });
  });

  it('answers every payment it took before exiting, and commits none it did not answer', async () => {
    server = await startServer(databaseUrl, bankDir);
    const running = server;
    const { tokens, merchantCode } = await fundedPayers(db, running, 1_000_000);

    const outcomes = new Map<string, Outcome>();
    const acknowledged = new Map<string, string>();
    let acknowledgedAfterTerm = 0;
    let termSent = false;
    let serial = 0;
    const loops = Array.from({ length: CONCURRENCY }, async (_, loop) => {
      // Each loop pays until the server no longer takes connections.
      for (;;) {
        serial += 1;
        const key = `drain-${serial}`;
        const sentBeforeTerm = !termSent;
        let response: Response;
        try {
          response = await pay(
            running.url,
            tokens[loop % tokens.length] as string,
            key,
            merchantCode,
            PAYMENT_WON,
          );
        } catch {
          outcomes.set(key, 'no-connection');
          if (!termSent) throw new Error(`payment ${key} failed before SIGTERM`);
          return;
        }
        const body = (await response.json().catch(() => ({}))) as { paymentId?: string };
        if (response.status === 201 && body.paymentId) {
          outcomes.set(key, 'acknowledged');
          acknowledged.set(key, body.paymentId);
          if (termSent && sentBeforeTerm) acknowledgedAfterTerm += 1;
          if (acknowledged.size === ACKS_BEFORE_TERM) {
            termSent = true;
            running.child.kill('SIGTERM');
          }
        } else if (response.status === 503 && termSent) {
          // A client told the server is closing goes elsewhere (here: stops).
          outcomes.set(key, 'refused-while-closing');
          return;
        } else {
          throw new Error(`payment ${key}: ${response.status} ${JSON.stringify(body)}`);
        }
      }
    });
    await Promise.all(loops);
    const exitCode = await exited(running.child);
    expect(exitCode, running.output()).toBe(0);
    expect(running.output()).not.toContain('drain timed out');
    // Requests were in flight when the signal came, and were still answered with their receipts.
    expect(acknowledgedAfterTerm).toBeGreaterThan(0);

    // Every acknowledged payment is in the ledger once; nothing was committed without being answered.
    const stored = await db.query<{ key: string; payment_id: string }>(
      `select idempotency_key as key, id as payment_id from payments
       where tenant_id = $1 and idempotency_key like 'drain-%'`,
      [TENANT],
    );
    expect(new Map(stored.map((row) => [row.key, row.payment_id]))).toEqual(acknowledged);
    const refused = [...outcomes].filter(([, outcome]) => outcome !== 'acknowledged');
    for (const [key] of refused) expect(stored.some((row) => row.key === key)).toBe(false);
    const payments = await db.query<{ id: string }>('select id from payments where tenant_id = $1', [TENANT]);
    expect(payments.map((row) => row.id).sort()).toEqual([...acknowledged.values()].sort());
    const transfers = await db.query<{ id: string }>(
      `select id from ledger_transfers where tenant_id = $1 and id like 'payment:%'`,
      [TENANT],
    );
    expect(transfers.map((row) => row.id).sort()).toEqual(
      [...acknowledged.values()].map((id) => `payment:${id}`).sort(),
    );
    const report = await auditLedger(db, TENANT, systemClock.now());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  }, 300_000);
});
