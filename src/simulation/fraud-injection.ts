import type { MerchantFact, PaymentFact } from '../modules/fraud/facts.js';
import { generateScenario } from '../modules/fraud/generator.js';
import type { FraudRule } from '../modules/fraud/rules.js';
import { businessNumberCheckDigit } from '../modules/merchants/business-number.js';
import type { Platform } from '../platform.js';
import type { Rng } from './random.js';
import type { Order } from './simulator.js';

/** Scripted fraud rings from the fraud module's generator (the one `npm run eval:fraud` scores). */
export interface FraudInjection {
  patterns: FraudRule[];
  intensity: number;
}

/** Industries of the fraud generator that the Daejeon preset names differently. */
const INDUSTRY_OF: Record<string, string> = { market_stall: 'grocery' };
const DAY_MS = 86_400_000;

/**
 * The rings' payments as orders of this simulation: each ring member and ring merchant becomes a
 * member and an approved merchant of the real engine (marked synthetic-fraud), and the ring's
 * payments keep their offsets from the scenario's start, moved to the month's start. Only payments
 * are replayed (rings that close through transfers lose that leg).
 */
export async function fraudOrders(
  platform: Platform,
  tenantId: string,
  operatorId: string,
  injection: FraudInjection,
  monthStartMs: number,
  rng: Rng,
): Promise<Order[]> {
  const scenario = generateScenario({
    seed: Math.floor(rng() * 1e9),
    days: 14,
    members: 50,
    merchants: 20,
    intensities: [injection.intensity],
    patterns: injection.patterns,
    lookAlikes: false,
  });
  const ringMembers = new Set(scenario.rings.flatMap((ring) => ring.memberIds));
  const payments = scenario.facts.filter(
    (fact): fact is PaymentFact => fact.kind === 'payment' && ringMembers.has(fact.memberId),
  );
  const merchantFacts = new Map(
    scenario.facts
      .filter((fact): fact is MerchantFact => fact.kind === 'merchant')
      .map((m) => [m.merchantId, m]),
  );
  const memberIds = new Map<string, string>();
  const merchantCodes = new Map<string, string>();
  const owner = await platform.members.signUp(tenantId, {
    phone: `010-7999-${String(Math.floor(rng() * 10_000)).padStart(4, '0')}`,
    password: 'Hanbat-sim-7q4w-synthetic',
    name: '모의 부정 사업주 (synthetic fraud)',
    birthDate: '1975-05-05',
    district: 'seo-gu',
    dong: '둔산동',
  });
  let serial = 0;
  for (const payment of payments) {
    if (!memberIds.has(payment.memberId)) {
      serial += 1;
      const member = await platform.members.signUp(tenantId, {
        phone: `010-7${String(serial).padStart(3, '0')}-${String(Math.floor(rng() * 10_000)).padStart(4, '0')}`,
        password: 'Hanbat-sim-7q4w-synthetic',
        name: `모의 부정 회원 ${serial} (synthetic fraud)`,
        birthDate: '1988-08-08',
        district: 'seo-gu',
        dong: '둔산동',
      });
      memberIds.set(payment.memberId, member.id);
    }
    if (!merchantCodes.has(payment.merchantId)) {
      const fact = merchantFacts.get(payment.merchantId);
      const firstNine = `6${String(merchantCodes.size).padStart(3, '0')}${String(Math.floor(rng() * 100_000)).padStart(5, '0')}`;
      const applied = await platform.merchants.apply(tenantId, owner.id, {
        businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
        name: `모의 부정 가맹점 ${merchantCodes.size} (synthetic fraud)`,
        industryCode: INDUSTRY_OF[fact?.industryCode ?? ''] ?? fact?.industryCode ?? 'grocery',
        district: fact?.district ?? 'seo-gu',
        dong: '둔산동',
        annualRevenueWon: fact?.annualRevenueWon ?? 200_000_000,
      });
      const approved =
        applied.status === 'pending'
          ? await platform.merchants.approve(tenantId, applied.id, operatorId)
          : null;
      if (approved?.merchantCode) merchantCodes.set(payment.merchantId, approved.merchantCode);
    }
  }
  return payments.flatMap((payment) => {
    const merchantCode = merchantCodes.get(payment.merchantId);
    const memberId = memberIds.get(payment.memberId);
    if (!merchantCode || !memberId) return [];
    const offsetMs = Math.min(27 * DAY_MS, Math.max(0, payment.at - scenario.startAt));
    return [{ atMs: monthStartMs + offsetMs, memberId, merchantCode, amountWon: payment.amountWon }];
  });
}
