import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { BudgetService } from '../budgets/budget-service.js';
import type { EventFeed } from '../events/event-feed.js';
import type { FreezeService } from '../fraud/freeze-service.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { CatalogueService } from './catalogue-service.js';
import { CommissionService } from './commission.js';
import { OrderService } from './order-service.js';
import { OrderTaxSpending } from './tax-spending.js';

export interface Commerce {
  catalogue: CatalogueService;
  orders: OrderService;
  commission: CommissionService;
  /** Members' cash spending on orders, for the yearly income-tax statement. */
  taxSpending: OrderTaxSpending;
}

/** The commerce module's services, wired from the platform's: one line in the composition root. */
export function createCommerce(
  db: Database,
  clock: Clock,
  deps: {
    merchants: MerchantService;
    members: MemberService;
    ledger: LedgerService;
    budgets: BudgetService;
    policy: PolicyService;
    tenants: TenantService;
    events: EventFeed;
    freezes: FreezeService;
    operatorActions: OperatorActionLog;
  },
): Commerce {
  const catalogue = new CatalogueService(db, clock, deps);
  const orders = new OrderService(db, clock, { ...deps, catalogue });
  return {
    catalogue,
    orders,
    commission: new CommissionService({ orders, tenants: deps.tenants }),
    taxSpending: new OrderTaxSpending(db, deps),
  };
}
