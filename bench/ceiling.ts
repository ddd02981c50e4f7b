/**
 * The ledger's ceiling (issue 12): the rows the ledger writes for a batch of transfers, written by
 * one hand-written set-based statement per batch with no logic (no balance checks, no idempotency
 * lookups, no hash computation beyond a random digest), into copies of the ledger's tables with the
 * same columns and indexes. The ledger's rate at the same batch size divided by this one says how
 * much of what PostgreSQL could do the ledger uses.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../src/db/database.js';
import { memberAccountIds } from '../src/modules/members/member-service.js';
import { closedLoop, type RateResult } from './in-process.js';
import type { BenchData } from './seed.js';

export const CEILING_TABLES = `
  drop table if exists bench_ceiling_transfers, bench_ceiling_entries, bench_ceiling_accounts;
  create table bench_ceiling_transfers (like ledger_transfers including defaults including indexes including constraints);
  create table bench_ceiling_entries (like ledger_entries including defaults including indexes including constraints);
  create table bench_ceiling_accounts (like ledger_accounts including defaults including indexes including constraints);
  -- The ledger's commit order is stamped by its triggers, which LIKE does not copy; the ceiling leaves it out.
  alter table bench_ceiling_transfers alter column commit_seq drop not null;
  alter table bench_ceiling_entries alter column commit_seq drop not null;
`;

/**
 * A transfer row, its two entries and both accounts' balances, for every transfer of the batch. The
 * accounts are locked in id order first, as the ledger locks them, so two batches never deadlock.
 */
export const CEILING_WRITE_BATCH = `
  with locked as (
    select id from bench_ceiling_accounts where tenant_id = $1 and id = any($4::text[]) order by id for update
  ), transfers as (
    insert into bench_ceiling_transfers (tenant_id, id, action, code, metadata, request_hash, content_hash, created_at)
    select $1, x.id, 'transfer', 'p2p', '{}', x.digest, x.digest, now()
    from unnest($2::text[], $3::text[]) as x(id, digest)
  ), entries as (
    insert into bench_ceiling_entries (tenant_id, account_id, seq, transfer_id, posted_delta_won,
      pending_debit_delta_won, pending_credit_delta_won, hash)
    select $1, y.account_id, y.seq, y.transfer_id, y.delta, 0, 0, y.digest
    from unnest($4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::text[]) as y(account_id, seq, transfer_id, delta, digest)
  )
  update bench_ceiling_accounts a
     set posted_won = a.posted_won + d.delta, entry_count = a.entry_count + d.entries, head_hash = d.head
    from (select account_id, sum(delta) as delta, count(*) as entries, max(digest) as head
            from unnest($4::text[], $7::bigint[], $8::text[]) as z(account_id, delta, digest) group by account_id) d
    join locked l on l.id = d.account_id
   where a.tenant_id = $1 and a.id = d.account_id`;

let serial = 0;

/** Copies the ledger's tables (empty, but for the accounts) and measures the statement at `batchSize`. */
export async function ledgerCeiling(
  db: Database,
  data: BenchData,
  options: { batchSize: number; concurrency: number; seconds: number },
): Promise<RateResult> {
  await db.exec(CEILING_TABLES);
  await db.query('insert into bench_ceiling_accounts select * from ledger_accounts where tenant_id = $1', [
    data.tenantId,
  ]);
  // Fresh tables have no statistics: the lock's probe of the accounts by id was planned as a scan of
  // all of them, which cost the ceiling ~20 µs a transfer the ledger's analysed tables never pay.
  await db.exec('analyze bench_ceiling_accounts, bench_ceiling_transfers, bench_ceiling_entries');
  try {
    return await closedLoop(
      `ceiling: one set-based statement, batch of ${options.batchSize}`,
      options.concurrency,
      options.seconds,
      async () => {
        await db.query(CEILING_WRITE_BATCH, ceilingBatchParameters(data, options.batchSize));
        return { ok: options.batchSize, failed: 0 };
      },
    );
  } finally {
    await db.exec('drop table bench_ceiling_transfers, bench_ceiling_entries, bench_ceiling_accounts');
  }
}

/** The same shape of batch as the ledger's bench: member to member, one won, two postings each. */
export function ceilingBatchParameters(data: BenchData, batchSize: number): unknown[] {
  const ids: string[] = [];
  const digests: string[] = [];
  const entry = {
    accounts: [] as string[],
    seqs: [] as number[],
    transfers: [] as string[],
    deltas: [] as number[],
    digests: [] as string[],
  };
  const members = data.memberIds.length;
  for (let index = 0; index < batchSize; index += 1) {
    const from = Math.floor(Math.random() * members);
    const to = (from + 1 + Math.floor(Math.random() * (members - 1))) % members;
    serial += 1;
    const id = `bench-ceiling:${process.pid}:${serial}`;
    const digest = randomBytes(32).toString('hex');
    ids.push(id);
    digests.push(digest);
    for (const [member, delta] of [
      [from, -1],
      [to, 1],
    ] as const) {
      serial += 1;
      entry.accounts.push(memberAccountIds(data.memberIds[member] as string).cash);
      entry.seqs.push(serial);
      entry.transfers.push(id);
      entry.deltas.push(delta);
      entry.digests.push(digest);
    }
  }
  return [
    data.tenantId,
    ids,
    digests,
    entry.accounts,
    entry.seqs,
    entry.transfers,
    entry.deltas,
    entry.digests,
  ];
}
