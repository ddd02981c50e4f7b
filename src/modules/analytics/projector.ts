import type { Sql } from '../../db/database.js';
import type { FeedEvent } from '../events/types.js';
import { rollUpCancellations, rollUpClawbacks, rollUpDays, rollUpPayments, rollUpPots } from './rollups.js';

type EventOf<T extends FeedEvent['type']> = Extract<FeedEvent, { type: T }>;

/** 'YYYY-MM-DD' and the hour of an instant in the tenant's time zone. */
export type LocalClock = (at: Date) => { date: string; hour: number };

const FLOW_KINDS = {
  'charge.confirmed': 'charge',
  'grant.disbursed': 'grant',
  'grant.expired': 'grant_expired',
  'refund.completed': 'refund',
} as const;

/**
 * Applies a page of events to analytics' tables, set-based (one statement per table per page).
 * Runs inside the consumer step's transaction, so a page is applied exactly once with its cursor.
 * Types analytics does not use (transfers, settlement) are skipped; new types are ignored until
 * analytics learns them, and a rebuild then picks up their history. The budget pots' figures follow
 * every way cashback leaves or returns to a pot: payments and their cancellations, online orders'
 * captures and returns, and fraud claw-backs.
 */
export async function project(tx: Sql, tenantId: string, events: readonly FeedEvent[], local: LocalClock) {
  const of = <T extends FeedEvent['type']>(type: T) =>
    events.filter((event): event is EventOf<T> => event.type === type && event.version === 1);
  const joined = of('member.joined');
  await insertMembers(tx, tenantId, joined, local);
  await insertMerchants(tx, tenantId, of('merchant.approved'), local);
  const payments = of('payment.made');
  await insertPayments(tx, tenantId, payments, local);
  if (payments.length > 0)
    await rollUpPayments(tx, tenantId, payments[0]?.seq ?? 0, payments[payments.length - 1]?.seq ?? 0);
  const cancellations = of('payment.cancelled');
  await applyCancellations(tx, tenantId, cancellations, local);
  await rollUpCancellations(
    tx,
    tenantId,
    cancellations.map((event) => event.payload),
  );
  await insertDraws(tx, tenantId, orderBudgetMoves(events, local));
  await applyClawbacks(tx, tenantId, of('cashback.clawed_back'), local);
  const flows = events.flatMap((event) => {
    const kind = FLOW_KINDS[event.type as keyof typeof FLOW_KINDS];
    if (!kind || event.version !== 1) return [];
    const payload = event.payload as { memberId: string; amountWon: number };
    return [{ seq: event.seq, date: local(event.occurredAt).date, kind, ...payload }];
  });
  await insertFlows(tx, tenantId, flows);
  await rollUpDays(tx, tenantId, [
    ...flows.map((flow) => ({
      date: flow.date,
      chargedWon: flow.kind === 'charge' ? flow.amountWon : 0,
      grantedWon: flow.kind === 'grant' ? flow.amountWon : 0,
      joined: 0,
    })),
    ...joined.map((event) => ({
      date: local(event.occurredAt).date,
      chargedWon: 0,
      grantedWon: 0,
      joined: 1,
    })),
  ]);
}

async function insertMembers(
  tx: Sql,
  tenantId: string,
  events: EventOf<'member.joined'>[],
  local: LocalClock,
) {
  if (events.length === 0) return;
  const rows = events.map(({ payload, occurredAt }) => ({
    member_id: payload.memberId,
    district: payload.district,
    birth_year: payload.birthYear,
    joined_on: local(occurredAt).date,
  }));
  await tx.query(
    `insert into analytics_members (tenant_id, member_id, district, birth_year, joined_on)
     select $1, member_id, district, birth_year, joined_on
     from json_to_recordset($2::json) as x(member_id text, district text, birth_year integer, joined_on date)
     on conflict do nothing`,
    [tenantId, JSON.stringify(rows)],
  );
}

