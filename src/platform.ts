import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { type Guards, guards } from './http/auth.js';
import { AnalyticsService } from './modules/analytics/analytics-service.js';
import { OperatorActionLog } from './modules/audit-trail/operator-actions.js';
import type { BankGateway } from './modules/bank/bank-gateway.js';
import { InProcessSandboxBank } from './modules/bank/in-process-sandbox-bank.js';
import { BrandingService } from './modules/branding/branding-service.js';
import { BudgetService } from './modules/budgets/budget-service.js';
import { type Commerce, createCommerce } from './modules/commerce/index.js';
import { EventFeed } from './modules/events/event-feed.js';
import { FraudService } from './modules/fraud/fraud-service.js';
import { FreezeService } from './modules/fraud/freeze-service.js';
import { FraudReceivables } from './modules/fraud/receivables.js';
import { GivingService } from './modules/giving/giving-service.js';
import { type IdempotencyKeyOwner, IdempotentRequests } from './modules/idempotency/idempotency.js';
import { LedgerService } from './modules/ledger/ledger-service.js';
import { MemberService } from './modules/members/member-service.js';
import { PaymentPinService } from './modules/members/payment-pin.js';
import { MerchantFundService } from './modules/merchant-funds/fund-service.js';
import { MerchantService } from './modules/merchants/merchant-service.js';
import { CancellationService } from './modules/payments/cancellation.js';
import { PaymentHistoryLines } from './modules/payments/history-lines.js';
import { PaymentService } from './modules/payments/payment-service.js';
import { PlatformAdminService } from './modules/platform-admin/platform-admin-service.js';
import { PolicyService } from './modules/policy/policy-service.js';
import { GrantReturns } from './modules/programs/grant-returns.js';
import { ProgramService } from './modules/programs/program-service.js';
import { PublicBooksService } from './modules/public-books/public-books-service.js';
import { loadSigner } from './modules/public-books/signing.js';
import { ReferenceService } from './modules/reference/reference-service.js';
import { RefundService } from './modules/refunds/refund-service.js';
import { Scheduler } from './modules/scheduler/scheduler.js';
import { SettlementService } from './modules/settlement/settlement-service.js';
import { TaxStatementService } from './modules/tax-statements/tax-statement-service.js';
import type { ClusterControl } from './modules/tenant-directory/cluster-set.js';
import { TenantService } from './modules/tenants/tenant-service.js';
import { TransferService } from './modules/transfers/transfer-service.js';
import { MemberHistory } from './modules/wallets/member-history.js';
import { WalletService } from './modules/wallets/wallet-service.js';
import { PlatformMetrics } from './observability/metrics.js';

/** The composition root: every module's service, wired once from a database, a clock and a bank. */
export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  bank: BankGateway;
  tenants: TenantService;
  ledger: LedgerService;
  events: EventFeed;
  operatorActions: OperatorActionLog;
  idempotency: IdempotentRequests;
  reference: ReferenceService;
  policy: PolicyService;
  budgets: BudgetService;
  members: MemberService;
  merchants: MerchantService;
  wallets: WalletService;
  /** The member's history: member_activity's lines and the payments' own. */
  history: MemberHistory;
  payments: PaymentService;
  cancellations: CancellationService;
  transfers: TransferService;
  refunds: RefundService;
  programs: ProgramService;
  paymentPins: PaymentPinService;
  settlement: SettlementService;
  scheduler: Scheduler;
  analytics: AnalyticsService;
  giving: GivingService;
  merchantFunds: MerchantFundService;
  taxStatements: TaxStatementService;
  freezes: FreezeService;
  fraud: FraudService;
  commerce: Commerce;
  guards: Guards;
  metrics: PlatformMetrics;
  publicBooks: PublicBooksService;
  platformAdmins: PlatformAdminService;
  brandings: BrandingService;
  /** Set by `serve` when HANBAT_CLUSTERS places tenants on several databases (home cluster only). */
  clusters?: ClusterControl;
}

