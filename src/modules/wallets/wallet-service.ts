import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import { monthKey } from '../../time.js';
import { wonEn } from '../../won-text.js';
import type { BankAccountRef, BankGateway, BankOutcome } from '../bank/bank-gateway.js';
import type { EventFeed } from '../events/event-feed.js';
import { chargeConfirmedEvent } from '../events/producers.js';
import { idempotencyKeyReused, type KeyClaims, PLATFORM_KEY_PREFIX } from '../idempotency/idempotency.js';
import { sha256Hex } from '../ledger/hashing.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { memberAccountIds } from '../members/member-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { ACTIVITY_PAGE_MAX } from './member-history.js';
import type { Activity, AutoChargeSetting, Charge, HistoryLineType, WalletView } from './types.js';
import { addMonthlyUsage, lockMonthlyUsage, readMonthlyUsage, recordActivity } from './usage.js';
import { walletViewOf } from './wallet-view.js';

/** Tenant-wide ledger accounts the wallet flows use. */
export const SYSTEM_ACCOUNTS = {
  /** Mirror of the trust account at the bank: negative by what members and merchants are owed. */
  bankClearing: 'bank_clearing',
  feeIncome: 'fee_income',
} as const;

/**
 * Auto-charges (자동충전) are charges whose key starts with this; history labels them apart. No
 * client key does (`idempotencyKeyOf` refuses it).
 */
export const AUTO_CHARGE_KEY_PREFIX = PLATFORM_KEY_PREFIX;

/**
 * How many auto-charges one payment key may make. A retried payment makes another only when the
 * last one's money was spent elsewhere, so this bounds a client that keeps retrying one key.
 */
export const AUTO_CHARGE_ATTEMPTS_MAX = 5;

/**
 * The key of a payment's nth auto-charge. The first is the bare prefixed key (charges made before
 * retries existed keep their names); later ones add " #n": a space no client key holds, so no other
 * payment's key can name them.
 */
export function autoChargeKey(paymentKey: string, attempt: number): string {
  return attempt === 0
    ? `${AUTO_CHARGE_KEY_PREFIX}${paymentKey}`
    : `${AUTO_CHARGE_KEY_PREFIX}${paymentKey} #${attempt}`;
}

/** Which auto-charge a payment's shortfall uses: one still in flight, or a new attempt. */
export type AutoChargeTurn =
  | { kind: 'new'; key: string }
  | { kind: 'continue'; key: string; amountWon: number }
  | { kind: 'exhausted' };

interface ChargeRow {
  id: string;
  member_id: string;
  amount_won: number;
  month: string;
  idempotency_key: string;
  status: Charge['status'];
  failure_code: string | null;
  failure_message: string | null;
  created_at: Date;
  completed_at: Date | null;
}

/** Whole auto-charge amounts covering a shortfall: what an auto-charge takes from the bank. */
export function autoChargeAmountWon(shortfallWon: number, settingWon: number): number {
  return Math.ceil(shortfallWon / settingWon) * settingWon;
}

