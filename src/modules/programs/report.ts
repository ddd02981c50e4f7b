import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { ProgramErrors } from './errors.js';
import { fundingSplit, poolAccountId } from './grants.js';
import { selectOutstandingWon, selectSpentByMerchantKind } from './read-models.js';
import { selectProgram } from './store.js';
import type { ProgramReport, SpentBy } from './types.js';

/**
 * A programme's report, read from one snapshot (REPEATABLE READ) so its parts add up while payments
 * go on: every won disbursed is spent, reclaimed or still in a grant, and the budget is the pool plus
 * what is out. Both are asserted; a report that does not add up is a bug, never shown.
 */
export async function programReport(
  db: Database,
  clock: Clock,
  ledger: LedgerService,
  tenantId: string,
  programId: string,
): Promise<ProgramReport> {
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read');
    const program = await selectProgram(tx, tenantId, programId);
    if (!program) throw ProgramErrors.notFound(programId);
    const pool = await ledger.getAccount(tenantId, poolAccountId(programId), tx);
    const outstandingWon = await selectOutstandingWon(tx, tenantId, programId);
    const spentBy = await selectSpentByMerchantKind(tx, tenantId, programId);
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
