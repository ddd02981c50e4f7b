import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import { wonEn } from '../../won-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import { quoteCashback } from './cashback.js';
import { RULE_RANGES } from './rule-ranges.js';
import {
  insertPolicy,
  insertRule,
  insertRules,
  selectAllPolicies,
  selectAllRules,
  selectPolicyAt,
  selectPolicyAtByTenant,
  selectRuleAt,
  selectRuleAtByTenant,
  selectRulesInForce,
} from './store.js';
import type {
  CashbackInput,
  CashbackPolicy,
  CashbackPolicyRules,
  CashbackQuote,
  CashbackSample,
  NewCashbackPolicy,
  NewPolicyRule,
  PolicyPreview,
  PolicyRule,
  RuleKey,
} from './types.js';
import {
  POLICY_LIMITS,
  validatePeriod,
  validatePolicyName,
  validatePolicyRules,
  validateRuleInput,
} from './validation.js';

/** The rule values an order channel's cashback rate is read from (the commerce module's rules). */
const ORDER_CHANNEL_RATE_KEYS: ReadonlySet<string> = new Set([
  'commerce_mall_cashback_bp',
  'commerce_delivery_cashback_bp',
]);
/** Rule values that bound a range from below and above. */
const BOUND_PAIRS: ReadonlyArray<readonly [RuleKey, RuleKey]> = [
  ['fund_term_months_min', 'fund_term_months_max'],
  ['sign_in_lockout_base_seconds', 'sign_in_lockout_max_seconds'],
];

/** Rows a preset installs with fixed ids, so installing twice adds nothing the second time. */
export interface PolicyPreset {
  name: string;
  rules: Array<NewPolicyRule & { id: string }>;
  policies: Array<Omit<NewCashbackPolicy, 'rules'> & { id: string; rules: CashbackPolicyRules }>;
}

/** The policyId a preview's proposed quote carries: the draft has not been saved. */
export const DRAFT_POLICY_ID = 'draft';
const PRESET_ACTOR = 'system:preset';

