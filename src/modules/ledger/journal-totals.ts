import type { Sql } from '../../db/database.js';
import type { AccountQuery } from './types.js';

/** Sums over the journal for other modules' reports: one statement each, aggregated in the database. */

/** The accounts of `accounts`' query that exist, joined by id: the FROM item of the sums below. */
function queriedAccounts(accounts: AccountQuery, tenantParam: number): string {
  return `(${accounts.sql(tenantParam + 1)}) as q
     join ledger_accounts a on a.tenant_id = $${tenantParam} and a.id = q.account_id`;
}

/** The posted balances of the accounts `accounts` names, summed. */
export async function selectPostedWonTotal(
  sql: Sql,
  tenantId: string,
  accounts: AccountQuery,
): Promise<number> {
  const [row] = await sql.query<{ won: number }>(
    `select coalesce(sum(a.posted_won), 0)::bigint as won from ${queriedAccounts(accounts, 1)}`,
    [tenantId, ...accounts.params],
  );
  return row?.won ?? 0;
}

/**
 * The posted deltas of the accounts `accounts` names in transfers that also post to an account of
 * `counterparty.kind`, summed per owner of that account: negative = the accounts paid that owner.
 * Transfers whose id starts with `excludeTransferIdPrefix` are dropped before the join. One
 * statement whatever the number of accounts: the database joins the entries by hash.
 */
export async function selectPostedWonByCounterpartyOwner(
  sql: Sql,
  tenantId: string,
  accounts: AccountQuery,
  counterparty: { kind: string; excludeTransferIdPrefix: string | null },
): Promise<Map<string, number>> {
  const first = 2 + accounts.params.length;
  const rows = await sql.query<{ owner_id: string; posted_won: number }>(
    `select ca.owner_id, sum(e.posted_delta_won)::bigint as posted_won
     from ${queriedAccounts(accounts, 1)}
     join ledger_entries e on e.tenant_id = a.tenant_id and e.account_id = a.id
     join ledger_entries ce on ce.tenant_id = e.tenant_id and ce.commit_seq = e.commit_seq
       and ce.transfer_id = e.transfer_id and ce.account_id <> e.account_id
     join ledger_accounts ca on ca.tenant_id = ce.tenant_id and ca.id = ce.account_id
     where ca.kind = $${first} and ca.owner_id is not null
       and ($${first + 1}::text is null or not starts_with(e.transfer_id, $${first + 1}::text))
     group by ca.owner_id`,
    [tenantId, ...accounts.params, counterparty.kind, counterparty.excludeTransferIdPrefix],
  );
  return new Map(rows.map((row) => [row.owner_id, row.posted_won]));
}

/** Net posted won of `accountIds` per local day ('YYYY-MM-DD' in `timeZone`) of the transfer, oldest first. */
export async function selectDailyPostedWon(
  sql: Sql,
  tenantId: string,
  accountIds: readonly string[],
  filter: { timeZone: string; excludeCodes: readonly string[] },
): Promise<Array<{ day: string; postedWon: number }>> {
  if (accountIds.length === 0) return [];
  return sql.query<{ day: string; postedWon: number }>(
    `select to_char(t.created_at at time zone $3, 'YYYY-MM-DD') as day,
       sum(e.posted_delta_won)::bigint as "postedWon"
     from ledger_entries e
     join ledger_transfers t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
     where e.tenant_id = $1 and e.account_id = any($2::text[])
       and t.code <> all($4::text[])
     group by 1 order by 1`,
    [tenantId, [...accountIds], filter.timeZone, [...filter.excludeCodes]],
  );
}