/** Charged money, cashback and grants of a member, and charging from the bank. */
export class WalletService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: {
      ledger: LedgerService;
      tenants: TenantService;
      policy: PolicyService;
      bank: BankGateway;
      events: EventFeed;
      /** A charge answers from its own row, and claims its key in the shared key space. */
      keys: KeyClaims;
    },
  ) {}

  async ensureSystemAccounts(tenantId: string, tx?: Sql): Promise<void> {
    await this.deps.ledger.createAccounts(
      tenantId,
      [
        { id: SYSTEM_ACCOUNTS.bankClearing, kind: 'bank_clearing', currencyCode: 'KRW', allowNegative: true },
        { id: SYSTEM_ACCOUNTS.feeIncome, kind: 'fee_income', currencyCode: 'KRW' },
      ],
      tx,
    );
  }

  /** A member's usage counters of one month (eligible spending is net of cancellations). */
  async monthlyUsage(tenantId: string, memberId: string, month: string, tx?: Sql) {
    return readMonthlyUsage(tx ?? this.db, tenantId, memberId, month);
  }

  async wallet(tenantId: string, memberId: string, tx?: Sql): Promise<WalletView> {
    const sql = tx ?? this.db;
    const now = this.clock.now();
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, sql));
    const accounts = await this.deps.ledger.accountsOwnedBy(tenantId, memberId, sql);
    const usage = await readMonthlyUsage(sql, tenantId, memberId, month);
    return walletViewOf(
      memberId,
      accounts,
      usage,
      {
        chargeCapWon: await this.deps.policy.ruleValue(tenantId, 'charge_monthly_cap_won', now, sql),
        eligibleCapWon: await this.eligibleCapWon(tenantId, now, sql),
      },
      now,
    );
  }

  private async eligibleCapWon(tenantId: string, at: Date, sql: Sql): Promise<number> {
    const policy = await this.deps.policy.cashbackPolicyAt(tenantId, at, sql);
    return policy?.rules.tiers.at(-1)?.upToWon ?? 0;
  }

  /**
   * Charges from the member's bank account. The charge and its cap reservation are written before the
   * bank is called; the money is issued in the ledger only once the bank confirms. An unknown outcome
   * leaves the charge pending for reconciliation. The idempotency key names the charge, so a retry
   * continues the same charge instead of starting another.
   */
  async charge(
    tenantId: string,
    memberId: string,
    amountWon: number,
    idempotencyKey: string,
    bankAccount: BankAccountRef,
  ): Promise<Charge & { replayed: boolean }> {
    if (!Number.isSafeInteger(amountWon) || amountWon <= 0) {
      throw invalidInput(
        'amountWon must be a positive whole number of won',
        '충전 금액은 1원 이상의 정수여야 합니다',
      );
    }
    const chargeId = `chg_${sha256Hex(`${tenantId}|${memberId}|${idempotencyKey}`).slice(0, 24)}`;
    const { charge, replayed } = await transactionWithRetry(this.db, (tx) =>
      this.startCharge(tx, tenantId, memberId, chargeId, amountWon, idempotencyKey),
    );
    if (charge.status !== 'pending') return { ...charge, replayed };
    const outcome = await this.deps.bank.withdraw({
      idempotencyKey: chargeId,
      account: bankAccount,
      amountWon,
      memo: `Hanbat charge ${chargeId}`,
      tenantId,
    });
    return { ...(await this.completeCharge(tenantId, chargeId, outcome)), replayed };
  }

  /**
   * The auto-charge a payment's shortfall should use. The last attempt of this payment key is
   * continued while it is pending, or when it finished after `since` (a same-key request running at
   * the same time made it). One that finished earlier and yet left the payment short had its money
   * spent elsewhere (or the bank declined it), so a retry makes the next attempt instead of replaying
   * an answer that can never pay.
   */
  async autoChargeTurn(
    tenantId: string,
    memberId: string,
    paymentKey: string,
    since: Date,
  ): Promise<AutoChargeTurn> {
    const keys = Array.from({ length: AUTO_CHARGE_ATTEMPTS_MAX }, (_, attempt) =>
      autoChargeKey(paymentKey, attempt),
    );
    const rows = await this.db.query<ChargeRow>(
      `select * from charges where tenant_id = $1 and member_id = $2 and idempotency_key = any($3::text[])`,
      [tenantId, memberId, keys],
    );
    const attempts = rows.map((row) => ({
      attempt: keys.indexOf(row.idempotency_key),
      charge: toCharge(row),
    }));
    const last = attempts.sort((a, b) => b.attempt - a.attempt)[0];
    if (!last) return { kind: 'new', key: keys[0] as string };
    const { charge } = last;
    const finishedSince = charge.completedAt !== null && charge.completedAt >= since;
    if (charge.status === 'pending' || finishedSince) {
      return { kind: 'continue', key: keys[last.attempt] as string, amountWon: charge.amountWon };
    }
    const next = keys[last.attempt + 1];
    return next ? { kind: 'new', key: next } : { kind: 'exhausted' };
  }

  private async startCharge(
    tx: Sql,
    tenantId: string,
    memberId: string,
    chargeId: string,
    amountWon: number,
    idempotencyKey: string,
  ): Promise<{ charge: Charge; replayed: boolean }> {
    await this.deps.keys.claim(tx, {
      tenantId,
      principalId: memberId,
      key: idempotencyKey,
      claimant: 'charge',
      request: { amountWon },
    });
    const existing = await selectCharge(tx, tenantId, chargeId, true);
    if (existing) {
      if (existing.amountWon !== amountWon) throw idempotencyKeyReused();
      return { charge: existing, replayed: true };
    }
    const now = this.clock.now();
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId, tx));
    const usage = await lockMonthlyUsage(tx, tenantId, memberId, month);
    await this.checkChargeCaps(tx, tenantId, memberId, amountWon, usage.chargedWon, now);
    await tx.query(
      `insert into charges (tenant_id, id, member_id, idempotency_key, amount_won, month, status, created_at)
       values ($1, $2, $3, $4, $5, $6, 'pending', $7)`,
      [tenantId, chargeId, memberId, idempotencyKey, amountWon, month, now],
    );
    await addMonthlyUsage(tx, tenantId, memberId, month, { chargedWon: amountWon });
    return { charge: (await selectCharge(tx, tenantId, chargeId, false)) as Charge, replayed: false };
  }

  private async checkChargeCaps(
    tx: Sql,
    tenantId: string,
    memberId: string,
    amountWon: number,
    chargedThisMonthWon: number,
    now: Date,
  ): Promise<void> {
    const monthlyCapWon = await this.deps.policy.ruleValue(tenantId, 'charge_monthly_cap_won', now, tx);
    if (chargedThisMonthWon + amountWon > monthlyCapWon) {
      throw capExceeded('MONTHLY_CHARGE_CAP_EXCEEDED', monthlyCapWon, monthlyCapWon - chargedThisMonthWon, {
        en: "this month's charge cap",
        ko: '이번 달 충전 한도',
      });
    }
    await this.assertWithinHoldingCap(tx, tenantId, memberId, amountWon, now);
  }

  /** Refuses money that would take the member past the holding cap (charges, accepted transfers). */
  async assertWithinHoldingCap(tx: Sql, tenantId: string, memberId: string, amountWon: number, now: Date) {
    const holdingCapWon = await this.deps.policy.ruleValue(tenantId, 'holding_cap_won', now, tx);
    const holdingWon = await this.holdingWon(tx, tenantId, memberId);
    if (holdingWon + amountWon > holdingCapWon) {
      throw capExceeded('HOLDING_CAP_EXCEEDED', holdingCapWon, holdingCapWon - holdingWon, {
        en: 'the holding cap',
        ko: '보유 한도',
      });
    }
  }

  /** Charged money plus cashback plus charges still waiting for the bank. */
  private async holdingWon(tx: Sql, tenantId: string, memberId: string): Promise<number> {
    const ids = memberAccountIds(memberId);
    const accounts = await this.deps.ledger.getAccounts(tenantId, [ids.cash, ids.cashback], tx);
    const [pending] = await tx.query<{ won: number }>(
      `select coalesce(sum(amount_won), 0)::bigint as won from charges
       where tenant_id = $1 and member_id = $2 and status = 'pending'`,
      [tenantId, memberId],
    );
    return accounts.reduce((sum, account) => sum + account.postedWon, 0) + (pending?.won ?? 0);
  }

  /** Applies the bank's answer once; also the entry point of reconciliation. */
  async completeCharge(tenantId: string, chargeId: string, outcome: BankOutcome): Promise<Charge> {
    return transactionWithRetry(this.db, async (tx) => {
      const charge = await selectCharge(tx, tenantId, chargeId, true);
      if (!charge) throw new Error(`charge ${chargeId} does not exist`);
      if (charge.status !== 'pending' || outcome.status === 'unknown') return charge;
      if (outcome.status === 'succeeded') await this.issueCharge(tx, tenantId, charge);
      else await this.failCharge(tx, tenantId, charge, outcome.code, outcome.message);
      return (await selectCharge(tx, tenantId, chargeId, false)) as Charge;
    });
  }

  private async issueCharge(
    tx: Sql,
    tenantId: string,
    charge: Charge & { month: string; auto: boolean },
  ): Promise<void> {
    const now = this.clock.now();
    const [result] = await this.deps.ledger.postTransfersInTransaction(tx, tenantId, [
      {
        id: `charge:${charge.id}`,
        action: 'transfer',
        code: 'charge',
        postings: [
          { accountId: SYSTEM_ACCOUNTS.bankClearing, amountWon: -charge.amountWon },
          { accountId: memberAccountIds(charge.memberId).cash, amountWon: charge.amountWon },
        ],
        metadata: { chargeId: charge.id, memberId: charge.memberId },
      },
    ]);
    if (!result?.ok)
      throw new Error(
        `ledger refused charge ${charge.id}: ${result?.ok === false ? result.code : 'no result'}`,
      );
    await tx.query(
      `update charges set status = 'succeeded', completed_at = $3 where tenant_id = $1 and id = $2`,
      [tenantId, charge.id, now],
    );
    await recordActivity(tx, {
      tenantId,
      memberId: charge.memberId,
      at: now,
      type: charge.auto ? 'auto_charge' : 'charge',
      month: charge.month,
      amountWon: charge.amountWon,
      referenceId: charge.id,
    });
    await this.deps.events.append(tx, tenantId, [chargeConfirmedEvent(charge, now)]);
  }

  private async failCharge(
    tx: Sql,
    tenantId: string,
    charge: Charge & { month: string },
    code: string,
    message: string,
  ) {
    await tx.query(
      `update charges set status = 'failed', failure_code = $3, failure_message = $4, completed_at = $5
       where tenant_id = $1 and id = $2`,
      [tenantId, charge.id, code, message, this.clock.now()],
    );
    await addMonthlyUsage(tx, tenantId, charge.memberId, charge.month, { chargedWon: -charge.amountWon });
  }

  async autoCharge(tenantId: string, memberId: string): Promise<AutoChargeSetting> {
    const [row] = await this.db.query<{ enabled: boolean; amount_won: number }>(
      'select enabled, amount_won from auto_charge_settings where tenant_id = $1 and member_id = $2',
      [tenantId, memberId],
    );
    const unitWon = await this.deps.policy.ruleValue(tenantId, 'auto_charge_unit_won', this.clock.now());
    return { enabled: row?.enabled ?? false, amountWon: row?.amount_won ?? unitWon, unitWon };
  }

  /**
   * The auto-charge a payment short by `shortfallWon` would make now, read without locks and moving
   * nothing (a payment's preview shows it): whole auto-charge amounts covering the shortfall, as
   * `coverShortfall` charges them; null when auto-charge is off, nothing is short, or the charge would
   * be refused by the monthly charge cap or the holding cap in force (as `charge` checks them).
   */
  async autoChargeCovering(
    tenantId: string,
    memberId: string,
    shortfallWon: number,
  ): Promise<{ amountWon: number; units: number } | null> {
    if (shortfallWon <= 0) return null;
    const setting = await this.autoCharge(tenantId, memberId);
    if (!setting.enabled) return null;
    const amountWon = autoChargeAmountWon(shortfallWon, setting.amountWon);
    const now = this.clock.now();
    const month = monthKey(now, await this.deps.tenants.timeZoneOf(tenantId));
    const usage = await readMonthlyUsage(this.db, tenantId, memberId, month);
    try {
      // The same caps a charge checks, without its lock: a preview, not a promise.
      await this.checkChargeCaps(this.db, tenantId, memberId, amountWon, usage.chargedWon, now);
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
    return { amountWon, units: amountWon / setting.amountWon };
  }

  /**
   * Auto-charge (자동충전): when a payment lacks funds, charge this amount (a multiple of the unit) first.
   * Turning it on with an amount no charge could ever reach (over the monthly charge cap or the holding
   * cap in force) is refused; turning it off always works.
   */
  async setAutoCharge(tenantId: string, memberId: string, setting: { enabled: boolean; amountWon: number }) {
    const now = this.clock.now();
    const unitWon = await this.deps.policy.ruleValue(tenantId, 'auto_charge_unit_won', now);
    // Turning it off always works, even with an amount the unit in force no longer divides (the unit
    // is a rule that can change); the amount is checked again when it is turned back on.
    if (
      !Number.isSafeInteger(setting.amountWon) ||
      setting.amountWon <= 0 ||
      (setting.enabled && setting.amountWon % unitWon !== 0)
    ) {
      throw new DomainError({
        code: 'AUTO_CHARGE_AMOUNT_INVALID',
        httpStatus: 400,
        message: `the auto-charge amount must be a positive multiple of ${wonEn(unitWon)}`,
        messageKo: `자동충전 금액은 ${unitWon.toLocaleString('ko-KR')}원 단위여야 합니다`,
        details: { unitWon },
      });
    }
    if (setting.enabled) await this.assertChargeable(tenantId, setting.amountWon, now);
    await this.db.query(
      `insert into auto_charge_settings (tenant_id, member_id, enabled, amount_won, updated_at) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, member_id) do update set enabled = $3, amount_won = $4, updated_at = $5`,
      [tenantId, memberId, setting.enabled, setting.amountWon, now],
    );
    return this.autoCharge(tenantId, memberId);
  }

  /** Refuses an amount larger than the smaller of the charge caps in force at `at`: no charge of it could succeed. */
  private async assertChargeable(tenantId: string, amountWon: number, at: Date): Promise<void> {
    const caps = [
      {
        rule: 'charge_monthly_cap_won',
        capWon: await this.deps.policy.ruleValue(tenantId, 'charge_monthly_cap_won', at),
        name: 'the monthly charge cap',
        nameKo: '월 충전 한도',
      },
      {
        rule: 'holding_cap_won',
        capWon: await this.deps.policy.ruleValue(tenantId, 'holding_cap_won', at),
        name: 'the holding cap',
        nameKo: '보유 한도',
      },
    ] as const;
    const cap = caps[0].capWon <= caps[1].capWon ? caps[0] : caps[1];
    if (amountWon <= cap.capWon) return;
    throw new DomainError({
      code: 'AUTO_CHARGE_AMOUNT_OVER_CAP',
      httpStatus: 400,
      message: `an auto-charge of ${wonEn(amountWon)} could never be charged: it is over ${cap.name} of ${wonEn(cap.capWon)}`,
      messageKo: `자동충전 금액 ${amountWon.toLocaleString('ko-KR')}원은 ${cap.nameKo} ${cap.capWon.toLocaleString('ko-KR')}원을 넘어 충전할 수 없습니다`,
      details: { rule: cap.rule, capWon: cap.capWon },
    });
  }

  /** Succeeded charges since an instant (all of them for null), and when the last one completed. */
  async chargeHistory(
    tenantId: string,
    memberId: string,
    since: Date | null,
    tx?: Sql,
  ): Promise<{ chargedWon: number; lastChargeAt: Date | null }> {
    const [row] = await (tx ?? this.db).query<{ charged_won: number; last_charge_at: Date | null }>(
      `select coalesce(sum(amount_won) filter (where $3::timestamptz is null or completed_at > $3), 0)::bigint as charged_won,
         max(completed_at) as last_charge_at
       from charges where tenant_id = $1 and member_id = $2 and status = 'succeeded'`,
      [tenantId, memberId, since],
    );
    return { chargedWon: row?.charged_won ?? 0, lastChargeAt: row?.last_charge_at ?? null };
  }

  /**
   * The member's stored history lines of these types placed after an instant, oldest first; `tx` to
   * read them under the caller's locks (the refund rules read what came back since the last refund).
   */
  async activitySince(
    tenantId: string,
    memberId: string,
    types: readonly HistoryLineType[],
    after: Date,
    tx?: Sql,
  ): Promise<Activity[]> {
    return (tx ?? this.db).query<Activity>(
      `select tenant_id as "tenantId", member_id as "memberId", seq, at, type, month, amount_won as "amountWon",
         reference_id as "referenceId", merchant_id as "merchantId", details
       from member_activity
       where tenant_id = $1 and member_id = $2 and type = any($3::text[]) and at > $4
       order by seq`,
      [tenantId, memberId, [...types], after],
    );
  }

  async pendingCharges(tenantId: string, olderThan: Date, limit: number): Promise<Charge[]> {
    const rows = await this.db.query<ChargeRow>(
      `select * from charges where tenant_id = $1 and status = 'pending' and created_at <= $2 order by created_at limit $3`,
      [tenantId, olderThan, Math.min(limit, ACTIVITY_PAGE_MAX)],
    );
    return rows.map(toCharge);
  }

  /** Newest first, with optional filters; `beforeSeq` pages backwards. */
  async activity(
    tenantId: string,
    memberId: string,
    filter: { types?: string[]; month?: string; merchantId?: string; beforeSeq?: number; limit: number },
  ): Promise<Activity[]> {
    return this.db.query<Activity>(
      `select tenant_id as "tenantId", member_id as "memberId", seq, at, type, month, amount_won as "amountWon",
         reference_id as "referenceId", merchant_id as "merchantId", details
       from member_activity
       where tenant_id = $1 and member_id = $2 and seq < $3
         and ($4::text[] is null or type = any($4::text[])) and ($5::text is null or month = $5) and ($6::text is null or merchant_id = $6)
       order by seq desc limit $7`,
      [
        tenantId,
        memberId,
        filter.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        filter.types && filter.types.length > 0 ? filter.types : null,
        filter.month ?? null,
        filter.merchantId ?? null,
        Math.min(filter.limit, ACTIVITY_PAGE_MAX),
      ],
    );
  }
}

