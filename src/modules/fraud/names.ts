import type { Sql } from '../../db/database.js';
import type { MemberService } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { CycleEdge } from './detector.js';

/** The ids an alert names, split by kind: members (payers, senders, owners) and merchants. */
export interface PartyIds {
  members: Set<string>;
  merchants: Set<string>;
}

export function emptyPartyIds(): PartyIds {
  return { members: new Set(), merchants: new Set() };
}

export function collectAlertParties(
  into: PartyIds,
  alert: { memberId: string | null; merchantId: string | null; evidence: { cycle: CycleEdge[] | null } },
): PartyIds {
  if (alert.memberId) into.members.add(alert.memberId);
  if (alert.merchantId) into.merchants.add(alert.merchantId);
  for (const edge of alert.evidence.cycle ?? []) {
    into.members.add(edge.from);
    into.members.add(edge.to);
    if (edge.merchantId) into.merchants.add(edge.merchantId);
  }
  return into;
}

const NAMES_MAX = 2_000;

/**
 * Display names for the ids an operator would otherwise see raw, through the members' and merchants'
 * services (never their tables). Bounded: a page of alerts names at most a few hundred parties.
 */
export async function namesOf(
  deps: { members: MemberService; merchants: MerchantService },
  tenantId: string,
  ids: PartyIds,
  sql?: Sql,
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const id of [...ids.merchants].slice(0, NAMES_MAX)) {
    const merchant = await deps.merchants.getById(tenantId, id, sql);
    if (merchant) names[id] = merchant.name;
  }
  for (const id of [...ids.members].slice(0, NAMES_MAX)) {
    if (names[id]) continue;
    const member = await deps.members.getMember(tenantId, id, sql);
    if (member) names[id] = member.name;
  }
  return names;
}
