import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BankGateway } from '../bank/bank-gateway.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { TenantService } from '../tenants/tenant-service.js';

export interface SettlementDeps {
  ledger: LedgerService;
  tenants: TenantService;
  merchants: MerchantService;
  bank: BankGateway;
  operatorActions: OperatorActionLog;
}
