import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { CashbackPolicy, RuleKey } from './types.js';

/** PLACEHOLDER — being implemented: effective-dated rules and cashback policy versions. */
export class PolicyService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly operatorActions: OperatorActionLog,
  ) {}

  async ruleValue(_tenantId: string, _key: RuleKey, _at: Date, _tx?: Sql): Promise<number> {
    throw new Error('not implemented');
  }

  async cashbackPolicyAt(_tenantId: string, _at: Date, _tx?: Sql): Promise<CashbackPolicy | null> {
    throw new Error('not implemented');
  }
}