export function createPlatform(
  config: Config,
  db: Database,
  clock: Clock,
  bank: BankGateway = new InProcessSandboxBank(),
): Platform {
  const tenants = new TenantService(db, clock);
  const ledger = new LedgerService(db, clock);
  const events = new EventFeed(db, clock);
  const operatorActions = new OperatorActionLog(db, clock);
  const freezes = new FreezeService(db);
  const reference = new ReferenceService(db, clock);
  const policy = new PolicyService(db, clock, operatorActions);
  // Payments keep their keys in their own rows; the owner is asked for when a key is looked up.
  const idempotency = new IdempotentRequests(db, clock, (): IdempotencyKeyOwner[] => [payments]);
  const budgets = new BudgetService(db, clock, ledger, tenants, operatorActions, idempotency);
  const members = new MemberService(db, clock, {
    ledger,
    tenants,
    reference,
    policy,
    operatorActions,
    sessionTtlMinutes: config.sessionTtlMinutes,
    events,
  });
  const merchants = new MerchantService(db, clock, ledger, reference, operatorActions, events);
  const wallets = new WalletService(db, clock, { ledger, tenants, policy, bank, events, keys: idempotency });
  const payments = new PaymentService(db, clock, {
    ledger,
    tenants,
    policy,
    budgets,
    merchants,
    members,
    wallets,
    events,
    freezes,
  });
  const grantReturns = new GrantReturns({
    ledger,
    events,
    timeZoneOf: (tenantId) => tenants.timeZoneOf(tenantId),
  });
  const fraudReceivables = new FraudReceivables();
  const cancellations = new CancellationService(clock, {
    ledger,
    policy,
    payments,
    events,
    clawbacks: fraudReceivables,
    grantReturns,
  });
  const commerce = createCommerce(db, clock, {
    freezes,
    merchants,
    members,
    ledger,
    budgets,
    policy,
    tenants,
    events,
    operatorActions,
  });
  const authenticator = {
    authenticateSession: (token: string) => members.authenticateSession(token),
    authenticatePosKey: (key: string) => merchants.authenticatePosKey(key),
    ownedMerchantIds: (tenantId: string, userId: string) => merchants.ownedMerchantIds(tenantId, userId),
  };
  const giving = new GivingService(db, clock, {
    ledger,
    freezes,
    reference,
    tenants,
    members,
    policy,
    wallets,
    bank,
    operatorActions,
    keys: idempotency,
  });
  // Sign-ups and shop applications check their 동 against the list the giving module keeps.
  reference.setDongDirectory((tenantId, dong, tx) =>
    giving.neighbourhood.districtsOfDong(tenantId, dong, tx),
  );
  return {
    config,
    db,
    clock,
    bank,
    tenants,
    ledger,
    events,
    operatorActions,
    idempotency,
    reference,
    policy,
    budgets,
    members,
    merchants,
    wallets,
    history: new MemberHistory(wallets, [new PaymentHistoryLines(db)]),
    payments,
    cancellations,
    transfers: new TransferService(db, clock, { events, ledger, tenants, policy, members, wallets, freezes }),
    refunds: new RefundService(db, clock, {
      ledger,
      tenants,
      policy,
      members,
      wallets,
      bank,
      events,
      freezes,
      payments,
      orders: commerce.orders,
      keys: idempotency,
    }),
    programs: new ProgramService(db, clock, {
      ledger,
      events,
      tenants,
      members,
      merchants,
      reference,
      operatorActions,
    }),
    settlement: new SettlementService(db, clock, {
      commission: commerce.commission,
      ledger,
      tenants,
      merchants,
      payments,
      bank,
      operatorActions,
      freezes,
      events,
      clawbacks: fraudReceivables,
    }),
    scheduler: new Scheduler(db, clock, config.background),
    paymentPins: new PaymentPinService(db, clock, policy),
    analytics: new AnalyticsService(db, clock, { events, tenants, reference }),
    giving,
    merchantFunds: new MerchantFundService(db, clock, {
      ledger,
      policy,
      merchants,
      tenants,
      bank,
      operatorActions,
      keys: idempotency,
      freezes,
    }),
    taxStatements: new TaxStatementService(clock, {
      payments,
      orders: commerce.taxSpending,
      merchants,
      members,
      policy,
      tenants,
    }),
    freezes,
    fraud: new FraudService(db, clock, {
      events,
      tenants,
      policy,
      merchants,
      members,
      payments,
      ledger,
      operatorActions,
    }),
    commerce,
    guards: guards(authenticator),
    metrics: new PlatformMetrics({ db, clock, tenants, budgets, payments, events }),
    platformAdmins: new PlatformAdminService(db, clock, config.sessionTtlMinutes),
    brandings: new BrandingService(db, clock, tenants),
    publicBooks: new PublicBooksService(
      db,
      clock,
      { ledger, tenants, budgets },
      loadSigner({ keyPem: config.checkpointKeyPem, keyFile: config.checkpointKeyFile }),
    ),
  };
}