async function insertMerchants(
  tx: Sql,
  tenantId: string,
  events: EventOf<'merchant.approved'>[],
  local: LocalClock,
) {
  if (events.length === 0) return;
  const rows = events.map(({ payload, occurredAt }) => ({
    merchant_id: payload.merchantId,
    name: payload.name,
    district: payload.district,
    industry_code: payload.industryCode,
    annual_revenue_won: payload.annualRevenueWon,
    approved_on: local(occurredAt).date,
  }));
  await tx.query(
    `insert into analytics_merchants (tenant_id, merchant_id, name, district, industry_code, annual_revenue_won, approved_on)
     select $1, merchant_id, name, district, industry_code, annual_revenue_won, approved_on
     from json_to_recordset($2::json) as x(merchant_id text, name text, district text, industry_code text,
       annual_revenue_won bigint, approved_on date)
     on conflict do nothing`,
    [tenantId, JSON.stringify(rows)],
  );
}

async function insertPayments(
  tx: Sql,
  tenantId: string,
  events: EventOf<'payment.made'>[],
  local: LocalClock,
) {
  if (events.length === 0) return;
  const rows = events.map(({ seq, occurredAt, payload: p }) => {
    const at = local(occurredAt);
    return {
      payment_id: p.paymentId,
      seq,
      occurred_at: occurredAt.toISOString(),
      local_date: at.date,
      local_hour: at.hour,
      month: p.month,
      member_id: p.memberId,
      merchant_id: p.merchant.merchantId,
      district: p.merchant.district,
      industry_code: p.merchant.industryCode,
      market_id: p.merchant.marketId,
      is_traditional_market: p.merchant.isTraditionalMarket,
      is_bookstore: p.merchant.isBookstore,
      annual_revenue_won: p.merchant.annualRevenueWon,
      is_welfare_recipient: p.isWelfareRecipient,
      amount_won: p.amountWon,
      cash_won: p.paidFrom.cashWon,
      month_eligible_before_won: p.monthEligibleSpentBeforeWon,
      eligible_won: p.eligibleWon,
      requested_cashback_won: p.requestedCashbackWon,
      cashback_won: p.cashbackWon,
      policy_id: p.policyId,
      rule_codes: p.ruleCodes,
      draws: p.draws,
      self_dealing: p.selfDealing === true,
    };
  });
  await tx.query(
    `insert into analytics_payments (tenant_id, payment_id, seq, occurred_at, local_date, local_hour, month,
       member_id, merchant_id, district, industry_code, market_id, is_traditional_market, is_bookstore,
       annual_revenue_won, is_welfare_recipient, amount_won, cash_won, month_eligible_before_won, eligible_won,
       requested_cashback_won, cashback_won, policy_id, rule_codes, draws, self_dealing)
     select $1, payment_id, seq, occurred_at, local_date, local_hour, month, member_id, merchant_id, district,
       industry_code, market_id, is_traditional_market, is_bookstore, annual_revenue_won, is_welfare_recipient,
       amount_won, cash_won, month_eligible_before_won, eligible_won, requested_cashback_won, cashback_won,
       policy_id, rule_codes, draws, self_dealing
     from json_to_recordset($2::json) as x(payment_id text, seq bigint, occurred_at timestamptz, local_date date,
       local_hour smallint, month text, member_id text, merchant_id text, district text, industry_code text,
       market_id text, is_traditional_market boolean, is_bookstore boolean, annual_revenue_won bigint,
       is_welfare_recipient boolean, amount_won bigint, cash_won bigint, month_eligible_before_won bigint,
       eligible_won bigint, requested_cashback_won bigint, cashback_won bigint, policy_id text, rule_codes jsonb, draws jsonb,
       self_dealing boolean)`,
    [tenantId, JSON.stringify(rows)],
  );
  const draws = events.flatMap(({ seq, occurredAt, payload }) =>
    payload.draws.map((drawn) => ({ seq, date: local(occurredAt).date, ...drawn })),
  );
  await insertDraws(tx, tenantId, draws);
}

