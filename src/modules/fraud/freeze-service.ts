import type { Database, Sql } from '../../db/database.js';
import { DomainError } from '../../errors.js';

export interface ActiveFreeze {
  id: string;
  kind: 'member' | 'merchant' | 'settlement';
  partyId: string;
  caseId: string;
  reason: string;
}

/** Active freezes of the parties asked about, keyed `kind:partyId`. */
export type FrozenParties = Map<string, ActiveFreeze>;

/**
 * The cheap read the money paths make: one indexed query for the batch's members plus the tenant's
 * frozen merchants (few), run alongside the batch's other unlocked reads. A freeze that lands
 * meanwhile applies from the next batch, like a merchant's status.
 */
export class FreezeService {
  constructor(private readonly db: Database) {}

  async frozenAmong(
    tenantId: string,
    memberIds: readonly string[],
    sql: Sql = this.db,
  ): Promise<FrozenParties> {
    const rows = await sql.query<{
      id: string;
      kind: ActiveFreeze['kind'];
      party_id: string;
      case_id: string;
      reason: string;
    }>(
      `select id, kind, party_id, case_id, reason from fraud_freezes
       where tenant_id = $1 and status = 'active' and (kind <> 'member' or party_id = any($2::text[]))`,
      [tenantId, [...new Set(memberIds)]],
    );
    return new Map(
      rows.map((r) => [
        `${r.kind}:${r.party_id}`,
        { id: r.id, kind: r.kind, partyId: r.party_id, caseId: r.case_id, reason: r.reason },
      ]),
    );
  }

  /**
   * `frozenAmong` for a payment batch of several tenants, in one statement: per tenant, its frozen
   * merchants and those of the given members that are frozen. Tenants with none map to an empty set.
   */
  async frozenAmongTenants(
    pairs: ReadonlyArray<{ tenantId: string; memberId: string }>,
  ): Promise<Map<string, FrozenParties>> {
    const tenantIds = [...new Set(pairs.map((pair) => pair.tenantId))];
    const rows = await this.db.query<{
      tenant_id: string;
      id: string;
      kind: ActiveFreeze['kind'];
      party_id: string;
      case_id: string;
      reason: string;
    }>(
      `select tenant_id, id, kind, party_id, case_id, reason from fraud_freezes
       where tenant_id = any($1::text[]) and status = 'active'
         and (kind <> 'member' or (tenant_id, party_id) in (select * from unnest($2::text[], $3::text[])))`,
      [tenantIds, pairs.map((pair) => pair.tenantId), pairs.map((pair) => pair.memberId)],
    );
    const byTenant = new Map<string, FrozenParties>(tenantIds.map((tenantId) => [tenantId, new Map()]));
    for (const r of rows)
      byTenant.get(r.tenant_id)?.set(`${r.kind}:${r.party_id}`, {
        id: r.id,
        kind: r.kind,
        partyId: r.party_id,
        caseId: r.case_id,
        reason: r.reason,
      });
    return byTenant;
  }

  /** Throws ACCOUNT_FROZEN when the member or the merchant is frozen. */
  async assertNotFrozen(
    tenantId: string,
    parties: { memberId?: string; merchantId?: string },
    sql: Sql = this.db,
    reader: FrozenReader = 'member',
  ): Promise<void> {
    const frozen = await this.frozenAmong(tenantId, parties.memberId ? [parties.memberId] : [], sql);
    assertNotFrozenIn(frozen, parties, reader);
  }

  /** Merchants whose settlement payouts are held (a merchant freeze holds them too). */
  async settlementHeld(tenantId: string, sql: Sql = this.db): Promise<Set<string>> {
    const frozen = await this.frozenAmong(tenantId, [], sql);
    return new Set([...frozen.values()].filter((f) => f.kind !== 'member').map((f) => f.partyId));
  }
}

/**
 * Who reads the refusal, which decides how much it says: the member acting with their own money
 * (`member`), the shop acting on a customer's money (`shop`), or a member accepting a transfer
 * (`transfer_recipient`). A party learns its own case and reason; anyone else learns only that the
 * money cannot move, never that someone else is under a fraud case.
 */
export type FrozenReader = 'member' | 'shop' | 'transfer_recipient';

export function assertNotFrozenIn(
  frozen: FrozenParties,
  parties: { memberId?: string; merchantId?: string },
  reader: FrozenReader = 'member',
): void {
  const freeze =
    (parties.memberId ? frozen.get(`member:${parties.memberId}`) : undefined) ??
    (parties.merchantId ? frozen.get(`merchant:${parties.merchantId}`) : undefined);
  if (freeze) throw accountFrozen(freeze, reader);
}

