import type { BankAccountRef, BankGateway, BankOutcome, BankTransferRequest } from './bank-gateway.js';

export type SandboxFault = 'fail' | 'timeout' | 'lost_response';

const REQUESTS_REMEMBERED_MAX = 1_000_000;
const ABANDONED_MESSAGE = 'sandbox: abandoned by the caller before the bank applied it';

/**
 * A deterministic bank in memory, for unit tests of the modules that call the bank: accounts open on
 * first use with a fixed balance, every request is idempotent by key, and faults can be queued. The
 * demo and the boundary tests use the HTTP sandbox bank (sandbox/server.ts) instead.
 */
export class InProcessSandboxBank implements BankGateway {
  private readonly balancesWon = new Map<string, number>();
  private readonly outcomes = new Map<string, BankOutcome>();
  private readonly faults: SandboxFault[] = [];
  private transactionCount = 0;

  constructor(private readonly openingBalanceWon = 10_000_000) {}

  /** The next requests fail in these ways, in order. */
  injectFaults(...faults: SandboxFault[]): void {
    this.faults.push(...faults);
  }

  balanceOf(account: BankAccountRef): number {
    return this.balancesWon.get(accountKey(account)) ?? this.openingBalanceWon;
  }

  async withdraw(request: BankTransferRequest): Promise<BankOutcome> {
    return this.apply(request, -request.amountWon);
  }

  async deposit(request: BankTransferRequest): Promise<BankOutcome> {
    return this.apply(request, request.amountWon);
  }

  async lookup(idempotencyKey: string): Promise<BankOutcome | null> {
    return this.outcomes.get(idempotencyKey) ?? null;
  }

  async abandon(idempotencyKey: string): Promise<BankOutcome> {
    return (
      this.outcomes.get(idempotencyKey) ??
      this.remember(idempotencyKey, { status: 'failed', code: 'REJECTED', message: ABANDONED_MESSAGE })
    );
  }

  private apply(request: BankTransferRequest, deltaWon: number): BankOutcome {
    const known = this.outcomes.get(request.idempotencyKey);
    if (known) return known;
    const fault = this.faults.shift();
    if (fault === 'timeout')
      return { status: 'unknown', reason: 'sandbox: request timed out before the bank saw it' };
    if (fault === 'fail')
      return this.remember(request.idempotencyKey, {
        status: 'failed',
        code: 'REJECTED',
        message: 'sandbox: rejected',
      });
    const key = accountKey(request.account);
    const balanceWon = this.balanceOf(request.account);
    if (balanceWon + deltaWon < 0) {
      return this.remember(request.idempotencyKey, {
        status: 'failed',
        code: 'INSUFFICIENT_FUNDS',
        message: 'bank balance too low',
      });
    }
    this.balancesWon.set(key, balanceWon + deltaWon);
    this.transactionCount += 1;
    const outcome = this.remember(request.idempotencyKey, {
      status: 'succeeded',
      bankTransactionId: `sbx_${this.transactionCount}`,
    });
    return fault === 'lost_response'
      ? { status: 'unknown', reason: 'sandbox: the answer was lost' }
      : outcome;
  }

  private remember(idempotencyKey: string, outcome: BankOutcome): BankOutcome {
    if (this.outcomes.size >= REQUESTS_REMEMBERED_MAX)
      throw new Error('sandbox bank: too many requests remembered');
    this.outcomes.set(idempotencyKey, outcome);
    return outcome;
  }
}

function accountKey(account: BankAccountRef): string {
  return `${account.bankCode}:${account.accountNumber}`;
}
