import type { Clock } from '../../../clock.js';
import type { Database, Sql } from '../../../db/database.js';
import type { StatementLine, TransferKind, TransferOutcomeBody, TransferRequestBody } from '../bank-api.js';
import type { BankAccountRef, BankFailureCode } from '../bank-gateway.js';

/** Trust accounts (one per city) live at this bank code; every transfer has one on its other side. */
export const TRUST_BANK_CODE = 'HANBAT';
const ABANDONED_MESSAGE = 'abandoned by the caller before the bank applied it';

export interface SandboxBalances {
  /** What a customer account holds when it is first referenced. */
  openingBalanceWon: number;
  /** What a city's trust account holds when first referenced: the city's own deposit. */
  trustOpeningBalanceWon: number;
}

export type ApplyResult =
  | { kind: 'answered'; outcome: TransferOutcomeBody; replayed: boolean; seq: number }
  | { kind: 'conflict' };

interface TransferRow {
  seq: number;
  idempotency_key: string;
  status: 'succeeded' | 'failed' | 'abandoned';
  kind: TransferKind | null;
  bank_code: string | null;
  account_number: string | null;
  counter_bank_code: string | null;
  counter_account_number: string | null;
  amount_won: number | null;
  memo: string | null;
  tenant_id: string | null;
  failure_code: BankFailureCode | null;
  failure_message: string | null;
  at: Date;
}

interface AccountRow {
  balance_won: number;
  closed_at: Date | null;
}

export function trustAccountOf(tenantId: string | undefined): BankAccountRef {
  return { bankCode: TRUST_BANK_CODE, accountNumber: `TRUST-${tenantId ?? 'default'}` };
}

/**
 * The sandbox bank's books. Every request runs in one transaction that first looks the key up, so a
 * key is applied at most once and always answers the same; PGlite runs transactions one at a time.
 */