/** Effective-dated rules and cashback policy versions: every rate and cap a city can change. */
export class PolicyService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly operatorActions: OperatorActionLog,
  ) {}

  /** The value of `key` in force at `at`; a missing rule is a configuration fault, not a client error. */
  async ruleValue(tenantId: string, key: RuleKey, at: Date, tx?: Sql): Promise<number> {
    const rule = await selectRuleAt(tx ?? this.db, tenantId, key, at);
    if (!rule) throw ruleNotConfigured(tenantId, key, at);
    return rule.value;
  }

  /** `ruleValue` for several tenants in one statement; a tenant without the rule is refused as there. */
  async ruleValues(tenantIds: readonly string[], key: RuleKey, at: Date): Promise<Map<string, number>> {
    const rules = await selectRuleAtByTenant(this.db, tenantIds, key, at);
    return new Map(
      tenantIds.map((tenantId) => {
        const rule = rules.get(tenantId);
        if (!rule) throw ruleNotConfigured(tenantId, key, at);
        return [tenantId, rule.value];
      }),
    );
  }

  /** Refuses `amountWon` above the value of `key` in force at `at`: AMOUNT_OVER_LIMIT, naming the limit. */
  async assertAmountWithin(tenantId: string, key: RuleKey, amountWon: number, at: Date): Promise<void> {
    const limitWon = await this.ruleValue(tenantId, key, at);
    if (amountWon > limitWon) throw amountOverLimit(key, amountWon, limitWon);
  }

  /** One row per key that has a value at `at`. */
  async rulesInForce(tenantId: string, at: Date, tx?: Sql): Promise<PolicyRule[]> {
    return selectRulesInForce(tx ?? this.db, tenantId, at);
  }

  /** Every rule value with its period, by key, latest start first. */
  async listRules(tenantId: string): Promise<PolicyRule[]> {
    return selectAllRules(this.db, tenantId);
  }

  /** The version whose [effectiveFrom, effectiveTo) contains `at`; an overlaying later version wins. */
  async cashbackPolicyAt(tenantId: string, at: Date, tx?: Sql): Promise<CashbackPolicy | null> {
    return selectPolicyAt(tx ?? this.db, tenantId, at);
  }

  /** When the cashback policy in force at `at` next changes (its end, or a later version's start); null when none is scheduled. */
  async nextPolicyChangeAfter(tenantId: string, at: Date, tx?: Sql): Promise<Date | null> {
    const atMs = at.getTime();
    const instants = (await selectAllPolicies(tx ?? this.db, tenantId))
      .flatMap((policy) => [policy.effectiveFrom, policy.effectiveTo])
      .filter((instant): instant is Date => instant !== null && instant.getTime() > atMs)
      .map((instant) => instant.getTime());
    return instants.length > 0 ? new Date(Math.min(...instants)) : null;
  }

  /** `cashbackPolicyAt` for several tenants in one statement; null where none is in force. */
  async cashbackPoliciesAt(
    tenantIds: readonly string[],
    at: Date,
  ): Promise<Map<string, CashbackPolicy | null>> {
    const policies = await selectPolicyAtByTenant(this.db, tenantIds, at);
    return new Map(tenantIds.map((tenantId) => [tenantId, policies.get(tenantId) ?? null]));
  }

  /** Newest effectiveFrom first. */
  async listPolicies(tenantId: string): Promise<CashbackPolicy[]> {
    return selectAllPolicies(this.db, tenantId);
  }

  /** The quote under the policy in force at `input.at`; for the payment path, inside its transaction. */
  async quoteAt(tenantId: string, input: CashbackInput, tx?: Sql): Promise<CashbackQuote> {
    return quoteCashback(await this.cashbackPolicyAt(tenantId, input.at, tx), input);
  }

  async createPolicy(
    tenantId: string,
    actorUserId: string,
    draft: NewCashbackPolicy,
  ): Promise<CashbackPolicy> {
    const policy: CashbackPolicy = {
      tenantId,
      id: `cbp_${randomUUID().replaceAll('-', '')}`,
      name: validatePolicyName(draft.name),
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo ?? null,
      rules: validatePolicyRules(draft.rules),
      createdBy: actorUserId,
      createdAt: this.clock.now(),
    };
    this.assertSchedulable(policy.effectiveFrom, policy.effectiveTo);
    return this.db.transaction(async (tx) => {
      if (!(await insertPolicy(tx, policy))) throw periodTaken('a cashback policy', policy.effectiveFrom);
      await this.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'policy.create',
        subjectType: 'cashback_policy',
        subjectId: policy.id,
        details: {
          name: policy.name,
          effectiveFrom: policy.effectiveFrom,
          effectiveTo: policy.effectiveTo,
          rules: policy.rules,
        },
      });
      return policy;
    });
  }

  async createRule(tenantId: string, actorUserId: string, draft: NewPolicyRule): Promise<PolicyRule> {
    const { key, value } = validateRuleInput(draft.key, draft.value);
    const rule: PolicyRule = {
      tenantId,
      id: `rul_${randomUUID().replaceAll('-', '')}`,
      key,
      value,
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo ?? null,
      createdBy: actorUserId,
      createdAt: this.clock.now(),
    };
    this.assertSchedulable(rule.effectiveFrom, rule.effectiveTo);
    return this.db.transaction(async (tx) => {
      if (ORDER_CHANNEL_RATE_KEYS.has(key)) await this.assertChannelRateWithinWhole(tx, rule);
      await this.assertBoundsInOrder(tx, rule);
      if (!(await insertRule(tx, rule))) throw periodTaken(`a value of ${key}`, rule.effectiveFrom);
      await this.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'policy.rule_create',
        subjectType: 'policy_rule',
        subjectId: rule.id,
        details: { key, value, effectiveFrom: rule.effectiveFrom, effectiveTo: rule.effectiveTo },
      });
      return rule;
    });
  }

  /**
   * An order channel's rate stands in for the tiers' rate, so with the extras of any policy in force
   * beside it, it must stay ≤ 100%, as a policy's own rates must. (The quote cuts anything above the
   * whole in any case; this tells the operator at once.)
   */
  private async assertChannelRateWithinWhole(tx: Sql, rule: PolicyRule): Promise<void> {
    const endMs = rule.effectiveTo?.getTime() ?? Number.POSITIVE_INFINITY;
    const overlapping = (await selectAllPolicies(tx, rule.tenantId)).filter(
      (policy) =>
        policy.effectiveFrom.getTime() < endMs &&
        (policy.effectiveTo === null || policy.effectiveTo.getTime() > rule.effectiveFrom.getTime()),
    );
    for (const policy of overlapping) {
      const extrasBp = policy.rules.extras.reduce((sum, extra) => sum + extra.rateBp, 0);
      if (rule.value + extrasBp > POLICY_LIMITS.rateBpMax)
        throw new DomainError({
          code: 'RULE_VALUE_OUT_OF_RANGE',
          httpStatus: 400,
          message: `${rule.key} ${rule.value} bp plus the extras of policy ${policy.name} (${extrasBp} bp) is more than ${POLICY_LIMITS.rateBpMax} bp: cashback would exceed the amount paid`,
          messageKo: `${rule.key} ${rule.value}bp와 정책 ${policy.name}의 추가 비율(${extrasBp}bp)의 합이 100%를 넘습니다`,
          details: {
            rule: rule.key,
            min: 0,
            max: POLICY_LIMITS.rateBpMax - extrasBp,
            unit: 'bp',
            policyId: policy.id,
          },
        });
    }
  }

  /** A lower bound above its upper bound (or the reverse) where the new value starts refuses everyone. */
  private async assertBoundsInOrder(tx: Sql, rule: PolicyRule): Promise<void> {
    const pair = BOUND_PAIRS.find(([lower, upper]) => lower === rule.key || upper === rule.key);
    if (!pair) return;
    const [lowerKey, upperKey] = pair;
    const otherKey = rule.key === lowerKey ? upperKey : lowerKey;
    const other = await selectRuleAt(tx, rule.tenantId, otherKey, rule.effectiveFrom);
    if (!other) return;
    const [lowerValue, upperValue] =
      rule.key === lowerKey ? [rule.value, other.value] : [other.value, rule.value];
    if (lowerValue <= upperValue) return;
    throw new DomainError({
      code: 'RULE_VALUE_OUT_OF_RANGE',
      httpStatus: 400,
      message: `${lowerKey} (${lowerValue}) must not be above ${upperKey} (${upperValue}) in force then; change the other first`,
      messageKo: `${lowerKey}(${lowerValue})는 그때 시행 중인 ${upperKey}(${upperValue})보다 클 수 없습니다`,
      details: {
        rule: rule.key,
        min: rule.key === upperKey ? other.value : 0,
        max: rule.key === lowerKey ? other.value : Number.MAX_SAFE_INTEGER,
        unit: RULE_RANGES[rule.key].unit,
      },
    });
  }

  /** What a sample payment earns under the policy in force at sample.at and under a draft. */
  async preview(tenantId: string, draftRules: unknown, sample: CashbackSample): Promise<PolicyPreview> {
    const rules = validatePolicyRules(draftRules);
    const input = inputOfSample(sample, this.clock.now());
    return {
      at: input.at,
      current: await this.quoteAt(tenantId, input),
      proposed: quoteCashback({ id: DRAFT_POLICY_ID, rules }, input),
    };
  }

  /**
   * Installs a city's history as data. Unlike operators, a preset may write past periods: it records
   * what applied, it does not change it. Rows already present (same id or start) are left alone.
   */
  async installPreset(tenantId: string, preset: PolicyPreset, tx?: Sql): Promise<{ added: string[] }> {
    const work = async (sql: Sql) => {
      const rules = preset.rules.map((draft) => this.presetRule(tenantId, draft));
      const inserted = await insertRules(sql, tenantId, rules);
      const added = rules.filter((rule) => inserted.has(rule.id)).map((rule) => rule.id);
      for (const draft of preset.policies) {
        if (await insertPolicy(sql, this.presetPolicy(tenantId, draft))) added.push(draft.id);
      }
      if (added.length > 0) {
        await this.operatorActions.record(sql, {
          tenantId,
          actorUserId: PRESET_ACTOR,
          action: 'policy.preset',
          subjectType: 'policy_preset',
          subjectId: preset.name,
          details: { added },
        });
      }
      return { added };
    };
    return tx ? work(tx) : this.db.transaction(work);
  }

  private presetRule(tenantId: string, draft: PolicyPreset['rules'][number]): PolicyRule {
    const { key, value } = validateRuleInput(draft.key, draft.value);
    validatePeriod(draft.effectiveFrom, draft.effectiveTo ?? null);
    return {
      tenantId,
      id: draft.id,
      key,
      value,
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo ?? null,
      createdBy: PRESET_ACTOR,
      createdAt: this.clock.now(),
    };
  }

  private presetPolicy(tenantId: string, draft: PolicyPreset['policies'][number]): CashbackPolicy {
    validatePeriod(draft.effectiveFrom, draft.effectiveTo ?? null);
    return {
      tenantId,
      id: draft.id,
      name: validatePolicyName(draft.name),
      effectiveFrom: draft.effectiveFrom,
      effectiveTo: draft.effectiveTo ?? null,
      rules: validatePolicyRules(draft.rules),
      createdBy: PRESET_ACTOR,
      createdAt: this.clock.now(),
    };
  }

  /** Operators schedule changes; what applied in the past stays as it was. */
  private assertSchedulable(effectiveFrom: Date, effectiveTo: Date | null): void {
    validatePeriod(effectiveFrom, effectiveTo);
    const now = this.clock.now();
    if (effectiveFrom.getTime() < now.getTime()) {
      throw new DomainError({
        code: 'EFFECTIVE_DATE_IN_PAST',
        httpStatus: 400,
        message: `effectiveFrom ${effectiveFrom.toISOString()} is before now (${now.toISOString()}); schedule changes from now on`,
        messageKo: '시행일은 현재 이후여야 합니다. 지난 기간의 정책은 바꿀 수 없습니다',
      });
    }
  }
}

