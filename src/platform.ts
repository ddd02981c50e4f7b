import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { type Guards, guards } from './http/auth.js';
import { OperatorActionLog } from './modules/audit-trail/operator-actions.js';
import type { BankGateway } from './modules/bank/bank-gateway.js';
import { InProcessSandboxBank } from './modules/bank/in-process-sandbox-bank.js';
import { BudgetService } from './modules/budgets/budget-service.js';
import { IdempotentRequests } from './modules/idempotency/idempotency.js';
import { LedgerService } from './modules/ledger/ledger-service.js';
import { MemberService } from './modules/members/member-service.js';
import { MerchantService } from './modules/merchants/merchant-service.js';
import { CancellationService } from './modules/payments/cancellation.js';
import { PaymentService } from './modules/payments/payment-service.js';
import { PolicyService } from './modules/policy/policy-service.js';
import { ProgramService } from './modules/programs/program-service.js';
import { ReferenceService } from './modules/reference/reference-service.js';
import { RefundService } from './modules/refunds/refund-service.js';
import { Scheduler } from './modules/scheduler/scheduler.js';
import { SettlementService } from './modules/settlement/settlement-service.js';
import { TenantService } from './modules/tenants/tenant-service.js';
import { TransferService } from './modules/transfers/transfer-service.js';
import { WalletService } from './modules/wallets/wallet-service.js';

/** The composition root: every module's service, wired once from a database, a clock and a bank. */
export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  bank: BankGateway;
  tenants: TenantService;
  ledger: LedgerService;
  operatorActions: OperatorActionLog;
  idempotency: IdempotentRequests;
  reference: ReferenceService;
  policy: PolicyService;
  budgets: BudgetService;
  members: MemberService;
  merchants: MerchantService;
  wallets: WalletService;
  payments: PaymentService;
  cancellations: CancellationService;
  transfers: TransferService;
  refunds: RefundService;
  programs: ProgramService;
  settlement: SettlementService;
  scheduler: Scheduler;
  guards: Guards;
}

export function createPlatform(
  config: Config,
  db: Database,
  clock: Clock,
  bank: BankGateway = new InProcessSandboxBank(),
): Platform {
  const tenants = new TenantService(db, clock);
  const ledger = new LedgerService(db, clock);
  const operatorActions = new OperatorActionLog(db, clock);
  const reference = new ReferenceService(db, clock);
  const policy = new PolicyService(db, clock, operatorActions);
  const budgets = new BudgetService(db, clock, ledger, operatorActions);
  const members = new MemberService(db, clock, {
    ledger,
    tenants,
    reference,
    policy,
    operatorActions,
    sessionTtlMinutes: config.sessionTtlMinutes,
  });
  const merchants = new MerchantService(db, clock, ledger, reference, operatorActions);
  const wallets = new WalletService(db, clock, { ledger, tenants, policy, bank });
  const payments = new PaymentService(db, clock, {
    ledger,
    tenants,
    policy,
    budgets,
    merchants,
    members,
    wallets,
  });
  const cancellations = new CancellationService(clock, { ledger, policy, payments });
  const authenticator = {
    authenticateSession: (token: string) => members.authenticateSession(token),
    authenticatePosKey: (key: string) => merchants.authenticatePosKey(key),
    ownedMerchantIds: (tenantId: string, userId: string) => merchants.ownedMerchantIds(tenantId, userId),
  };
  return {
    config,
    db,
    clock,
    bank,
    tenants,
    ledger,
    operatorActions,
    idempotency: new IdempotentRequests(db, clock),
    reference,
    policy,
    budgets,
    members,
    merchants,
    wallets,
    payments,
    cancellations,
    transfers: new TransferService(db, clock, { ledger, tenants, policy, members, wallets }),
    refunds: new RefundService(db, clock, { ledger, tenants, policy, members, wallets, bank, payments }),
    programs: new ProgramService(db, clock, {
      ledger,
      tenants,
      members,
      merchants,
      reference,
      operatorActions,
    }),
    settlement: new SettlementService(db, clock, { ledger, tenants, merchants, bank, operatorActions }),
    scheduler: new Scheduler(db, clock),
    guards: guards(authenticator),
  };
}
