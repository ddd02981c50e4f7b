/** In-process measurements: the ledger by batch size, and the full payment path without HTTP. */
import { LedgerBatcher } from '../src/modules/ledger/batcher.js';
import type { TransferRequest } from '../src/modules/ledger/types.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import type { Platform } from '../src/platform.js';
import { type BenchData, zipfPick } from './seed.js';

export interface RateResult {
  name: string;
  concurrency: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
}

let transferSerial = 0;
let orderSerial = 0;

export function randomTransfer(data: BenchData): TransferRequest {
  const from = Math.floor(Math.random() * data.memberIds.length);
  const to = (from + 1 + Math.floor(Math.random() * (data.memberIds.length - 1))) % data.memberIds.length;
  transferSerial += 1;
  return {
    id: `bench-tx:${process.pid}:${transferSerial}`,
    action: 'transfer',
    code: 'p2p',
    postings: [
      { accountId: memberAccountIds(data.memberIds[from] as string).cash, amountWon: -1 },
      { accountId: memberAccountIds(data.memberIds[to] as string).cash, amountWon: 1 },
    ],
  };
}

/** Runs `concurrency` loops of `step` for `seconds`; each step reports how many units it completed. */
export async function closedLoop(
  name: string,
  concurrency: number,
  seconds: number,
  step: () => Promise<{ ok: number; failed: number }>,
): Promise<RateResult> {
  const startedMs = performance.now();
  const endMs = startedMs + seconds * 1000;
  let completed = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endMs) {
        const outcome = await step();
        completed += outcome.ok;
        failed += outcome.failed;
      }
    }),
  );
  const elapsed = (performance.now() - startedMs) / 1000;
  return { name, concurrency, completed, failed, seconds: elapsed, perSecond: completed / elapsed };
}

export async function ledgerByBatchSize(
  platform: Platform,
  data: BenchData,
  seconds: number,
): Promise<RateResult[]> {
  const results: RateResult[] = [];
  for (const [batchSize, concurrency] of [
    [1, 16],
    [10, 8],
    [100, 4],
    [1000, 2],
  ] as const) {
    results.push(
      await closedLoop(`ledger, batch of ${batchSize} per call`, concurrency, seconds, async () => {
        const batch = Array.from({ length: batchSize }, () => randomTransfer(data));
        const posted = await platform.ledger.postTransfers(data.tenantId, batch);
        const ok = posted.filter((result) => result.ok).length;
        return { ok, failed: posted.length - ok };
      }),
    );
  }
  const batcher = new LedgerBatcher(platform.ledger);
  results.push(
    await closedLoop('ledger, 1 per call through LedgerBatcher', 256, seconds, async () => {
      const result = await batcher.postTransfer(data.tenantId, randomTransfer(data));
      return result.ok ? { ok: 1, failed: 0 } : { ok: 0, failed: 1 };
    }),
  );
  return results;
}

export interface LatencyResult {
  name: string;
  offeredPerSecond: number;
  achievedPerSecond: number;
  failed: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number };
}

/** One merchant-presented payment with a fresh idempotency key; resolves to whether it was accepted. */
async function payOnce(platform: Platform, data: BenchData, hotSpot: boolean): Promise<boolean> {
  const member = data.memberIds[Math.floor(Math.random() * data.memberIds.length)] as string;
  const merchantCode = data.merchantCodes[hotSpot ? 0 : zipfPick(data.merchantCdf)] as string;
  const amountWon = 1000 + Math.floor(Math.random() * 29) * 1000;
  orderSerial += 1;
  const key = `bench-in-process-${process.pid}-${orderSerial}`;
  try {
    await platform.payments.payAtMerchant(data.tenantId, {
      memberId: member,
      merchantCode,
      amountWon,
      idempotency: { principalId: member, key, requestHash: key },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Open loop: payments arrive at `ratePerSecond` whether or not earlier ones have finished (as people
 * at tills do), so the latency includes any queueing. The path of HTTP minus HTTP.
 */
export async function paymentLatencyInProcess(
  platform: Platform,
  data: BenchData,
  options: { seconds: number; ratePerSecond: number },
): Promise<LatencyResult> {
  const latenciesMs: number[] = [];
  const pending: Array<Promise<void>> = [];
  let failed = 0;
  const startedMs = performance.now();
  const endMs = startedMs + options.seconds * 1000;
  for (let sent = 0; performance.now() < endMs; ) {
    const due = Math.floor(((performance.now() - startedMs) / 1000) * options.ratePerSecond);
    for (; sent < due; sent++) {
      const sentMs = performance.now();
      pending.push(
        payOnce(platform, data, false).then((ok) => {
          if (ok) latenciesMs.push(performance.now() - sentMs);
          else failed += 1;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - startedMs) / 1000;
  latenciesMs.sort((a, b) => a - b);
  const at = (quantile: number) =>
    Math.round(latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(quantile * latenciesMs.length))] ?? 0);
  return {
    name: `payments in-process at ${options.ratePerSecond}/s offered`,
    offeredPerSecond: options.ratePerSecond,
    achievedPerSecond: latenciesMs.length / elapsed,
    failed,
    latencyMs: { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: Math.round(latenciesMs.at(-1) ?? 0) },
  };
}

export async function paymentsInProcess(
  platform: Platform,
  data: BenchData,
  options: { seconds: number; concurrency: number; hotSpot: boolean },
): Promise<RateResult> {
  const name = options.hotSpot ? 'payments in-process, one merchant' : 'payments in-process, Zipf merchants';
  return closedLoop(name, options.concurrency, options.seconds, async () =>
    (await payOnce(platform, data, options.hotSpot)) ? { ok: 1, failed: 0 } : { ok: 0, failed: 1 },
  );
}
