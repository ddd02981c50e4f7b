import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { MERCHANT_RECEIVABLE_KIND } from '../merchants/types.js';
import { ProgramErrors } from './errors.js';
import { fundingSplit, poolAccountId } from './grants.js';
import { paidGrantAccountsQuery, selectProgram } from './store.js';
import type { ProgramDeps, ProgramReport, SpentBy } from './types.js';

/** Merchants one lookup takes. */
const MERCHANTS_PER_READ = 10_000;
/** The programme's own transfers (funding, grants, reclaims) never touch a merchant: skipped up front. */
const PROGRAM_TRANSFER_ID_PREFIX = 'program_';

type ReportDeps = Pick<ProgramDeps, 'ledger' | 'merchants'>;

/**
 * A programme's report, read from one snapshot (REPEATABLE READ) so its parts add up while payments
 * go on: every won disbursed is spent, reclaimed or still in a grant, and the budget is the pool plus
 * what is out. Both are asserted; a report that does not add up is a bug, never shown.
 */
export async function programReport(
  db: Database,
  clock: Clock,
  deps: ReportDeps,
  tenantId: string,
  programId: string,
): Promise<ProgramReport> {
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read');
    const program = await selectProgram(tx, tenantId, programId);
    if (!program) throw ProgramErrors.notFound(programId);
    const pool = await deps.ledger.getAccount(tenantId, poolAccountId(programId), tx);
    const { outstandingWon, postedWonByMerchant } = await grantTotals(tx, deps, tenantId, programId);
    const spentBy = await spentByMerchantKind(tx, deps, tenantId, postedWonByMerchant);
    const spentWon = spentBy.reduce((sum, row) => sum + row.won, 0);
    const poolRemainingWon = pool?.postedWon ?? 0;
    if (program.disbursedWon !== spentWon + program.reclaimedWon + outstandingWon) {
      throw new Error(
        `programme ${programId}: disbursed ${program.disbursedWon} ≠ spent ${spentWon} + reclaimed ${program.reclaimedWon} + outstanding ${outstandingWon}`,
      );
    }
    if (program.budgetWon !== poolRemainingWon + program.disbursedWon - program.reclaimedWon) {
      throw new Error(
        `programme ${programId}: the pool holds ${poolRemainingWon}, not what the counters say`,
      );
    }
    return {
      programId,
      asOf: clock.now(),
      budgetWon: program.budgetWon,
      funding: fundingSplit(program.budgetWon, program.nationalShareBp),
      recipients: { count: program.recipientCount, won: program.recipientWon },
      disbursed: { count: program.disbursedCount, won: program.disbursedWon },
      spent: {
        won: spentWon,
        byDistrict: totalsBy(spentBy, 'district').map(([district, won]) => ({ district, won })),
        byIndustry: totalsBy(spentBy, 'industryCode').map(([industryCode, won]) => ({ industryCode, won })),
        byDistrictAndIndustry: spentBy,
      },
      reclaimedWon: program.reclaimedWon,
      outstandingWon,
      poolRemainingWon,
    };
  });
}

function totalsBy(rows: readonly SpentBy[], key: 'district' | 'industryCode'): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.won);
  return [...totals].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * What the paid recipients' grants hold now (neither spent nor reclaimed), and what they exchanged
 * with each merchant: a payment debits the grant, its cancellation credits it back, whatever module
 * wrote it. The ledger sums over this module's own query of its recipients, in one statement each.
 */
async function grantTotals(tx: Sql, deps: ReportDeps, tenantId: string, programId: string) {
  const grants = paidGrantAccountsQuery(tenantId, programId);
  const outstandingWon = await deps.ledger.postedWonOf(tenantId, grants, tx);
  const postedWonByMerchant = await deps.ledger.postedWonByCounterpartyOwner(
    tenantId,
    grants,
    { kind: MERCHANT_RECEIVABLE_KIND, excludeTransferIdPrefix: PROGRAM_TRANSFER_ID_PREFIX },
    tx,
  );
  return { outstandingWon, postedWonByMerchant };
}

/** Net spending by the merchant's district and industry, in (district, industry) order. */
async function spentByMerchantKind(
  tx: Sql,
  deps: ReportDeps,
  tenantId: string,
  postedWonByMerchant: ReadonlyMap<string, number>,
): Promise<SpentBy[]> {
  const merchantIds = [...postedWonByMerchant.keys()];
  const spent = new Map<string, SpentBy>();
  for (let start = 0; start < merchantIds.length; start += MERCHANTS_PER_READ) {
    const page = merchantIds.slice(start, start + MERCHANTS_PER_READ);
    const merchants = await deps.merchants.getByIds(tenantId, page, tx);
    for (const merchantId of page) {
      const merchant = merchants.get(merchantId);
      if (!merchant) throw new Error(`grant spending at ${merchantId}, which is no merchant`);
      const { district, industryCode } = merchant;
      const key = `${district}\u0000${industryCode}`;
      const row = spent.get(key) ?? { district, industryCode, won: 0 };
      row.won -= postedWonByMerchant.get(merchantId) ?? 0;
      spent.set(key, row);
    }
  }
  return [...spent.values()].sort(
    (a, b) => a.district.localeCompare(b.district) || a.industryCode.localeCompare(b.industryCode),
  );
}
