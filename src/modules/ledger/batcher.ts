import { GroupCommit, type GroupCommitOptions } from '../../db/group-commit.js';
import type { LedgerService } from './ledger-service.js';
import { LEDGER_LIMITS, type TransferRequest, type TransferResult } from './types.js';

export const LEDGER_BATCHER_DEFAULTS: GroupCommitOptions = {
  waitMsMax: 2,
  batchSizeMax: 1000,
  queuedMax: 100_000,
  inFlightMax: 1,
};

/**
 * Group commit in front of `postTransfers`: single transfers that arrive together are written in one
 * transaction (one lock round, one set-based write, one commit), each with its own result.
 */
export class LedgerBatcher {
  private readonly group: GroupCommit<TransferRequest, TransferResult>;

  constructor(ledger: LedgerService, options: Partial<GroupCommitOptions> = {}) {
    const bounded = { ...LEDGER_BATCHER_DEFAULTS, ...options };
    if (bounded.batchSizeMax > LEDGER_LIMITS.batchTransfersMax)
      throw new Error(`a ledger batch holds at most ${LEDGER_LIMITS.batchTransfersMax} transfers`);
    this.group = new GroupCommit(async (tenantId, requests) => {
      const results = await ledger.postTransfers(tenantId, requests);
      return results.map((value) => ({ ok: true, value }));
    }, bounded);
  }

  postTransfer(tenantId: string, request: TransferRequest): Promise<TransferResult> {
    return this.group.submit(tenantId, request);
  }
}
