/**
 * The fraud consumer end to end on in-memory PGlite: synthetic traffic (the evaluation's generator)
 * appended to a seeded tenant's event feed as payment, transfer, cancellation and sign-in events,
 * then `FraudService.catchUp` until the feed is drained — facts stored, detectors run, alerts
 * upserted, cursor advanced, each page in its own transaction. Reports events consumed per second
 * and the bounded runs it took. `npx tsx bench/fraud-consumer.ts [members] [days]`.
 */
import type { NewEvent } from '../src/modules/events/types.js';
import { generateScenario } from '../src/modules/fraud/generator.js';
import { openTestPlatform, seedTestTenant } from '../test/support/platform.js';

const members = Number(process.argv[2] ?? 600);
const days = Number(process.argv[3] ?? 7);
const t = await openTestPlatform('pglite');
const tenantId = await seedTestTenant(t.platform);
// The consumer asks the merchants module about each merchant it meets: map the generator's
// merchants onto the tenant's real ones, so those look-ups find something as they do in production.
const real = (await t.platform.merchants.listDirectory(tenantId, { limit: 100 })).map((m) => m.id);
const scenario = generateScenario({
  seed: 1,
  days,
  members,
  merchants: Math.ceil(members / 4),
  intensities: [1, 2, 3],
});
const merchantOf = new Map<string, string>();
for (const fact of scenario.facts)
  if (fact.kind === 'merchant')
    merchantOf.set(fact.merchantId, real[merchantOf.size % real.length] as string);
const snapshot = (merchantId: string, industryCode: string, district: string, annualRevenueWon: number) => ({
  merchantId,
  district,
  dong: 'bench-dong',
  industryCode,
  marketId: null,
  isTraditionalMarket: false,
  isBookstore: false,
  annualRevenueWon,
});
const events: NewEvent[] = [];
for (const f of scenario.facts) {
  const occurredAt = new Date(f.kind === 'merchant' ? 0 : f.at);
  if (f.kind === 'payment')
    events.push({
      type: 'payment.made',
      subjectId: f.id,
      occurredAt,
      payload: {
        paymentId: f.id,
        memberId: f.memberId,
        channel: 'qr',
        amountWon: f.amountWon,
        paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: f.amountWon },
        monthEligibleSpentBeforeWon: 0,
        month: '2026-11',
        eligibleWon: f.amountWon,
        requestedCashbackWon: f.cashbackWon,
        cashbackWon: f.cashbackWon,
        policyId: null,
        ruleCodes: [],
        draws: [],
        isWelfareRecipient: false,
        merchant: snapshot(
          merchantOf.get(f.merchantId) as string,
          f.industryCode,
          f.district,
          f.annualRevenueWon,
        ),
      },
    });
  else if (f.kind === 'transfer')
    events.push({
      type: 'transfer.sent',
      subjectId: f.id,
      occurredAt,
      payload: {
        transferId: f.id,
        fromMemberId: f.fromMemberId,
        toMemberId: f.toMemberId,
        amountWon: f.amountWon,
      },
    });
  else if (f.kind === 'cancel')
    events.push({
      type: 'payment.cancelled',
      subjectId: f.id,
      occurredAt,
      payload: {
        cancellationId: f.id,
        paymentId: f.paymentId,
        memberId: f.memberId,
        merchantId: merchantOf.get(f.merchantId) as string,
        amountWon: f.amountWon,
        eligibleRestoredWon: 0,
        cashbackRecoveredWon: 0,
        returnedToBudget: [],
      },
    });
  else if (f.kind === 'signin')
    events.push({
      type: 'member.signed_in',
      subjectId: f.id,
      occurredAt,
      payload: { memberId: f.memberId, addressHash: f.addressHash },
    });
}
for (let i = 0; i < events.length; i += 5_000)
  await t.db.transaction((tx) => t.platform.events.append(tx, tenantId, events.slice(i, i + 5_000)));
// The seeded tenant's own events first, so only the synthetic ones are timed.
await t.platform.fraud.catchUp(tenantId, 1);
const started = performance.now();
let consumed = 0;
let runs = 0;
for (;;) {
  const run = await t.platform.fraud.catchUp(tenantId);
  consumed += run.processed;
  runs += 1;
  if (!run.more) break;
}
const elapsedMs = performance.now() - started;
const alerts = await t.db.query<{ n: number }>(
  `select count(*)::int as n from fraud_alerts where tenant_id = $1`,
  [tenantId],
);
console.log(
  `${consumed} events in ${runs} bounded runs (≤ 10 pages of 2,000 each), ${alerts[0]?.n} alerts: ${Math.round((consumed * 1000) / elapsedMs).toLocaleString('en-US')} events consumed per second (PGlite, facts stored, alerts upserted)`,
);
await t.close();
