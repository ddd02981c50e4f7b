import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import type { Principal } from '../../http/auth.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { Merchant } from './types.js';

/** PLACEHOLDER — being implemented: applications, eligibility, review, merchant codes, POS keys. */
export class MerchantService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly ledger: LedgerService,
    readonly reference: ReferenceService,
    readonly operatorActions: OperatorActionLog,
  ) {}

  async getByCode(_tenantId: string, _merchantCode: string, _tx?: Sql): Promise<Merchant | undefined> {
    throw new Error('not implemented');
  }

  async getById(_tenantId: string, _merchantId: string, _tx?: Sql): Promise<Merchant | undefined> {
    throw new Error('not implemented');
  }

  async authenticatePosKey(_key: string): Promise<Principal | null> {
    throw new Error('not implemented');
  }

  async ownedMerchantIds(_tenantId: string, _userId: string): Promise<string[]> {
    throw new Error('not implemented');
  }
}
