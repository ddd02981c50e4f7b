import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import type { TenantService } from '../tenants/tenant-service.js';

export interface ProgramDeps {
  ledger: LedgerService;
  tenants: TenantService;
  members: MemberService;
  merchants: MerchantService;
  reference: ReferenceService;
  operatorActions: OperatorActionLog;
}