/** A cancellation lowers the payment's net amount, and its clawback returns to the pots as a negative draw. */
async function applyCancellations(
  tx: Sql,
  tenantId: string,
  events: EventOf<'payment.cancelled'>[],
  local: LocalClock,
) {
  if (events.length === 0) return;
  const paymentIds = [...new Set(events.map((event) => event.payload.paymentId))];
  const rows = await tx.query<{
    payment_id: string;
    draws: Array<{ potId: string; source: string; accountId: string }>;
  }>(
    'select payment_id, draws from analytics_payments where tenant_id = $1 and payment_id = any($2::text[])',
    [tenantId, paymentIds],
  );
  const drawsOf = new Map(rows.map((row) => [row.payment_id, row.draws]));
  for (const { payload } of events) {
    await tx.query(
      `update analytics_payments set cancelled_won = cancelled_won + $3, cashback_recovered_won = cashback_recovered_won + $4
       where tenant_id = $1 and payment_id = $2`,
      [tenantId, payload.paymentId, payload.amountWon, payload.cashbackRecoveredWon],
    );
  }
  const returns = events.flatMap(({ seq, occurredAt, payload }) =>
    payload.returnedToBudget.flatMap((returned) => {
      const drawn = drawsOf
        .get(payload.paymentId)
        ?.find((candidate) => candidate.accountId === returned.accountId);
      return drawn
        ? [
            {
              seq,
              date: local(occurredAt).date,
              potId: drawn.potId,
              source: drawn.source,
              amountWon: -returned.amountWon,
            },
          ]
        : [];
    }),
  );
  await insertDraws(tx, tenantId, returns);
}

/**
 * An online order's cashback as the pots paid it at capture, and what its return gave back to them
 * (negative), each on its event's day: the order events that carry them (since they name the pots).
 */
function orderBudgetMoves(events: readonly FeedEvent[], local: LocalClock) {
  return events.flatMap((event) => {
    if (!event.type.startsWith('order.') || event.version !== 1) return [];
    const { payload, seq, occurredAt } = event as EventOf<'order.placed'>;
    const date = local(occurredAt).date;
    return [
      ...(payload.cashbackDraws ?? []).map((drawn) => ({ seq, date, ...drawn })),
      ...(payload.returnedToBudget ?? []).map((returned) => ({
        seq,
        date,
        ...returned,
        amountWon: -returned.amountWon,
      })),
    ];
  });
}

/**
 * A fraud claw-back returns cashback to the pots it came from (negative draws on its day) and is
 * recovered from the clawed payments, as a cancellation's clawback is (their members' month cashback).
 */
async function applyClawbacks(
  tx: Sql,
  tenantId: string,
  events: EventOf<'cashback.clawed_back'>[],
  local: LocalClock,
) {
  if (events.length === 0) return;
  await insertDraws(
    tx,
    tenantId,
    events.flatMap(({ seq, occurredAt, payload }) =>
      payload.returnedToBudget.map((returned) => ({
        seq,
        date: local(occurredAt).date,
        ...returned,
        amountWon: -returned.amountWon,
      })),
    ),
  );
  await rollUpClawbacks(
    tx,
    tenantId,
    events.flatMap(({ payload }) => payload.payments),
  );
}

async function insertDraws(
  tx: Sql,
  tenantId: string,
  draws: ReadonlyArray<{ seq: number; date: string; potId: string; source: string; amountWon: number }>,
) {
  if (draws.length === 0) return;
  await rollUpPots(tx, tenantId, draws);
  await tx.query(
    `insert into analytics_cashback_draws (tenant_id, event_seq, local_date, pot_id, source, amount_won)
     select $1, seq, date, pot_id, source, amount_won
     from json_to_recordset($2::json) as x(seq bigint, date date, pot_id text, source text, amount_won bigint)`,
    [
      tenantId,
      JSON.stringify(
        draws.map((drawn) => ({
          seq: drawn.seq,
          date: drawn.date,
          pot_id: drawn.potId,
          source: drawn.source,
          amount_won: drawn.amountWon,
        })),
      ),
    ],
  );
}

async function insertFlows(
  tx: Sql,
  tenantId: string,
  flows: ReadonlyArray<{ seq: number; date: string; kind: string; memberId: string; amountWon: number }>,
) {
  if (flows.length === 0) return;
  await tx.query(
    `insert into analytics_flows (tenant_id, event_seq, local_date, kind, member_id, amount_won)
     select $1, seq, date, kind, member_id, amount_won
     from json_to_recordset($2::json) as x(seq bigint, date date, kind text, member_id text, amount_won bigint)`,
    [
      tenantId,
      JSON.stringify(
        flows.map((flow) => ({
          seq: flow.seq,
          date: flow.date,
          kind: flow.kind,
          member_id: flow.memberId,
          amount_won: flow.amountWon,
        })),
      ),
    ],
  );
}