export class SandboxBankStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly balances: SandboxBalances,
  ) {}

  async applyTransfer(kind: TransferKind, key: string, request: TransferRequestBody): Promise<ApplyResult> {
    return this.db.transaction(async (tx) => {
      const existing = await selectTransfer(tx, key);
      if (existing) {
        if (!isSameRequest(existing, kind, request)) return { kind: 'conflict' };
        return { kind: 'answered', outcome: outcomeOf(existing), replayed: true, seq: existing.seq };
      }
      const row = await this.move(tx, kind, key, request);
      return { kind: 'answered', outcome: outcomeOf(row), replayed: false, seq: row.seq };
    });
  }

  async lookup(key: string): Promise<TransferOutcomeBody | null> {
    const row = await selectTransfer(this.db, key);
    return row ? outcomeOf(row) : null;
  }

  /** Closes the key: the answer it already has, or a refusal that every later copy also gets. */
  async abandon(key: string): Promise<TransferOutcomeBody> {
    return this.db.transaction(async (tx) => {
      const existing = await selectTransfer(tx, key);
      if (existing) return outcomeOf(existing);
      const [row] = await tx.query<TransferRow>(
        `insert into transfers (idempotency_key, status, at) values ($1, 'abandoned', $2) returning *`,
        [key, this.clock.now()],
      );
      return outcomeOf(row as TransferRow);
    });
  }

  /** Applied transfers after `since`, oldest first; refusals moved no money and are not listed. */
  async statement(
    since: number,
    limit: number,
  ): Promise<{ transactions: StatementLine[]; nextSince: number; more: boolean }> {
    const rows = await this.db.query<TransferRow>(
      `select * from transfers where status = 'succeeded' and seq > $1 order by seq limit $2`,
      [since, limit],
    );
    return {
      transactions: rows.map(statementLineOf),
      nextSince: rows.at(-1)?.seq ?? since,
      more: rows.length === limit,
    };
  }

  async balanceOf(account: BankAccountRef): Promise<{ balanceWon: number; closed: boolean }> {
    return this.db.transaction(async (tx) => {
      const row = await this.openAndLock(tx, account);
      return { balanceWon: row.balance_won, closed: row.closed_at !== null };
    });
  }

  /** From now on the account is unknown to the bank: requests naming it are refused. */
  async closeAccount(account: BankAccountRef): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.openAndLock(tx, account);
      await tx.query(
        `update accounts set closed_at = coalesce(closed_at, $3) where bank_code = $1 and account_number = $2`,
        [account.bankCode, account.accountNumber, this.clock.now()],
      );
    });
  }

  private async move(
    tx: Sql,
    kind: TransferKind,
    key: string,
    request: TransferRequestBody,
  ): Promise<TransferRow> {
    const trust = trustAccountOf(request.tenantId);
    const [from, to] = kind === 'withdrawal' ? [request.account, trust] : [trust, request.account];
    const refusal = await this.refusalOf(tx, from, to, request.amountWon);
    if (!refusal) {
      await addBalance(tx, from, -request.amountWon);
      await addBalance(tx, to, request.amountWon);
    }
    const [row] = await tx.query<TransferRow>(
      `insert into transfers (idempotency_key, status, kind, bank_code, account_number, counter_bank_code,
         counter_account_number, amount_won, memo, tenant_id, failure_code, failure_message, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`,
      [
        key,
        refusal ? 'failed' : 'succeeded',
        kind,
        request.account.bankCode,
        request.account.accountNumber,
        trust.bankCode,
        trust.accountNumber,
        request.amountWon,
        request.memo,
        request.tenantId ?? null,
        refusal?.code ?? null,
        refusal?.message ?? null,
        this.clock.now(),
      ],
    );
    return row as TransferRow;
  }

  private async refusalOf(
    tx: Sql,
    from: BankAccountRef,
    to: BankAccountRef,
    amountWon: number,
  ): Promise<{ code: BankFailureCode; message: string } | null> {
    const source = await this.openAndLock(tx, from);
    const target = await this.openAndLock(tx, to);
    if (source.closed_at || target.closed_at)
      return { code: 'ACCOUNT_NOT_FOUND', message: 'no such account at this bank' };
    if (source.balance_won < amountWon)
      return { code: 'INSUFFICIENT_FUNDS', message: 'the balance is too low for this transfer' };
    return null;
  }

  /** Accounts open on first reference, as a demo bank should let any member link one. */
  private async openAndLock(tx: Sql, account: BankAccountRef): Promise<AccountRow> {
    const openingWon =
      account.bankCode === TRUST_BANK_CODE
        ? this.balances.trustOpeningBalanceWon
        : this.balances.openingBalanceWon;
    await tx.query(
      `insert into accounts (bank_code, account_number, balance_won, opened_at) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [account.bankCode, account.accountNumber, openingWon, this.clock.now()],
    );
    const [row] = await tx.query<AccountRow>(
      `select balance_won, closed_at from accounts where bank_code = $1 and account_number = $2 for update`,
      [account.bankCode, account.accountNumber],
    );
    if (!row) throw new Error(`sandbox bank: account ${account.bankCode}/${account.accountNumber} vanished`);
    return row;
  }
}

async function addBalance(tx: Sql, account: BankAccountRef, deltaWon: number): Promise<void> {
  await tx.query(
    `update accounts set balance_won = balance_won + $3 where bank_code = $1 and account_number = $2`,
    [account.bankCode, account.accountNumber, deltaWon],
  );
}

async function selectTransfer(sql: Sql, key: string): Promise<TransferRow | undefined> {
  const [row] = await sql.query<TransferRow>(`select * from transfers where idempotency_key = $1`, [key]);
  return row;
}

/** An abandoned key answers every later copy with its refusal, whatever that copy asks for. */
function isSameRequest(row: TransferRow, kind: TransferKind, request: TransferRequestBody): boolean {
  if (row.status === 'abandoned') return true;
  return (
    row.kind === kind &&
    row.bank_code === request.account.bankCode &&
    row.account_number === request.account.accountNumber &&
    row.amount_won === request.amountWon &&
    row.tenant_id === (request.tenantId ?? null)
  );
}

export function bankTransactionIdOf(seq: number): string {
  return `sbt_${seq}`;
}

function outcomeOf(row: TransferRow): TransferOutcomeBody {
  const idempotencyKey = row.idempotency_key;
  if (row.status === 'succeeded')
    return { idempotencyKey, status: 'succeeded', bankTransactionId: bankTransactionIdOf(row.seq) };
  if (row.status === 'abandoned')
    return { idempotencyKey, status: 'failed', code: 'REJECTED', message: ABANDONED_MESSAGE };
  return {
    idempotencyKey,
    status: 'failed',
    code: row.failure_code ?? 'REJECTED',
    message: row.failure_message ?? 'refused',
  };
}

function statementLineOf(row: TransferRow): StatementLine {
  if (!row.kind || row.amount_won === null) throw new Error(`transfer ${row.seq} is not an applied transfer`);
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    idempotencyKey: row.idempotency_key,
    bankTransactionId: bankTransactionIdOf(row.seq),
    kind: row.kind,
    account: { bankCode: row.bank_code ?? '', accountNumber: row.account_number ?? '' },
    counterAccount: {
      bankCode: row.counter_bank_code ?? '',
      accountNumber: row.counter_account_number ?? '',
    },
    amountWon: row.amount_won,
    tenantId: row.tenant_id,
    memo: row.memo ?? '',
  };
}
