/**
 * A separate OS process that fires concurrent requests through a group-commit path at a shared
 * PostgreSQL database: 1-won ledger transfers through LedgerBatcher, or payments through
 * PaymentService (BatchedPayments). Run as `node --import tsx test/durability/batch-worker.ts '<json>'`.
 *
 * Prints `{"ready":true}` once connected, waits for one line on stdin (the start barrier), fires,
 * prints one JSON result line and exits.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { openPostgres } from '../../src/db/postgres.js';
import { DomainError } from '../../src/errors.js';
import { LedgerBatcher } from '../../src/modules/ledger/batcher.js';
import { createPlatform } from '../../src/platform.js';

export type BatchWorkerArgs = { databaseUrl: string; tenantId: string; count: number; idPrefix: string } & (
  | { mode: 'ledger'; fromAccountId: string; toAccountId: string }
  | { mode: 'payments'; memberIds: string[]; merchantCode: string; amountWon: number }
);

export interface BatchWorkerReport {
  ok: number;
  /** Refusal codes and how often each occurred. */
  codes: Record<string, number>;
  /** Transfer ids (ledger) or payment ids (payments) this process moved money for. */
  freshIds: string[];
  startedAtMs: number;
  finishedAtMs: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '') as BatchWorkerArgs;
  const db = await openPostgres(args.databaseUrl);
  try {
    const platform = createPlatform(loadConfig({}), db, systemClock);
    await platform.tenants.timeZoneOf(args.tenantId);
    const fire = args.mode === 'ledger' ? ledgerRequests(platform, args) : paymentRequests(platform, args);
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    await waitForStartLine();
    const startedAtMs = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: args.count }, (_, index) =>
        fire(index).then(
          (freshId) => ({ freshId }),
          (error: unknown) => {
            if (error instanceof DomainError) return { code: error.code };
            throw error;
          },
        ),
      ),
    );
    const report: BatchWorkerReport = {
      ok: 0,
      codes: {},
      freshIds: [],
      startedAtMs,
      finishedAtMs: Date.now(),
    };
    for (const outcome of outcomes) {
      if ('freshId' in outcome) {
        report.ok += 1;
        report.freshIds.push(outcome.freshId);
      } else report.codes[outcome.code] = (report.codes[outcome.code] ?? 0) + 1;
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await db.close();
  }
}

type Platform = ReturnType<typeof createPlatform>;

function ledgerRequests(platform: Platform, args: Extract<BatchWorkerArgs, { mode: 'ledger' }>) {
  const batcher = new LedgerBatcher(platform.ledger);
  return async (index: number): Promise<string> => {
    const result = await batcher.postTransfer(args.tenantId, {
      id: `${args.idPrefix}${index}`,
      action: 'transfer',
      code: 'worker',
      postings: [
        { accountId: args.fromAccountId, amountWon: -1 },
        { accountId: args.toAccountId, amountWon: 1 },
      ],
    });
    if (!result.ok)
      throw new DomainError({ code: result.code, httpStatus: 422, message: result.message, messageKo: '' });
    return result.id;
  };
}

function paymentRequests(platform: Platform, args: Extract<BatchWorkerArgs, { mode: 'payments' }>) {
  return async (index: number): Promise<string> => {
    const memberId = args.memberIds[index % args.memberIds.length] as string;
    const key = `${args.idPrefix}${index}`;
    const outcome = await platform.payments.payAtMerchant(args.tenantId, {
      memberId,
      merchantCode: args.merchantCode,
      amountWon: args.amountWon,
      idempotency: { principalId: memberId, key, requestHash: key },
    });
    return (outcome.body as { paymentId: string }).paymentId;
  };
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
