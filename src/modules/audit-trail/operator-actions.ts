import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';

/**
 * Every action the trail records. A new one is added here first: the operator console names each in
 * Korean and English, and its test fails while one is unnamed.
 */
export const OPERATOR_ACTIONS = [
  'merchant.approve',
  'merchant.reject',
  'member.welfare',
  'policy.create',
  'policy.preset',
  'policy.rule_create',
  'budget.create',
  'budget.top_up',
  'program.create',
  'program.import_recipients',
  'program.disburse',
  'settlement.run',
  'settlement.fee_rule_create',
  'fraud.case_open',
  'fraud.case_note',
  'fraud.case_dismiss',
  'fraud.case_confirm',
  'fraud.freeze_member',
  'fraud.freeze_merchant',
  'fraud.hold_settlement',
  'fraud.claw_back',
  'fraud.claw_back_grants',
  'fraud.release',
  'charity.register',
  'charity.campaign.create',
  'neighbourhood.pot.fund',
  'partner.register',
  'partner.deposit',
  'partner.pledge',
  'partner.gift',
  'merchant_funds.fund_pool',
  'merchant_funds.approve',
  'merchant_funds.reject',
  'commerce.category_created',
  'commerce.listing_shown',
  'commerce.listing_hidden',
] as const;
export type OperatorActionName = (typeof OPERATOR_ACTIONS)[number];

/** What the recorded actions act on; named in the console like the actions. */
export const OPERATOR_SUBJECT_TYPES = [
  'member',
  'merchant',
  'budget_pot',
  'cashback_policy',
  'policy_preset',
  'policy_rule',
  'program',
  'settlement_run',
  'settlement_fee_rule',
  'fraud_case',
  'charity',
  'charity_campaign',
  'neighbourhood_pot',
  'partner',
  'fund_pool',
  'fund_application',
  'commerce_category',
  'commerce_product',
] as const;
export type OperatorSubjectType = (typeof OPERATOR_SUBJECT_TYPES)[number];

export interface OperatorAction {
  tenantId: string;
  actorUserId: string;
  action: OperatorActionName;
  subjectType: OperatorSubjectType;
  subjectId: string;
  details?: Record<string, unknown>;
}

export interface RecordedOperatorAction extends Required<OperatorAction> {
  seq: number;
  at: Date;
}

/** Every operator action is recorded, append-only, in the same transaction as the action itself. */
export class OperatorActionLog {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  async record(tx: Sql, action: OperatorAction): Promise<void> {
    await tx.query(
      `insert into operator_actions (tenant_id, at, actor_user_id, action, subject_type, subject_id, details)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        action.tenantId,
        this.clock.now(),
        action.actorUserId,
        action.action,
        action.subjectType,
        action.subjectId,
        JSON.stringify(action.details ?? {}),
      ],
    );
  }

  /** Newest first; `beforeSeq` pages backwards. */
  async list(tenantId: string, limit: number, beforeSeq?: number): Promise<RecordedOperatorAction[]> {
    return this.sql.query<RecordedOperatorAction>(
      `select tenant_id as "tenantId", seq, at, actor_user_id as "actorUserId", action,
         subject_type as "subjectType", subject_id as "subjectId", details
       from operator_actions where tenant_id = $1 and seq < $2 order by seq desc limit $3`,
      [tenantId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit],
    );
  }
}
