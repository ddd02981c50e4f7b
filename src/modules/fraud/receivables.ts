import type { Sql } from '../../db/database.js';

/**
 * What a confirmed case's claw-back could not collect, per account it is owed to: a budget pot
 * account for cashback (owed by the member), the member's grant account for grant money (owed by the
 * merchant, and reclaimed to the programme's pool when paid). A later cancellation of the payment
 * settles it; the claw-back's own rows (fraud_clawbacks, fraud_grant_clawbacks) keep what was decided.
 */
export interface Receivable {
  paymentId: string;
  accountId: string;
  kind: 'cashback' | 'grant';
  receivableWon: number;
}

/** A payment as a claw-back left it, read by its cancellation. */
export interface PaymentClawback {
  /** A claw-back took this payment's cashback: what is still out of it is what `owedWon` says. */
  cashback: boolean;
  /** Programmes whose grant money in this payment a claw-back took. */
  grantPrograms: ReadonlySet<string>;
  /** Still owed per account; an account a claw-back took in full has none. */
  owedWon: ReadonlyMap<string, number>;
}

const NO_CLAWBACK: PaymentClawback = { cashback: false, grantPrograms: new Set(), owedWon: new Map() };

/**
 * The fraud module's receivables, for the claw-back that records them and the cancellation that
 * settles them. Every writer holds the payment's row lock (the claw-back locks its payments, a
 * cancellation its payment), so these rows change one payment at a time.
 */
export class FraudReceivables {
  async record(tx: Sql, tenantId: string, receivables: readonly Receivable[]): Promise<void> {
    const rows = receivables.filter((receivable) => receivable.receivableWon > 0);
    if (rows.length === 0) return;
    await tx.query(
      `insert into fraud_receivables (tenant_id, payment_id, account_id, kind, receivable_won)
       select $1, x.payment_id, x.account_id, x.kind, x.receivable_won
       from json_to_recordset($2::json) as x(payment_id text, account_id text, kind text, receivable_won bigint)`,
      [
        tenantId,
        JSON.stringify(
          rows.map((r) => ({
            payment_id: r.paymentId,
            account_id: r.accountId,
            kind: r.kind,
            receivable_won: r.receivableWon,
          })),
        ),
      ],
    );
  }

  /** What claw-backs did to this payment; the caller holds its row lock. */
  async ofPayment(tx: Sql, tenantId: string, paymentId: string): Promise<PaymentClawback> {
    const taken = await tx.query<{ kind: 'cashback' | 'grant'; program_id: string | null }>(
      `select 'cashback' as kind, null as program_id from fraud_clawbacks where tenant_id = $1 and payment_id = $2
       union all
       select 'grant', program_id from fraud_grant_clawbacks where tenant_id = $1 and payment_id = $2`,
      [tenantId, paymentId],
    );
    if (taken.length === 0) return NO_CLAWBACK;
    const owed = await tx.query<{ account_id: string; owed_won: number }>(
      `select account_id, receivable_won - settled_won as owed_won from fraud_receivables
       where tenant_id = $1 and payment_id = $2`,
      [tenantId, paymentId],
    );
    return {
      cashback: taken.some((row) => row.kind === 'cashback'),
      grantPrograms: new Set(taken.flatMap((row) => (row.program_id ? [row.program_id] : []))),
      owedWon: new Map(owed.map((row) => [row.account_id, row.owed_won])),
    };
  }

  /** Adds what a cancellation collected to what was settled; more than is owed violates the table's check. */
  async settle(
    tx: Sql,
    tenantId: string,
    paymentId: string,
    settled: ReadonlyArray<{ accountId: string; amountWon: number }>,
  ): Promise<void> {
    const rows = settled.filter((s) => s.amountWon > 0);
    if (rows.length === 0) return;
    const updated = await tx.query(
      `update fraud_receivables r set settled_won = r.settled_won + x.amount_won
       from json_to_recordset($3::json) as x(account_id text, amount_won bigint)
       where r.tenant_id = $1 and r.payment_id = $2 and r.account_id = x.account_id
       returning r.account_id`,
      [
        tenantId,
        paymentId,
        JSON.stringify(rows.map((s) => ({ account_id: s.accountId, amount_won: s.amountWon }))),
      ],
    );
    if (updated.length !== rows.length)
      throw new Error(`payment ${paymentId}: settled receivables that were never recorded`);
  }

  /**
   * Grant money claw-backs took from these merchants' receivables at or after `since`, per merchant
   * (merchants with none are absent): the merchant's side of each `fraud_grant_clawback` transfer,
   * for settlement, which pays a day what the receivable held at its end.
   */
  async grantClawedFromMerchantsSince(
    sql: Sql,
    tenantId: string,
    merchantIds: readonly string[],
    since: Date,
  ): Promise<Map<string, number>> {
    if (merchantIds.length === 0) return new Map();
    const rows = await sql.query<{ merchant_id: string; clawed_won: number }>(
      `select merchant_id, sum(clawed_won)::bigint as clawed_won from fraud_grant_clawbacks
       where tenant_id = $1 and merchant_id = any($2::text[]) and created_at >= $3 and clawed_won > 0
       group by merchant_id`,
      [tenantId, [...merchantIds], since],
    );
    return new Map(rows.map((row) => [row.merchant_id, row.clawed_won]));
  }

  /** What cancellations settled of these payments' receivables. */
  async settledOf(
    sql: Sql,
    tenantId: string,
    paymentIds: readonly string[],
  ): Promise<Array<{ paymentId: string; accountId: string; kind: Receivable['kind']; settledWon: number }>> {
    if (paymentIds.length === 0) return [];
    const rows = await sql.query<{
      payment_id: string;
      account_id: string;
      kind: Receivable['kind'];
      settled_won: number;
    }>(
      `select payment_id, account_id, kind, settled_won from fraud_receivables
       where tenant_id = $1 and payment_id = any($2::text[]) and settled_won > 0`,
      [tenantId, [...paymentIds]],
    );
    return rows.map((r) => ({
      paymentId: r.payment_id,
      accountId: r.account_id,
      kind: r.kind,
      settledWon: r.settled_won,
    }));
  }
}