async function selectCharge(
  tx: Sql,
  tenantId: string,
  chargeId: string,
  forUpdate: boolean,
): Promise<(Charge & { month: string; auto: boolean }) | undefined> {
  const [row] = await tx.query<ChargeRow>(
    `select * from charges where tenant_id = $1 and id = $2 ${forUpdate ? 'for update' : ''}`,
    [tenantId, chargeId],
  );
  return row
    ? { ...toCharge(row), month: row.month, auto: row.idempotency_key.startsWith(AUTO_CHARGE_KEY_PREFIX) }
    : undefined;
}

function toCharge(row: ChargeRow): Charge {
  return {
    id: row.id,
    memberId: row.member_id,
    amountWon: row.amount_won,
    status: row.status,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

function capExceeded(
  code: string,
  capWon: number,
  remainingWon: number,
  capName: { en: string; ko: string },
): DomainError {
  const remaining = Math.max(0, remainingWon);
  return new DomainError({
    code,
    httpStatus: 422,
    message: `over ${capName.en} of ${wonEn(capWon)}: ${wonEn(remaining)} left`,
    messageKo: `${capName.ko} ${capWon.toLocaleString('ko-KR')}원을 넘습니다. 남은 한도: ${remaining.toLocaleString('ko-KR')}원`,
    details: { capWon, remainingWon: remaining },
  });
}
