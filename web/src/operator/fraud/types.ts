import type { OkResponse } from '../../api/types.js';

export type FraudAlert = OkResponse<'/v1/operator/fraud/alerts', 'get'>['items'][number];
export type FraudCase = OkResponse<'/v1/operator/fraud/cases/{caseId}', 'get'>;
export type CycleEdge = NonNullable<FraudAlert['evidence']['cycle']>[number];
export type ListedFreeze = OkResponse<'/v1/operator/fraud/freezes', 'get'>['items'][number];
export type OwnFreeze = OkResponse<'/v1/me/freezes', 'get'>['items'][number];

export const FRAUD_RULES = [
  'sustained_high_value',
  'new_merchant_high_value',
  'repeated_pair',
  'ticket_outlier',
  'round_trip',
  'night_high_value',
  'size_outlier',
  'cap_gaming',
  'shared_address',
] as const satisfies readonly FraudAlert['rule'][];

export const ALERT_STATUSES = ['open', 'in_case', 'dismissed', 'confirmed'] as const;
export const FRAUD_ACTIONS = ['freeze_member', 'freeze_merchant', 'claw_back', 'hold_settlement'] as const;

/** A name for an id the API resolved; never the raw id (an operator reads names). */
export function nameOf(
  names: Record<string, string> | undefined,
  id: string | null,
  fallback: string,
): string {
  return (id && names?.[id]) || fallback;
}

/** Who the alert is about, in words: the member, the merchant, or both for a pair. */
export function subjectName(alert: FraudAlert, fallback: string): string {
  const member = alert.memberId ? nameOf(alert.names, alert.memberId, fallback) : null;
  const merchant = alert.merchantId ? nameOf(alert.names, alert.merchantId, fallback) : null;
  if (alert.subjectKind === 'merchant') return merchant ?? fallback;
  if (alert.subjectKind === 'member') return member ?? fallback;
  return [member, merchant].filter(Boolean).join(' → ') || fallback;
}

export const SCORE_TONE = (score: number) => (score >= 80 ? 'bad' : score >= 65 ? 'warn' : 'info');

/**
 * The detector's explanation names members and merchants by id; the operator reads their names.
 * Every id the API resolved is replaced; the rest of the sentence stays as written.
 */
export function withNames(text: string, names: Record<string, string> | undefined): string {
  let out = text;
  for (const [id, name] of Object.entries(names ?? {}).sort((a, b) => b[0].length - a[0].length))
    out = out.split(id).join(name);
  return out;
}