function inputOfSample(sample: CashbackSample, now: Date): CashbackInput {
  const amountWon = sampleAmount(sample.amountWon, 'amountWon');
  const paidFromCashWon = sampleAmount(sample.paidFromCashWon ?? amountWon, 'paidFromCashWon');
  if (paidFromCashWon > amountWon) {
    throw invalidInput(
      'paidFromCashWon cannot exceed amountWon',
      '충전금 결제액은 결제 금액보다 클 수 없습니다',
    );
  }
  return {
    at: sample.at ?? now,
    paidFromCashWon,
    monthEligibleSpentBeforeWon: sampleAmount(
      sample.monthEligibleSpentBeforeWon ?? 0,
      'monthEligibleSpentBeforeWon',
    ),
    merchant: {
      ...sample.merchant,
      annualRevenueWon: sampleAmount(sample.merchant.annualRevenueWon, 'annualRevenueWon'),
    },
    member: sample.member,
  };
}

function sampleAmount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(
      `${name} must be a whole number of won ≥ 0`,
      `${name}은(는) 0 이상의 정수(원)여야 합니다`,
    );
  }
  return value;
}

function amountOverLimit(key: RuleKey, amountWon: number, limitWon: number): DomainError {
  return new DomainError({
    code: 'AMOUNT_OVER_LIMIT',
    httpStatus: 422,
    message: `${wonEn(amountWon)} is over the limit of ${wonEn(limitWon)} (${key})`,
    messageKo: `한도(${limitWon}원, ${key})를 넘는 금액입니다`,
    details: { rule: key, limitWon },
  });
}

function ruleNotConfigured(tenantId: string, key: RuleKey, at: Date): DomainError {
  return new DomainError({
    code: 'RULE_NOT_CONFIGURED',
    httpStatus: 503,
    message: `tenant ${tenantId} has no value of ${key} in force at ${at.toISOString()}`,
    messageKo: `${key} 규칙이 설정되어 있지 않습니다`,
  });
}

function periodTaken(what: string, effectiveFrom: Date): DomainError {
  return new DomainError({
    code: 'POLICY_PERIOD_CONFLICT',
    httpStatus: 409,
    message: `${what} already starts at ${effectiveFrom.toISOString()}; schedule a later start to override it`,
    messageKo: '같은 시행일의 정책이 이미 있습니다. 더 늦은 시행일로 새 정책을 등록하세요',
  });
}
