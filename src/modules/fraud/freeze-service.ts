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
    reader: FrozenReader = 'party',
  ): Promise<void> {
    const frozen = await this.frozenAmong(tenantId, parties.memberId ? [parties.memberId] : [], sql);
    assertNotFrozenIn(frozen, parties, reader);
  }

  /** Merchants whose settlement payouts are held (a merchant freeze holds them too). */
  async settlementHeld(tenantId: string): Promise<Set<string>> {
    const frozen = await this.frozenAmong(tenantId, []);
    return new Set([...frozen.values()].filter((f) => f.kind !== 'member').map((f) => f.partyId));
  }
}

/**
 * Who reads the refusal: the member or shop acting for itself (`party`), or the shop acting on a
 * member's order (`counterparty`), which is told of "the customer's account", not "your account".
 */
export type FrozenReader = 'party' | 'counterparty';

export function assertNotFrozenIn(
  frozen: FrozenParties,
  parties: { memberId?: string; merchantId?: string },
  reader: FrozenReader = 'party',
): void {
  const freeze =
    (parties.memberId ? frozen.get(`member:${parties.memberId}`) : undefined) ??
    (parties.merchantId ? frozen.get(`merchant:${parties.merchantId}`) : undefined);
  if (freeze) throw accountFrozen(freeze, reader);
}

export function accountFrozen(freeze: ActiveFreeze, reader: FrozenReader = 'party'): DomainError {
  // A shop acting on a customer's money learns that it cannot be paid, not the customer's case.
  if (freeze.kind === 'member' && reader === 'counterparty')
    return new DomainError({
      code: 'ACCOUNT_FROZEN',
      httpStatus: 403,
      message:
        "The customer's account is frozen, so this payment cannot be taken. Nothing was charged; the customer can ask the local-currency office why.",
      messageKo:
        '고객 계정이 정지되어 결제를 받을 수 없습니다. 결제된 금액은 없으며, 고객은 지역화폐 담당 부서에 사유를 문의할 수 있습니다.',
      details: { kind: freeze.kind },
    });
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
