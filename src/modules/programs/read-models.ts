import type { Sql } from '../../db/database.js';
import type { SpentBy } from './types.js';

/**
 * Read-only SQL over other modules' tables (`tenants`, members' `users`, the ledger's accounts and entries,
 * `merchants`), for the set-based questions their services answer one row at a time: which of
 * 200,000 phone numbers are members, which of 100,000 grants still hold money, where grants were
 * spent. Nothing here writes; every movement of money goes through LedgerService. Each function is a
 * candidate to move behind the owning module's service.
 */

export async function selectTenantCurrency(sql: Sql, tenantId: string): Promise<string | undefined> {
  const [row] = await sql.query<{ currency_code: string }>(
    'select currency_code from tenants where id = $1',
    [tenantId],
  );
  return row?.currency_code;
}

export async function selectMemberIdsByPhone(
  sql: Sql,
  tenantId: string,
  phones: readonly string[],
): Promise<Map<string, string>> {
  if (phones.length === 0) return new Map();
  const rows = await sql.query<{ id: string; phone: string }>(
    `select id, phone from users where tenant_id = $1 and phone = any($2::text[])`,
    [tenantId, [...phones]],
  );
  return new Map(rows.map((row) => [row.phone, row.id]));
}

export async function selectKnownMemberIds(
  sql: Sql,
  tenantId: string,
  memberIds: readonly string[],
): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(
    `select id from users where tenant_id = $1 and id = any($2::text[])`,
    [tenantId, [...memberIds]],
  );
  return new Set(rows.map((row) => row.id));
}

/** The grant account of each paid recipient, by the id scheme of grants.ts. */
const GRANTS_OF_PROGRAM = `
  from program_recipients r
  join ledger_accounts a on a.tenant_id = r.tenant_id and a.id = r.member_id || ':grant:' || r.program_id
  where r.tenant_id = $1 and r.program_id = $2 and r.disbursed_at is not null`;

/** Paid recipients after `afterMemberId` whose grant still holds spendable money, in member order. */
export async function selectMembersWithGrantLeft(
  sql: Sql,
  tenantId: string,
  programId: string,
  afterMemberId: string,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ member_id: string }>(
    `select r.member_id ${GRANTS_OF_PROGRAM} and r.member_id > $3 and a.posted_won - a.pending_debit_won > 0
     order by r.member_id limit $4`,
    [tenantId, programId, afterMemberId, limit],
  );
  return rows.map((row) => row.member_id);
}

/** What the programme's grants hold now, neither spent nor reclaimed. */
export async function selectOutstandingWon(sql: Sql, tenantId: string, programId: string): Promise<number> {
  const [row] = await sql.query<{ won: number }>(
    `select coalesce(sum(a.posted_won), 0)::bigint as won ${GRANTS_OF_PROGRAM}`,
    [tenantId, programId],
  );
  return row?.won ?? 0;
}

/**
 * Net spending of the programme's grants by the merchant's district and industry, from the journal:
 * every grant entry of a transfer that also posts to a merchant's receivable is a payment (a debit of
 * the grant) or its cancellation (a credit back), whatever module wrote it. The programme's own
 * transfers (ids starting `program_`) are skipped up front; they never touch a merchant.
 */
export async function selectSpentByMerchantKind(
  sql: Sql,
  tenantId: string,
  programId: string,
): Promise<SpentBy[]> {
  return sql.query<SpentBy>(
    `with grant_entries as (
       select e.transfer_id, e.posted_delta_won
       from program_recipients r
       join ledger_entries e on e.tenant_id = r.tenant_id and e.account_id = r.member_id || ':grant:' || r.program_id
       where r.tenant_id = $1 and r.program_id = $2 and r.disbursed_at is not null
         and left(e.transfer_id, 8) <> 'program_'
     )
     select m.district, m.industry_code as "industryCode", (-sum(g.posted_delta_won))::bigint as won
     from grant_entries g
     join ledger_entries me on me.tenant_id = $1 and me.transfer_id = g.transfer_id
     join ledger_accounts ma on ma.tenant_id = $1 and ma.id = me.account_id and ma.kind = 'merchant_receivable'
     join merchants m on m.tenant_id = $1 and m.id = ma.owner_id
     group by m.district, m.industry_code
     order by m.district, m.industry_code`,
    [tenantId, programId],
  );
}