export function accountFrozen(freeze: ActiveFreeze, reader: FrozenReader = 'member'): DomainError {
  const ownFreeze =
    reader === 'member' ? freeze.kind === 'member' : reader === 'shop' && freeze.kind !== 'member';
  if (!ownFreeze) return counterpartyFrozen(freeze, reader);
  if (freeze.kind === 'settlement') return payoutsHeld(freeze);
  const [whoEn, whoKo] =
    freeze.kind === 'member' ? ['Your account', '회원님의 계정'] : ["The merchant's account", '가맹점 계정'];
  return new DomainError({
    code: 'ACCOUNT_FROZEN',
    httpStatus: 403,
    message: `${whoEn} is frozen after a fraud review (case ${freeze.caseId}): ${freeze.reason}. Payments (shop orders included), transfers, donations, refunds and payouts are refused until it is released. To appeal, contact the local-currency office with the case number; an operator reviews every appeal.`,
    messageKo: `${whoKo}이(가) 부정거래('깡') 조사 결과 정지되었습니다(사건 ${freeze.caseId}): ${freeze.reason}. 해제될 때까지 결제(온라인 주문 포함)·송금·기부·환불·정산이 거절됩니다. 이의가 있으면 사건 번호와 함께 지역화폐 담당 부서에 이의신청해 주세요. 모든 이의신청은 담당자가 검토합니다.`,
    details: { freezeId: freeze.id, caseId: freeze.caseId, kind: freeze.kind, reason: freeze.reason },
  });
}

/** A hold on payouts only: the shop still takes payments, so it must not be told they are refused. */
function payoutsHeld(freeze: ActiveFreeze): DomainError {
  return new DomainError({
    code: 'ACCOUNT_FROZEN',
    httpStatus: 403,
    message: `The merchant's settlement payouts are held after a fraud review (case ${freeze.caseId}): ${freeze.reason}. Payments are still taken and each day still gets its statement; payouts wait until the hold is released, and the first statement after it pays what is due. To appeal, contact the local-currency office with the case number.`,
    messageKo: `부정거래('깡') 조사 결과 가맹점 정산 지급이 보류되었습니다(사건 ${freeze.caseId}): ${freeze.reason}. 결제는 계속 받을 수 있고 일별 정산서도 계속 발행되며, 지급만 보류가 해제될 때까지 미뤄집니다. 해제 후 첫 정산에서 밀린 금액이 지급됩니다. 이의가 있으면 사건 번호와 함께 지역화폐 담당 부서에 이의신청해 주세요.`,
    details: { freezeId: freeze.id, caseId: freeze.caseId, kind: freeze.kind, reason: freeze.reason },
  });
}

const COUNTERPARTY_MESSAGES: Record<FrozenReader, { en: string; ko: string }> = {
  shop: {
    en: "The customer's account is frozen, so this payment cannot be taken. Nothing was charged; the customer can ask the local-currency office why.",
    ko: '고객 계정이 정지되어 결제를 받을 수 없습니다. 결제된 금액은 없으며, 고객은 지역화폐 담당 부서에 사유를 문의할 수 있습니다.',
  },
  member: {
    en: 'This shop cannot take payments at the moment. Nothing was charged; please pay another way or at another shop.',
    ko: '이 가맹점은 지금 결제를 받을 수 없습니다. 결제된 금액은 없습니다. 다른 결제 수단이나 다른 가맹점을 이용해 주세요.',
  },
  transfer_recipient: {
    en: "The sender's account cannot send money at the moment, so this transfer cannot be accepted. Nothing moved; if it is not accepted before it expires, it goes back to the sender.",
    ko: '보낸 사람의 계정에서 지금 송금할 수 없어 이 송금을 받을 수 없습니다. 이동한 금액은 없으며, 만료될 때까지 받지 않으면 보낸 사람에게 돌아갑니다.',
  },
};

function counterpartyFrozen(freeze: ActiveFreeze, reader: FrozenReader): DomainError {
  const text = COUNTERPARTY_MESSAGES[reader];
  return new DomainError({
    code: 'ACCOUNT_FROZEN',
    httpStatus: 403,
    message: text.en,
    messageKo: text.ko,
    details: { kind: freeze.kind },
  });
}
