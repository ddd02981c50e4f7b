import type { Platform } from '../../../platform.js';
import { DEMO_CREDENTIALS } from '../../../presets/daejeon.js';
import { businessNumberCheckDigit } from '../../merchants/business-number.js';

/**
 * One planted '깡' ring for the demo (demo mode only, never in tests' tenants or production): a member
 * pays a produce stall, and the stall's owner sends most of it back the same day. It runs through the
 * real engine — charges, a payment earning cashback, a transfer, the fraud consumer — so the operator's
 * alert queue is not empty on a fresh start. It touches none of the published demo accounts.
 * Not in DEMO_CREDENTIALS (the log-in page's list): these two sign in for the fraud demo only.
 */
export const DEMO_RING = {
  member: { phone: '010-9016-0001', password: 'Hanbat-ring-7q4w', name: '오수상' },
  owner: { phone: '010-9016-0002', password: 'Hanbat-ring-7q4w', name: '윤청과' },
  merchantName: '대흥 청과 (데모)',
  chargeWon: 500_000,
  paymentWon: 400_000,
  sentBackWon: 360_000,
} as const;

const IDEMPOTENCY_PREFIX = 'demo-ring';

async function ensureMember(
  platform: Platform,
  tenantId: string,
  person: { phone: string; password: string; name: string },
): Promise<{ id: string; created: boolean }> {
  const existing = await platform.members.findByPhone(tenantId, person.phone);
  if (existing) return { id: existing.id, created: false };
  const member = await platform.members.signUp(
    tenantId,
    { ...person, birthDate: '1975-03-02', district: 'jung-gu', dong: '대흥동' },
    'demo',
  );
  return { id: member.id, created: true };
}

async function charge(platform: Platform, tenantId: string, memberId: string, amountWon: number) {
  const bankAccount = await platform.members.bankAccountOf(tenantId, memberId);
  const charged = await platform.wallets.charge(
    tenantId,
    memberId,
    amountWon,
    `${IDEMPOTENCY_PREFIX}-charge-${memberId}`,
    bankAccount,
  );
  if (charged.status !== 'succeeded') throw new Error(`demo ring: charge ${charged.status}`);
}

/**
 * Plants the ring once (skipped when its owner already exists) and lets the fraud consumer score it.
 * Returns whether it planted.
 */
export async function plantDemoRing(platform: Platform, tenantId: string): Promise<boolean> {
  const owner = await ensureMember(platform, tenantId, DEMO_RING.owner);
  if (!owner.created) return false;
  const member = await ensureMember(platform, tenantId, DEMO_RING.member);
  const operatorId =
    (await platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone))?.id ?? 'system:preset';
  const firstNine = '305819016';
  const applied = await platform.merchants.apply(tenantId, owner.id, {
    businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
    name: DEMO_RING.merchantName,
    industryCode: 'produce',
    district: 'jung-gu',
    dong: '대흥동',
    annualRevenueWon: 60_000_000,
  });
  const merchant =
    applied.status === 'pending'
      ? await platform.merchants.approve(tenantId, applied.id, operatorId)
      : applied;
  if (!merchant.merchantCode) throw new Error('demo ring: the stall was not approved');
  await platform.merchants.markDemo(tenantId, merchant.id);
  await charge(platform, tenantId, member.id, DEMO_RING.chargeWon);
  const paid = await platform.payments.payAtMerchant(tenantId, {
    memberId: member.id,
    merchantCode: merchant.merchantCode,
    amountWon: DEMO_RING.paymentWon,
    idempotency: {
      principalId: member.id,
      key: `${IDEMPOTENCY_PREFIX}-payment`,
      requestHash: `${IDEMPOTENCY_PREFIX}-payment`,
    },
  });
  if (paid.statusCode !== 201) throw new Error(`demo ring: payment answered ${paid.statusCode}`);
  await charge(platform, tenantId, owner.id, DEMO_RING.paymentWon);
  await platform.db.transaction((tx) =>
    platform.transfers.send(tx, tenantId, owner.id, {
      recipientPhone: DEMO_RING.member.phone,
      amountWon: DEMO_RING.sentBackWon,
      message: '물건값 돌려드립니다',
    }),
  );
  await platform.fraud.catchUp(tenantId);
  return true;
}
