/** The boundary to the bank that holds the trust account: money enters and leaves only through it. */
export interface BankAccountRef {
  bankCode: string;
  accountNumber: string;
}

export type BankOutcome =
  | { status: 'succeeded'; bankTransactionId: string }
  | { status: 'failed'; code: BankFailureCode; message: string }
  /** Timed out or the answer was lost: the money may or may not have moved. Reconciliation decides. */
  | { status: 'unknown'; reason: string };

export type BankFailureCode = 'INSUFFICIENT_FUNDS' | 'ACCOUNT_NOT_FOUND' | 'REJECTED';

export interface BankTransferRequest {
  /**
   * The same key always means the same transfer: the bank applies it at most once. Keys are unique
   * across tenants (lookups and abandons name only the key), so a caller derives them from its tenant.
   */
  idempotencyKey: string;
  account: BankAccountRef;
  amountWon: number;
  memo: string;
  /**
   * The city whose trust account is the other side of the transfer; the bank echoes it in callbacks
   * and statements so the platform can route them. Without it the shared default trust account is used.
   */
  tenantId?: string;
}

export interface BankGateway {
  /** Debit a member's bank account into the trust account (a charge). */
  withdraw(request: BankTransferRequest): Promise<BankOutcome>;
  /** Credit an account from the trust account (a refund or a merchant settlement). */
  deposit(request: BankTransferRequest): Promise<BankOutcome>;
  /** What happened to an earlier request, or null if the bank never received it. */
  lookup(idempotencyKey: string): Promise<BankOutcome | null>;
  /**
   * Gives up on a request: the bank closes the key, so a copy still in flight is refused when it
   * lands. Answers what the key finally means: its outcome if it had been applied, else `failed`
   * (REJECTED). Unlike deciding "never received" from a lookup, this cannot race a late retry.
   */
  abandon(idempotencyKey: string): Promise<BankOutcome>;
}
