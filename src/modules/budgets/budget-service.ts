import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { PotBalances } from './types.js';

/** PLACEHOLDER — being implemented: cashback budget pots funded through the ledger. */
export class BudgetService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly ledger: LedgerService,
    readonly operatorActions: OperatorActionLog,
  ) {}

  /** Locks and returns the pot(s) a cashback at `at` draws from: the month's pot if any, else the year's. */
  async lockPotsAt(_tx: Sql, _tenantId: string, _at: Date): Promise<PotBalances[]> {
    throw new Error('not implemented');
  }
}
