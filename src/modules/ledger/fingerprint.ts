import type { Sql } from '../../db/database.js';

/**
 * What a tenant's books say, in a few values two copies can be compared by: how many transfers, a
 * digest over every transfer's recorded content digest, and a digest over every account's balances.
 * Equal fingerprints (and a green audit on each side) mean a restore or a copy holds the same books.
 */
export interface LedgerFingerprint {
  transfers: number;
  transferDigest: string;
  accounts: number;
  balanceDigest: string;
  postedWonTotal: number;
}

export async function ledgerFingerprint(sql: Sql, tenantId: string): Promise<LedgerFingerprint> {
  // string_agg over a whole tenant is bounded by the tenant's size; the digest keeps the answer small.
  const [transfers] = await sql.query<{ n: number; digest: string | null }>(
    `select count(*)::bigint as n, md5(string_agg(id || '=' || content_hash, ',' order by id)) as digest
     from ledger_transfers where tenant_id = $1`,
    [tenantId],
  );
  const [accounts] = await sql.query<{ n: number; digest: string | null; posted: number | null }>(
    `select count(*)::bigint as n,
       md5(string_agg(id || '=' || posted_won || '/' || pending_debit_won, ',' order by id)) as digest,
       sum(abs(posted_won))::bigint as posted
     from ledger_accounts where tenant_id = $1`,
    [tenantId],
  );
  return {
    transfers: transfers?.n ?? 0,
    transferDigest: transfers?.digest ?? '',
    accounts: accounts?.n ?? 0,
    balanceDigest: accounts?.digest ?? '',
    postedWonTotal: accounts?.posted ?? 0,
  };
}
