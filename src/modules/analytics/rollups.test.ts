import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/databases.js';
import type { FeedEvent } from '../events/types.js';
import { dashboardOf } from './dashboard.js';
import { project } from './projector.js';

const DISTRICTS = ['dong-gu', 'jung-gu', 'seo-gu'];
const AREA = new Map([
  ['dong-gu', 'old_town'],
  ['jung-gu', 'old_town'],
  ['seo-gu', 'new_town'],
]);
const local = (at: Date) => ({ date: at.toISOString().slice(0, 10), hour: at.getUTCHours() });

const paymentArb = fc.record({
  member: fc.integer({ min: 0, max: 5 }),
  merchant: fc.integer({ min: 0, max: 4 }),
  day: fc.integer({ min: 0, max: 70 }),
  hour: fc.integer({ min: 0, max: 23 }),
  amountWon: fc.integer({ min: 1_000, max: 500_000 }),
  cashbackWon: fc.integer({ min: 0, max: 50_000 }),
  cancelled: fc.boolean(),
});

/** A history of joins, charges, payments and cancellations in feed order. */
type Pay = typeof paymentArb extends fc.Arbitrary<infer T> ? T : never;

function history(payments: Pay[]): FeedEvent[] {
  const events: FeedEvent[] = [];
  const at = (day: number, hour: number) => new Date(Date.UTC(2024, 0, 1 + day, hour));
  const push = (event: Omit<FeedEvent, 'seq' | 'id' | 'tenantId' | 'version'>) =>
    events.push({
      ...event,
      seq: events.length + 1,
      id: `e${events.length}`,
      tenantId: 't',
      version: 1,
    } as FeedEvent);
  for (let member = 0; member < 5; member += 1)
    push({
      type: 'member.joined',
      occurredAt: at(0, 0),
      payload: {
        memberId: `m${member}`,
        district: 'seo-gu',
        birthYear: 1950 + member * 11,
        isWelfareRecipient: false,
      },
    });
  payments.forEach((p, index) => {
    const occurredAt = at(p.day, p.hour);
    push({
      type: 'charge.confirmed',
      occurredAt,
      payload: { chargeId: `c${index}`, memberId: `m${p.member}`, amountWon: p.amountWon },
    });
    push({
      type: 'payment.made',
      occurredAt,
      payload: {
        paymentId: `p${index}`,
        memberId: `m${p.member}`,
        channel: 'qr',
        amountWon: p.amountWon,
        paidFrom: { grantWon: 0, cashbackWon: 0, cashWon: p.amountWon },
        monthEligibleSpentBeforeWon: 0,
        month: occurredAt.toISOString().slice(0, 7),
        eligibleWon: p.amountWon,
        requestedCashbackWon: p.cashbackWon,
        cashbackWon: p.cashbackWon,
        policyId: 'pol',
        ruleCodes: [],
        draws:
          p.cashbackWon > 0
            ? [{ potId: 'pot', source: 'city', accountId: 'acc', amountWon: p.cashbackWon }]
            : [],
        isWelfareRecipient: false,
        merchant: {
          merchantId: `s${p.merchant}`,
          district: DISTRICTS[p.merchant % 3] as string,
          dong: 'x',
          industryCode: p.merchant % 2 ? 'cafe' : 'restaurant',
          marketId: p.merchant === 0 ? 'mkt' : null,
          isTraditionalMarket: p.merchant === 0,
          isBookstore: false,
          annualRevenueWon: 100_000_000,
        },
      },
    });
  });
  payments.forEach((p, index) => {
    if (!p.cancelled) return;
    push({
      type: 'payment.cancelled',
      occurredAt: at(p.day + 3, 12),
      payload: {
        cancellationId: `x${index}`,
        paymentId: `p${index}`,
        memberId: `m${p.member}`,
        merchantId: `s${p.merchant}`,
        amountWon: p.amountWon,
        eligibleRestoredWon: p.amountWon,
        cashbackRecoveredWon: p.cashbackWon,
        returnedToBudget: p.cashbackWon > 0 ? [{ accountId: 'acc', amountWon: p.cashbackWon }] : [],
      },
    });
  });
  return events;
}

describe('daily rollups', () => {
  it('give the same dashboard whatever the page size, equal to sums over the payments themselves', async () => {
    const db = await openTestDatabase('pglite');
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(paymentArb, { minLength: 1, maxLength: 25 }),
          fc.integer({ min: 1, max: 40 }),
          async (payments, pageSize) => {
            const events = history(payments);
            const run = async (tenantId: string, size: number) => {
              for (let start = 0; start < events.length; start += size)
                await db.transaction((tx) =>
                  project(
                    tx,
                    tenantId,
                    events.slice(start, start + size).map((e) => ({ ...e, tenantId })),
                    local,
                  ),
                );
            };
            const tenant = `t${Math.random().toString(36).slice(2)}`;
            await run(tenant, pageSize);
            const whole = `${tenant}w`;
            await run(whole, events.length);
            const period = { from: '2024-01-01', to: '2024-03-31' };
            const paged = await dashboardOf(db, tenant, period, AREA, {
              feedPosition: 0,
              requestedAt: new Date(),
            });
            expect(paged).toEqual(
              await dashboardOf(db, whole, period, AREA, { feedPosition: 0, requestedAt: new Date() }),
            );
            // Exact sums from the payments, independently of the rollups.
            const netOf = (p: (typeof payments)[number]) => (p.cancelled ? 0 : p.amountWon);
            for (const district of DISTRICTS) {
              const inDistrict = payments.filter((p) => DISTRICTS[p.merchant % 3] === district);
              const row = paged.byDistrict.find((r) => r.key === district);
              if (inDistrict.length === 0) expect(row).toBeUndefined();
              else
                expect(row).toEqual({
                  key: district,
                  count: inDistrict.length,
                  netWon: inDistrict.reduce((s, p) => s + netOf(p), 0),
                });
            }
            const spent = paged.byMonth.reduce((s, m) => s + m.spentWon, 0);
            expect(spent).toBe(payments.reduce((s, p) => s + netOf(p), 0));
            expect(paged.byMonth.reduce((s, m) => s + m.chargedWon, 0)).toBe(
              payments.reduce((s, p) => s + p.amountWon, 0),
            );
            const cashback = paged.cashbackByPot.reduce((s, r) => s + r.amountWon, 0);
            // Cancellations after the period return their cashback outside it.
            expect(cashback).toBe(
              payments.reduce((s, p) => s + (p.cancelled && p.day + 3 <= 90 ? 0 : p.cashbackWon), 0),
            );
            const members = new Set(payments.map((p) => p.member));
            expect(paged.concentration.members).toBe(members.size);
            expect(paged.byDecile.reduce((s, d) => s + d.netWon, 0)).toBe(spent);
          },
        ),
        { numRuns: 12 },
      );
    } finally {
      await db.close();
    }
  });
});
