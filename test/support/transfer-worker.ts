/**
 * A separate OS process that fires concurrent 1-won transfers at a shared PostgreSQL database.
 * Run as `node --import tsx test/support/transfer-worker.ts '<json args>'` from the project root.
 *
 * Prints `{"ready":true}` once connected, waits for one line on stdin (a start barrier, so that
 * several workers fire at the same moment), fires, prints one JSON result line and exits.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock.js';
import { openPostgres } from '../../src/db/postgres.js';
import { LedgerService } from '../../src/modules/ledger/ledger-service.js';
import type { TransferResult } from '../../src/modules/ledger/types.js';

export interface TransferWorkerArgs {
  databaseUrl: string;
  tenantId: string;
  fromAccountId: string;
  toAccountId: string;
  count: number;
  idPrefix: string;
}

export interface TransferWorkerReport {
  ok: number;
  refused: number;
  replayed: number;
  /** Ids this process moved money for (ok and not a replay). */
  freshIds: string[];
  /** Refusal codes and how often each occurred. */
  codes: Record<string, number>;
  startedAtMs: number;
  finishedAtMs: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '') as TransferWorkerArgs;
  const db = await openPostgres(args.databaseUrl);
  try {
    const ledger = new LedgerService(db, systemClock);
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    await waitForStartLine();
    const startedAtMs = Date.now();
    const results = await Promise.all(
      Array.from({ length: args.count }, async (_, index): Promise<TransferResult> => {
        const [result] = await ledger.postTransfers(args.tenantId, [
          {
            id: `${args.idPrefix}${index}`,
            action: 'transfer',
            code: 'worker',
            postings: [
              { accountId: args.fromAccountId, amountWon: -1 },
              { accountId: args.toAccountId, amountWon: 1 },
            ],
          },
        ]);
        if (!result) throw new Error('postTransfers returned no result');
        return result;
      }),
    );
    const report: TransferWorkerReport = {
      ok: 0,
      refused: 0,
      replayed: 0,
      freshIds: [],
      codes: {},
      startedAtMs,
      finishedAtMs: Date.now(),
    };
    for (const result of results) {
      if (result.ok) {
        report.ok += 1;
        if (result.replayed) report.replayed += 1;
        else report.freshIds.push(result.id);
      } else {
        report.refused += 1;
        report.codes[result.code] = (report.codes[result.code] ?? 0) + 1;
      }
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await db.close();
  }
}

function waitForStartLine(): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', () => {
      resolve();
      lines.close();
    });
    lines.once('close', () => reject(new Error('stdin closed before the start line')));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
