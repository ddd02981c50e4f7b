import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import { invalidInput } from '../../errors.js';
import { recordId } from '../../ids.js';
import { monthKey } from '../../time.js';
import { isBlank } from '../../visible-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import { CONSUME_LIMIT_MAX, type EventFeed } from '../events/event-feed.js';
import type { FeedEvent, NewEvent } from '../events/types.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import { type MemberService, memberAccountIds } from '../members/member-service.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { PaymentService } from '../payments/payment-service.js';
import { splitInProportion, uncancelledShare } from '../payments/split.js';
import type { Payment } from '../payments/types.js';
import type { PolicyService } from '../policy/policy-service.js';
import { GrantReturns, grantIssuerOfAccount } from '../programs/grant-returns.js';
import type { Job, RunBudget } from '../scheduler/scheduler.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { recordActivity } from '../wallets/usage.js';
import {
  type CycleEdge,
  type Finding,
  FraudDetector,
  localTimeIn,
  PAYMENTS_IN_MEMORY_MAX,
} from './detector.js';
import { FraudErrors } from './errors.js';
import { cashbackClawedBackEvent } from './events.js';
import { type Fact, factsOf, type MerchantFact } from './facts.js';
import { accountFrozen } from './freeze-service.js';
import { clawBackGrants, type GrantClawbackEffect, type GrantOwed, grantOwed } from './grant-clawback.js';
import { collectAlertParties, emptyPartyIds, namesOf } from './names.js';
import { FraudReceivables, type Receivable } from './receivables.js';
import { FRAUD_RULE_DEFAULTS, FRAUD_RULE_KEYS, type FraudRule, type FraudThresholds } from './rules.js';

export const FRAUD_CONSUMER = 'fraud';
const PAGE_EVENTS = 2_000;
const PAGES_PER_RUN_MAX = 10;
const CATCH_UP_EVERY_MS = 15_000;
const WINDOW_MS = 31 * 24 * 3_600_000;
const CASE_ALERTS_MAX = 50;
const CLAWBACK_PAYMENTS_MAX = 500;
const LIST_LIMIT_MAX = 200;

export type AlertStatus = 'open' | 'in_case' | 'dismissed' | 'confirmed';
export type FraudAction = 'freeze_member' | 'freeze_merchant' | 'claw_back' | 'hold_settlement';

export interface FraudAlert {
  alertId: string;
  rule: FraudRule;
  subjectKind: 'member' | 'merchant' | 'pair';
  subjectId: string;
  memberId: string | null;
  merchantId: string | null;
  district: string | null;
  score: number;
  status: AlertStatus;
  explanation: { ko: string; en: string };
  evidence: { paymentIds: string[]; transferIds: string[]; cycle: CycleEdge[] | null };
  caseId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Display names of the members and merchants it names (id → name), resolved when read. */
  names?: Record<string, string>;
}

export interface FraudFreeze {
  freezeId: string;
  kind: 'member' | 'merchant' | 'settlement';
  partyId: string;
  caseId: string;
  reason: string;
  status: 'active' | 'released';
  createdAt: Date;
  releasedAt: Date | null;
}

/** A freeze as the frozen party sees it: why, since when, and how to appeal. */
export interface OwnFreeze {
  freezeId: string;
  kind: FraudFreeze['kind'];
  /** The merchant's name for a merchant freeze or settlement hold; null for the member's own. */
  partyName: string | null;
  caseId: string;
  reason: string;
  since: Date;
  message: { ko: string; en: string };
}

export interface ClawbackEffect {
  paymentId: string;
  memberId: string;
  owedWon: number;
  clawedWon: number;
  /** What the member's cashback balance could not cover: recorded as owed, never a negative balance. */
  receivableWon: number;
}

export interface FraudCase {
  caseId: string;
  status: 'open' | 'dismissed' | 'confirmed';
  assignee: string | null;
  notes: Array<{ at: string; by: string; text: string }>;
  alertIds: string[];
  evidence: FraudAlert[];
  decisionReason: string | null;
  effects: {
    freezes: FraudFreeze[];
    clawbacks: ClawbackEffect[];
    grantClawbacks: Array<Omit<GrantClawbackEffect, 'ledgerTransferId'>>;
    actions: FraudAction[];
  };
  createdBy: string;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** Display names of every member, merchant and operator the case names (id → name). */
  names: Record<string, string>;
}

export interface AlertQuery {
  status?: AlertStatus;
  rule?: FraudRule;
  minScore?: number;
  district?: string;
  limit?: number;
}

interface Deps {
  events: EventFeed;
  tenants: TenantService;
  policy: PolicyService;
  merchants: MerchantService;
  members: MemberService;
  payments: PaymentService;
  ledger: LedgerService;
  operatorActions: OperatorActionLog;
}

interface CachedDetector {
  detector: FraudDetector;
  thresholdsKey: string;
  /** The last feed position applied to the detector: another process may have moved the cursor since. */
  lastSeq: number;
}

/** Cities whose detectors stay in memory between steps (the scheduler visits each city every 15 s). */
const DETECTORS_CACHED_MAX = 32;
/**
 * Facts read per query when a detector is rebuilt, and the most pages: a window is at most
 * 2 × PAYMENTS_IN_MEMORY_MAX facts plus the city's merchants. A page is parsed and observed in one
 * synchronous stretch of the server's event loop (~10 µs a fact), so pages stay small: a fresh
 * process's rebuild of 100,000 facts in pages of 10,000 held payments off the loop ~100 ms at a
 * time and put the HTTP p99 at 1,000 payments/s near a second.
 */
const REPLAY_PAGE_FACTS = 1_000;
const REPLAY_PAGES_MAX = 10_000;
/** Cases, freezes and alerts have always had 80-bit ids (14 characters after the prefix); kept so old and new look alike. */
const FRAUD_ID_BYTES = 10;

/**
 * Fraud ('깡') detection as a consumer of the event feed: it never runs on the payment path. Each
 * step turns events into facts (fraud_facts), feeds the detectors (in memory, rebuilt from the facts
 * after a restart) and keeps one open alert per rule and subject. Operators group alerts into cases
 * and decide them; confirmation freezes parties, claws back cashback through the ledger and holds
 * settlement, each in the operator audit trail.
 */
export class FraudService {
  /**
   * One detector per city, each holding its city's window of facts. A deployment of 230 cities keeps
   * only the cities scored most recently; an evicted city's detector is rebuilt from its stored facts
   * at its next step, as after a restart.
   */
  private readonly detectors: LRUCache<string, CachedDetector>;
  private readonly replayPageFacts: number;
  private rebuilds = 0;
  private readonly grantReturns: GrantReturns;
  private readonly receivables = new FraudReceivables();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly deps: Deps,
    options: { detectorsCachedMax?: number; replayPageFacts?: number } = {},
  ) {
    this.detectors = new LRUCache({ max: options.detectorsCachedMax ?? DETECTORS_CACHED_MAX });
    this.replayPageFacts = options.replayPageFacts ?? REPLAY_PAGE_FACTS;
    this.grantReturns = new GrantReturns({
      ledger: deps.ledger,
      events: deps.events,
      timeZoneOf: (tenantId) => deps.tenants.timeZoneOf(tenantId),
    });
  }

  /** Detectors this service built from the stored facts (a city's first step, or after a change of thresholds or an eviction). */
  get detectorRebuilds(): number {
    return this.rebuilds;
  }

  /** The thresholds in force at `at`: policy rule values, the preset's defaults where a tenant set none. */
  async thresholdsAt(tenantId: string, at: Date): Promise<FraudThresholds> {
    const rules = await this.deps.policy.rulesInForce(tenantId, at);
    const thresholds = { ...FRAUD_RULE_DEFAULTS };
    for (const rule of rules)
      if ((FRAUD_RULE_KEYS as readonly string[]).includes(rule.key))
        thresholds[rule.key as keyof FraudThresholds] = rule.value;
    return thresholds;
  }

  async catchUp(
    tenantId: string,
    pagesMax = PAGES_PER_RUN_MAX,
    budget?: RunBudget,
  ): Promise<{ processed: number; more: boolean }> {
    const pageEvents = Math.min(budget?.pageItems ?? PAGE_EVENTS, CONSUME_LIMIT_MAX);
    const thresholds = await this.thresholdsAt(tenantId, this.clock.now());
    const timeZone = await this.deps.tenants.timeZoneOf(tenantId);
    let processed = 0;
    for (let page = 0; page < pagesMax; page += 1) {
      try {
        const step = await this.deps.events.consume(
          FRAUD_CONSUMER,
          tenantId,
          (tx, events) => this.score(tx, tenantId, events, thresholds, timeZone),
          pageEvents,
        );
        processed += step.processed;
        if (!step.more) return { processed, more: false };
        await budget?.pace();
        if (budget?.spent()) break;
      } catch (error) {
        // The step rolled back: the detector may hold facts the database does not.
        this.detectors.delete(tenantId);
        throw error;
      }
    }
    return { processed, more: true };
  }

  job(): Job {
    return {
      name: 'fraud.catch_up',
      everyMs: CATCH_UP_EVERY_MS,
      run: async ({ tenantId, budget }) => this.catchUp(tenantId, PAGES_PER_RUN_MAX, budget),
    };
  }

  private async score(
    tx: Sql,
    tenantId: string,
    events: readonly FeedEvent[],
    thresholds: FraudThresholds,
    timeZone: string,
  ): Promise<void> {
    const firstSeq = (events[0] as FeedEvent).seq;
    const cached = await this.detectorFor(tx, tenantId, thresholds, timeZone, firstSeq - 1);
    const rows: Array<{ seq: number; idx: number; fact: Fact }> = [];
    for (const event of events)
      for (const [idx, fact] of factsOf(event).entries()) rows.push({ seq: event.seq, idx, fact });
    const merchantRows = await this.unknownMerchants(tx, tenantId, cached.detector, rows);
    const ordered = [...merchantRows, ...rows];
    await insertFacts(tx, tenantId, ordered);
    const findings = new Map<string, Finding>();
    for (const { fact } of ordered)
      for (const finding of cached.detector.observe(fact))
        findings.set(`${finding.rule}|${finding.subjectId}`, finding);
    await upsertAlerts(tx, tenantId, [...findings.values()]);
    // Sign-ins (hashed addresses) are kept only as long as a detector can look back at them.
    if (rows.some((r) => r.fact.kind === 'signin'))
      await tx.query(`delete from fraud_facts where tenant_id = $1 and kind = 'signin' and at < $2`, [
        tenantId,
        new Date(this.clock.now().getTime() - WINDOW_MS),
      ]);
    cached.lastSeq = (events.at(-1) as FeedEvent).seq;
  }

  /** Merchants the detector has not met: their owner and registration date, from the merchants module. */
  private async unknownMerchants(
    tx: Sql,
    tenantId: string,
    detector: FraudDetector,
    rows: Array<{ seq: number; fact: Fact }>,
  ): Promise<Array<{ seq: number; idx: number; fact: Fact }>> {
    const found = new Map<string, { seq: number; idx: number; fact: MerchantFact }>();
    for (const { seq, fact } of rows) {
      if (fact.kind !== 'payment' || detector.knowsMerchant(fact.merchantId) || found.has(fact.merchantId))
        continue;
      const merchant = await this.deps.merchants.getById(tenantId, fact.merchantId, tx);
      if (!merchant) continue;
      found.set(merchant.id, {
        seq,
        idx: -1 - found.size,
        fact: {
          kind: 'merchant',
          merchantId: merchant.id,
          name: merchant.name,
          ownerId: merchant.ownerUserId,
          registeredAt: merchant.createdAt.getTime(),
          annualRevenueWon: merchant.annualRevenueWon,
          industryCode: merchant.industryCode,
          district: merchant.district,
        },
      });
    }
    return [...found.values()].sort((a, b) => a.seq - b.seq);
  }

  private async detectorFor(
    tx: Sql,
    tenantId: string,
    thresholds: FraudThresholds,
    timeZone: string,
    cursorSeq: number,
  ): Promise<CachedDetector> {
    const thresholdsKey = JSON.stringify(thresholds);
    const cached = this.detectors.get(tenantId);
    if (cached && cached.thresholdsKey === thresholdsKey) {
      if (cached.lastSeq === cursorSeq) return cached;
      // Another process scored the events in between (two servers take turns at the job). Their facts
      // are stored, so the detector observes just those, in feed order, as if it had scored them;
      // only a gap wider than a whole window is cheaper rebuilt.
      const gap = cursorSeq - cached.lastSeq;
      if (gap > 0 && gap <= 2 * PAYMENTS_IN_MEMORY_MAX) {
        await this.replayPages(tx, cached.detector, 'seq > $5 and seq <= $6', [
          tenantId,
          cached.lastSeq,
          cursorSeq,
        ]);
        cached.lastSeq = cursorSeq;
        return cached;
      }
    }
    const detector = new FraudDetector(thresholds, localTimeIn(timeZone));
    await this.replay(tx, tenantId, detector);
    this.rebuilds += 1;
    const fresh = { detector, thresholdsKey, lastSeq: cursorSeq };
    this.detectors.set(tenantId, fresh);
    return fresh;
  }

  /**
   * Feeds a new detector every merchant, then no more of the window than it can hold (payments, with
   * room for the transfers, cancels and sign-ins among them), each in feed order and a page at a
   * time, so a rebuild holds one page of rows at once rather than the whole window. Merchants go
   * first: the detector looks a payment's merchant up when it scores, never when it stores, so the
   * state is the same as in feed order. Replayed silently: these facts' alerts were raised when they
   * first arrived.
   */
  private async replay(tx: Sql, tenantId: string, detector: FraudDetector): Promise<void> {
    await this.replayPages(tx, detector, `kind = 'merchant'`, [tenantId]);
    const since = new Date(this.clock.now().getTime() - WINDOW_MS);
    const [oldestKept] = await tx.query<{ seq: number; idx: number }>(
      `select seq, idx from fraud_facts where tenant_id = $1 and kind <> 'merchant' and at >= $2
        order by seq desc, idx desc offset $3 limit 1`,
      [tenantId, since, 2 * PAYMENTS_IN_MEMORY_MAX - 1],
    );
    const from = oldestKept ?? { seq: -1, idx: 0 };
    await this.replayPages(tx, detector, `kind <> 'merchant' and at >= $5 and (seq, idx) >= ($6, $7)`, [
      tenantId,
      since,
      from.seq,
      from.idx,
    ]);
  }

  /** Observes the tenant's facts that `filter` keeps (parameters from $5), in (seq, idx) order, page by page. */
  private async replayPages(
    tx: Sql,
    detector: FraudDetector,
    filter: string,
    [tenantId, ...filterParams]: readonly unknown[],
  ): Promise<void> {
    let after = { seq: -1, idx: 0 };
    for (let page = 0; page < REPLAY_PAGES_MAX; page += 1) {
      const facts = await tx.query<{ seq: number; idx: number; data: Fact }>(
        `select seq, idx, data from fraud_facts where tenant_id = $1 and (seq, idx) > ($2, $3) and ${filter}
          order by seq, idx limit $4`,
        [tenantId, after.seq, after.idx, this.replayPageFacts, ...filterParams],
      );
      for (const { data } of facts) detector.observe(data);
      const last = facts.at(-1);
      if (!last || facts.length < this.replayPageFacts) return;
      after = { seq: last.seq, idx: last.idx };
    }
    throw new Error(`fraud: replaying ${tenantId}'s facts took more than ${REPLAY_PAGES_MAX} pages`);
  }

  async listAlerts(tenantId: string, query: AlertQuery): Promise<FraudAlert[]> {
    const limit = Math.min(query.limit ?? 100, LIST_LIMIT_MAX);
    const rows = await this.db.query<AlertRow>(
      `select * from fraud_alerts where tenant_id = $1
         and ($2::text is null or status = $2) and ($3::text is null or rule = $3)
         and score >= $4 and ($5::text is null or district = $5)
       order by score desc, last_seen_at desc, id limit $6`,
      [
        tenantId,
        query.status ?? null,
        query.rule ?? null,
        query.minScore ?? 0,
        query.district ?? null,
        limit,
      ],
    );
    return Promise.all(rows.map((row) => this.withNames(tenantId, toAlert(row))));
  }

  private async withNames(tenantId: string, alert: FraudAlert): Promise<FraudAlert> {
    const ids = collectAlertParties(emptyPartyIds(), alert);
    return { ...alert, names: await namesOf(this.deps, tenantId, ids) };
  }

  async getAlert(tenantId: string, alertId: string): Promise<FraudAlert> {
    const [row] = await this.db.query<AlertRow>(
      'select * from fraud_alerts where tenant_id = $1 and id = $2',
      [tenantId, alertId],
    );
    if (!row) throw FraudErrors.alertNotFound([alertId]);
    return this.withNames(tenantId, toAlert(row));
  }

  async openCase(
    tenantId: string,
    actorUserId: string,
    input: { alertIds: string[]; assignee?: string; note?: string },
  ): Promise<FraudCase> {
    assertVisible({ note: input.note, assignee: input.assignee });
    const alertIds = [...new Set(input.alertIds)];
    if (alertIds.length === 0 || alertIds.length > CASE_ALERTS_MAX)
      throw invalidInput(
        `alertIds must name 1..${CASE_ALERTS_MAX} alerts`,
        `알림을 1~${CASE_ALERTS_MAX}개 지정해 주세요`,
      );
    const caseId = recordId('fcase', FRAUD_ID_BYTES);
    await this.db.transaction(async (tx) => {
      const rows = await tx.query<AlertRow>(
        'select * from fraud_alerts where tenant_id = $1 and id = any($2::text[]) order by id for update',
        [tenantId, alertIds],
      );
      const missing = alertIds.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length > 0) throw FraudErrors.alertNotFound(missing);
      const taken = rows.filter((r) => r.status !== 'open').map((r) => r.id);
      if (taken.length > 0) throw FraudErrors.alertNotOpen(taken);
      const now = this.clock.now();
      const notes = input.note ? [{ at: now.toISOString(), by: actorUserId, text: input.note }] : [];
      await tx.query(
        `insert into fraud_cases (tenant_id, id, status, assignee, notes, alert_ids, evidence, created_by, created_at)
         values ($1, $2, 'open', $3, $4, $5, $6, $7, $8)`,
        [
          tenantId,
          caseId,
          input.assignee ?? null,
          JSON.stringify(notes),
          alertIds,
          JSON.stringify(rows.map(toAlert)),
          actorUserId,
          now,
        ],
      );
      await tx.query(
        `update fraud_alerts set status = 'in_case', case_id = $3 where tenant_id = $1 and id = any($2::text[])`,
        [tenantId, alertIds, caseId],
      );
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'fraud.case_open',
        subjectType: 'fraud_case',
        subjectId: caseId,
        details: { alertIds, assignee: input.assignee ?? null },
      });
    });
    return this.getCase(tenantId, caseId);
  }

  async addNote(
    tenantId: string,
    actorUserId: string,
    caseId: string,
    input: { text: string; assignee?: string },
  ): Promise<FraudCase> {
    assertVisible({ text: input.text, assignee: input.assignee });
    await this.db.transaction(async (tx) => {
      const fraudCase = await lockCase(tx, tenantId, caseId);
      const note = { at: this.clock.now().toISOString(), by: actorUserId, text: input.text };
      await tx.query(
        `update fraud_cases set notes = notes || $3::jsonb, assignee = coalesce($4, assignee) where tenant_id = $1 and id = $2`,
        [tenantId, caseId, JSON.stringify([note]), input.assignee ?? null],
      );
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'fraud.case_note',
        subjectType: 'fraud_case',
        subjectId: fraudCase.id,
        details: { text: input.text, assignee: input.assignee ?? null },
      });
    });
    return this.getCase(tenantId, caseId);
  }

  async getCase(tenantId: string, caseId: string, sql: Sql = this.db): Promise<FraudCase> {
    const [row] = await sql.query<CaseRow>('select * from fraud_cases where tenant_id = $1 and id = $2', [
      tenantId,
      caseId,
    ]);
    if (!row) throw FraudErrors.caseNotFound();
    return this.caseView(tenantId, row, sql);
  }

  async listCases(tenantId: string, status?: FraudCase['status']): Promise<FraudCase[]> {
    const rows = await this.db.query<CaseRow>(
      `select * from fraud_cases where tenant_id = $1 and ($2::text is null or status = $2) order by created_at desc, id limit $3`,
      [tenantId, status ?? null, LIST_LIMIT_MAX],
    );
    return Promise.all(rows.map((row) => this.caseView(tenantId, row)));
  }

  private async caseView(tenantId: string, row: CaseRow, sql: Sql = this.db): Promise<FraudCase> {
    const freezes = await sql.query<FreezeRow>(
      'select * from fraud_freezes where tenant_id = $1 and case_id = $2 order by created_at, id',
      [tenantId, row.id],
    );
    const clawbacks = await sql.query<ClawbackRow>(
      'select * from fraud_clawbacks where tenant_id = $1 and case_id = $2 order by payment_id',
      [tenantId, row.id],
    );
    const grantClawbacks = await sql.query<GrantClawbackRow>(
      'select * from fraud_grant_clawbacks where tenant_id = $1 and case_id = $2 order by payment_id, program_id',
      [tenantId, row.id],
    );
    const settled = await this.receivables.settledOf(sql, tenantId, [
      ...new Set([...clawbacks, ...grantClawbacks].map((c) => c.payment_id)),
    ]);
    const ids = emptyPartyIds();
    for (const g of grantClawbacks) ids.merchants.add(g.merchant_id);
    for (const alert of row.evidence) collectAlertParties(ids, alert);
    for (const f of freezes) (f.kind === 'member' ? ids.members : ids.merchants).add(f.party_id);
    for (const c of clawbacks) ids.members.add(c.member_id);
    for (const id of [row.created_by, row.decided_by, ...row.notes.map((n) => n.by)])
      if (id) ids.members.add(id);
    return {
      names: await namesOf(this.deps, tenantId, ids, sql),
      caseId: row.id,
      status: row.status,
      assignee: row.assignee,
      notes: row.notes,
      alertIds: row.alert_ids,
      evidence: row.evidence,
      decisionReason: row.decision_reason,
      effects: {
        freezes: freezes.map(toFreeze),
        clawbacks: clawbacks.map((r) => toClawback(r, settled)),
        grantClawbacks: grantClawbacks.map((r) => toGrantClawback(r, settled)),
        actions: row.actions,
      },
      createdBy: row.created_by,
      createdAt: row.created_at,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
    };
  }

  /** Dismisses or confirms a case with its actions, all in one transaction: a refused action changes nothing. */
  async decide(
    tenantId: string,
    actorUserId: string,
    caseId: string,
    input: { decision: 'dismissed' | 'confirmed'; reason: string; actions: FraudAction[] },
    outerTx?: Sql,
  ): Promise<FraudCase> {
    assertVisible({ reason: input.reason });
    const actions = [...new Set(input.actions)];
    if (input.decision === 'dismissed' && actions.length > 0) throw FraudErrors.actionsNeedConfirmation();
    const work = async (tx: Sql) => {
      const row = await lockCase(tx, tenantId, caseId);
      if (row.status !== 'open') throw FraudErrors.caseClosed(row.status);
      const context: ActionContext = { tx, tenantId, actorUserId, caseRow: row, reason: input.reason };
      for (const action of actions) await this.apply(context, action);
      const now = this.clock.now();
      await tx.query(
        `update fraud_cases set status = $3, decision_reason = $4, actions = $5, decided_by = $6, decided_at = $7
         where tenant_id = $1 and id = $2`,
        [tenantId, caseId, input.decision, input.reason, JSON.stringify(actions), actorUserId, now],
      );
      await tx.query(`update fraud_alerts set status = $3 where tenant_id = $1 and id = any($2::text[])`, [
        tenantId,
        row.alert_ids,
        input.decision,
      ]);
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: `fraud.case_${input.decision === 'dismissed' ? 'dismiss' : 'confirm'}`,
        subjectType: 'fraud_case',
        subjectId: caseId,
        details: { reason: input.reason, actions, rules: [...new Set(row.evidence.map((a) => a.rule))] },
      });
      return this.getCase(tenantId, caseId, tx);
    };
    return outerTx ? work(outerTx) : this.db.transaction(work);
  }

  private async apply(context: ActionContext, action: FraudAction): Promise<void> {
    const alerts = context.caseRow.evidence;
    const memberIds = [...new Set(alerts.map((a) => a.memberId).filter((x): x is string => x !== null))];
    const merchantIds = [...new Set(alerts.map((a) => a.merchantId).filter((x): x is string => x !== null))];
    switch (action) {
      case 'freeze_member':
        if (memberIds.length === 0) throw FraudErrors.noParty('member');
        for (const id of memberIds) {
          if (!(await this.deps.members.getMember(context.tenantId, id, context.tx)))
            throw FraudErrors.partyNotFound('member', id);
          await this.freeze(context, 'member', id);
        }
        return;
      case 'freeze_merchant':
      case 'hold_settlement':
        if (merchantIds.length === 0) throw FraudErrors.noParty('merchant');
        for (const id of merchantIds) {
          if (!(await this.deps.merchants.getById(context.tenantId, id, context.tx)))
            throw FraudErrors.partyNotFound('merchant', id);
          await this.freeze(context, action === 'freeze_merchant' ? 'merchant' : 'settlement', id);
        }
        return;
      case 'claw_back':
        await this.clawBack(
          context,
          [...new Set(alerts.flatMap((a) => a.evidence.paymentIds))].slice(0, CLAWBACK_PAYMENTS_MAX),
        );
        return;
    }
  }

  private async freeze(context: ActionContext, kind: FraudFreeze['kind'], partyId: string): Promise<void> {
    const { tx, tenantId } = context;
    const freezeId = recordId('frz', FRAUD_ID_BYTES);
    // An active freeze of the same party stays as it is (the unique index keeps one).
    const inserted = await tx.query(
      `insert into fraud_freezes (tenant_id, id, kind, party_id, case_id, reason, status, created_by, created_at)
       values ($1, $2, $3, $4, $5, $6, 'active', $7, $8) on conflict do nothing returning id`,
      [
        tenantId,
        freezeId,
        kind,
        partyId,
        context.caseRow.id,
        context.reason,
        context.actorUserId,
        this.clock.now(),
      ],
    );
    if (inserted.length === 0) return;
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId: context.actorUserId,
      action: kind === 'settlement' ? 'fraud.hold_settlement' : `fraud.freeze_${kind}`,
      subjectType: kind === 'member' ? 'member' : 'merchant',
      subjectId: partyId,
      details: { freezeId, caseId: context.caseRow.id, reason: context.reason },
    });
  }

  /**
   * Confirmed '깡': what the flagged payments still have out (their cancellations returned the rest)
   * goes back where it came from: cashback to the pots it was drawn from, programme grant money to
   * the programmes' pools, a partner gift's money to the partner's deposit. The payments' rows are
   * locked first, as a cancellation locks its payment's, so a claw-back and a cancellation of one
   * payment run one after the other and the later one sees what the earlier did; a payment is
   * clawed back at most once.
   */
  private async clawBack(context: ActionContext, paymentIds: string[]): Promise<void> {
    const { tx, tenantId } = context;
    const locked = new Map(
      (await this.deps.payments.lockPayments(tx, tenantId, paymentIds)).map((p) => [p.id, p]),
    );
    const done = await tx.query<{ payment_id: string }>(
      `select payment_id from fraud_clawbacks where tenant_id = $1 and payment_id = any($2::text[])
       union select payment_id from fraud_grant_clawbacks where tenant_id = $1 and payment_id = any($2::text[])`,
      [tenantId, paymentIds],
    );
    // A member flagged again names earlier payments too: those an earlier case clawed back are skipped,
    // so the new ones can still be clawed back; a case naming none but those is refused.
    const clawedAlready = new Set(done.map((row) => row.payment_id));
    const fresh = paymentIds.filter((id) => !clawedAlready.has(id));
    if (fresh.length === 0) throw FraudErrors.alreadyClawedBack([...clawedAlready].sort());
    const payments = fresh.flatMap((id) => locked.get(id) ?? []);
    const now = this.clock.now();
    const grantAccountIds = payments.flatMap((p) => p.paidFrom.grantParts.map((part) => part.accountId));
    const grants = await this.grantReturns.lock(tx, tenantId, grantAccountIds, now);
    const withCashback = payments.filter((payment) => payment.cashback.amountWon > 0);
    const withGrants = payments
      .map((payment) => grantOwed(payment, grants))
      .filter((o) => o.parts.length > 0);
    if (withCashback.length === 0 && withGrants.length === 0) throw FraudErrors.nothingToClawBack();
    // The members' accounts before the pots and the merchants: the payment batch's lock order.
    await this.deps.ledger.lockAccounts(tx, tenantId, [
      ...new Set(withCashback.map((payment) => memberAccountIds(payment.memberId).cashback)),
      ...withGrants.flatMap((owed) => owed.parts.map((part) => part.accountId)),
    ]);
    const byMember = new Map<string, Payment[]>();
    for (const payment of withCashback)
      byMember.set(payment.memberId, [...(byMember.get(payment.memberId) ?? []), payment]);
    const clawedBack: NewEvent[] = [];
    for (const [memberId, list] of byMember) {
      const event = await this.clawBackMember(context, memberId, list);
      if (event) clawedBack.push(event);
    }
    if (withGrants.length > 0) await this.clawBackGrantMoney(context, withGrants, now);
    // After every lock the claw-back takes (members, pots, programmes, merchants): see docs/events.md.
    if (clawedBack.length > 0) await this.deps.events.append(tx, tenantId, clawedBack);
  }

  private async clawBackGrantMoney(context: ActionContext, owed: GrantOwed[], now: Date): Promise<void> {
    const { tx, tenantId } = context;
    const { effects, receivables } = await clawBackGrants(
      { ...this.deps, grantReturns: this.grantReturns },
      tx,
      { tenantId, caseId: context.caseRow.id, now },
      owed,
    );
    for (const e of effects)
      await tx.query(
        `insert into fraud_grant_clawbacks (tenant_id, payment_id, program_id, case_id, merchant_id, owed_won, clawed_won, receivable_won, ledger_transfer_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          tenantId,
          e.paymentId,
          e.programId,
          context.caseRow.id,
          e.merchantId,
          e.owedWon,
          e.clawedWon,
          e.receivableWon,
          e.ledgerTransferId,
          now,
        ],
      );
    await this.receivables.record(tx, tenantId, receivables);
    for (const merchantId of new Set(effects.map((e) => e.merchantId))) {
      const mine = effects.filter((e) => e.merchantId === merchantId);
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId: context.actorUserId,
        action: 'fraud.claw_back_grants',
        subjectType: 'merchant',
        subjectId: merchantId,
        details: {
          caseId: context.caseRow.id,
          ledgerTransferId: mine.find((e) => e.ledgerTransferId)?.ledgerTransferId ?? null,
          clawedWon: mine.reduce((a, e) => a + e.clawedWon, 0),
          receivableWon: mine.reduce((a, e) => a + e.receivableWon, 0),
          paymentIds: [...new Set(mine.map((e) => e.paymentId))],
        },
      });
    }
  }

  /**
   * One member's cashback from these payments, from their cashback balance, back to the pots by one
   * ledger transfer. Each payment owes each pot its draw's uncancelled share; what is clawed goes to
   * them in proportion, so the national and city shares come back as they were drawn. What the
   * balance cannot cover is recorded as owed to each pot (fraud_receivables), never as a negative
   * balance, and a later cancellation of the payment collects it.
   */
  private async clawBackMember(
    context: ActionContext,
    memberId: string,
    payments: Payment[],
  ): Promise<NewEvent | null> {
    const { tx, tenantId } = context;
    const cashbackAccountId = memberAccountIds(memberId).cashback;
    const [account] = await this.deps.ledger.lockAccounts(tx, tenantId, [cashbackAccountId]);
    let availableWon = Math.max(0, account?.availableWon ?? 0);
    const toPots = new Map<string, number>();
    const effects: ClawbackEffect[] = [];
    const receivables: Receivable[] = [];
    for (const payment of payments) {
      const owedByPot = payment.cashback.draws.map((draw) => ({
        accountId: draw.accountId,
        owedWon: uncancelledShare(payment.cancelledWon, draw.amountWon, payment.amountWon),
      }));
      const owedWon = owedByPot.reduce((sum, pot) => sum + pot.owedWon, 0);
      const clawedWon = Math.min(availableWon, owedWon);
      availableWon -= clawedWon;
      const backWon = splitInProportion(
        clawedWon,
        owedByPot.map((pot) => pot.owedWon),
      );
      owedByPot.forEach((pot, at) => {
        const potBackWon = backWon[at] as number;
        toPots.set(pot.accountId, (toPots.get(pot.accountId) ?? 0) + potBackWon);
        receivables.push({
          paymentId: payment.id,
          accountId: pot.accountId,
          kind: 'cashback',
          receivableWon: pot.owedWon - potBackWon,
        });
      });
      effects.push({
        paymentId: payment.id,
        memberId,
        owedWon,
        clawedWon,
        receivableWon: owedWon - clawedWon,
      });
    }
    const transferId = await this.postClawback(context, cashbackAccountId, toPots, payments);
    const now = this.clock.now();
    if (transferId) await this.recordClawbackLine(context, memberId, transferId, effects, now);
    for (const e of effects)
      await tx.query(
        `insert into fraud_clawbacks (tenant_id, payment_id, case_id, member_id, owed_won, clawed_won, receivable_won, ledger_transfer_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          tenantId,
          e.paymentId,
          context.caseRow.id,
          memberId,
          e.owedWon,
          e.clawedWon,
          e.receivableWon,
          transferId,
          now,
        ],
      );
    await this.receivables.record(tx, tenantId, receivables);
    await this.deps.operatorActions.record(tx, {
      tenantId,
      actorUserId: context.actorUserId,
      action: 'fraud.claw_back',
      subjectType: 'member',
      subjectId: memberId,
      details: {
        caseId: context.caseRow.id,
        ledgerTransferId: transferId,
        clawedWon: effects.reduce((a, e) => a + e.clawedWon, 0),
        receivableWon: effects.reduce((a, e) => a + e.receivableWon, 0),
        paymentIds: effects.map((e) => e.paymentId),
      },
    });
    if (!transferId) return null;
    return cashbackClawedBackEvent(
      {
        caseId: context.caseRow.id,
        memberId,
        payments: effects.map((e) => ({ paymentId: e.paymentId, clawedWon: e.clawedWon })),
        toPots: [...toPots].map(([accountId, amountWon]) => ({ accountId, amountWon })),
      },
      now,
    );
  }

  /**
   * The member's history shows what left their wallet, so it keeps adding up to the balance; the line's
   * reference is the ledger transfer, which the member's proof lookup finds. The case stays internal.
   */
  private async recordClawbackLine(
    context: ActionContext,
    memberId: string,
    transferId: string,
    effects: readonly ClawbackEffect[],
    now: Date,
  ): Promise<void> {
    const clawed = effects.filter((effect) => effect.clawedWon > 0);
    await recordActivity(context.tx, {
      tenantId: context.tenantId,
      memberId,
      at: now,
      type: 'cashback_clawed_back',
      month: monthKey(now, await this.deps.tenants.timeZoneOf(context.tenantId, context.tx)),
      amountWon: -clawed.reduce((sum, effect) => sum + effect.clawedWon, 0),
      referenceId: transferId,
      details: {
        payments: clawed.map((effect) => ({ paymentId: effect.paymentId, clawedWon: effect.clawedWon })),
      },
    });
  }

  /** The member's cashback → the pots, one transfer (`fraud_clawback:<case>:<member>`); null when nothing moves. */
  private async postClawback(
    context: ActionContext,
    cashbackAccountId: string,
    toPots: ReadonlyMap<string, number>,
    payments: readonly Payment[],
  ): Promise<string | null> {
    const pots = [...toPots].filter(([, amountWon]) => amountWon > 0);
    const totalWon = pots.reduce((sum, [, amountWon]) => sum + amountWon, 0);
    if (totalWon === 0) return null;
    const memberId = (payments[0] as Payment).memberId;
    const transferId = `fraud_clawback:${context.caseRow.id}:${memberId}`;
    const [result] = await this.deps.ledger.postTransfersInTransaction(context.tx, context.tenantId, [
      {
        id: transferId,
        action: 'transfer',
        code: 'fraud_clawback',
        postings: [
          { accountId: cashbackAccountId, amountWon: -totalWon },
          ...pots.map(([accountId, amountWon]) => ({ accountId, amountWon })),
        ],
        metadata: { caseId: context.caseRow.id, paymentIds: payments.map((p) => p.id) },
      },
    ]);
    if (!result?.ok)
      throw new Error(
        `ledger refused the clawback ${transferId}: ${result && !result.ok ? result.code : 'no result'}`,
      );
    return transferId;
  }

  async release(
    tenantId: string,
    actorUserId: string,
    freezeId: string,
    reason: string,
  ): Promise<FraudFreeze> {
    assertVisible({ reason });
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<FreezeRow>(
        'select * from fraud_freezes where tenant_id = $1 and id = $2 for update',
        [tenantId, freezeId],
      );
      if (!row) throw FraudErrors.freezeNotFound();
      if (row.status !== 'active') throw FraudErrors.freezeReleased();
      const now = this.clock.now();
      const [updated] = await tx.query<FreezeRow>(
        `update fraud_freezes set status = 'released', released_by = $3, released_at = $4 where tenant_id = $1 and id = $2 returning *`,
        [tenantId, freezeId, actorUserId, now],
      );
      await this.deps.operatorActions.record(tx, {
        tenantId,
        actorUserId,
        action: 'fraud.release',
        subjectType: row.kind === 'member' ? 'member' : 'merchant',
        subjectId: row.party_id,
        details: { freezeId, kind: row.kind, caseId: row.case_id, reason },
      });
      return toFreeze(updated as FreezeRow);
    });
  }

  async listFreezes(
    tenantId: string,
    status?: FraudFreeze['status'],
  ): Promise<Array<FraudFreeze & { partyName: string | null }>> {
    const rows = await this.db.query<FreezeRow>(
      `select * from fraud_freezes where tenant_id = $1 and ($2::text is null or status = $2) order by created_at desc, id limit $3`,
      [tenantId, status ?? null, LIST_LIMIT_MAX],
    );
    const ids = emptyPartyIds();
    for (const r of rows) (r.kind === 'member' ? ids.members : ids.merchants).add(r.party_id);
    const names = await namesOf(this.deps, tenantId, ids);
    return rows.map((r) => ({ ...toFreeze(r), partyName: names[r.party_id] ?? null }));
  }

  /**
   * The freezes a signed-in person is under: their own as a member, and those of the merchants they
   * own. Each says why and how to appeal, in the words the refused payment uses.
   */
  async freezesOf(tenantId: string, userId: string): Promise<OwnFreeze[]> {
    const owned = (await this.deps.merchants.listForOwner(tenantId, userId)).map((m) => ({
      id: m.id,
      name: m.name,
    }));
    const rows = await this.db.query<FreezeRow>(
      `select * from fraud_freezes where tenant_id = $1 and status = 'active'
         and ((kind = 'member' and party_id = $2) or (kind <> 'member' and party_id = any($3::text[])))
       order by created_at desc, id limit $4`,
      [tenantId, userId, owned.map((m) => m.id), LIST_LIMIT_MAX],
    );
    return rows.map((r) => {
      const refusal = accountFrozen(
        {
          id: r.id,
          kind: r.kind,
          partyId: r.party_id,
          caseId: r.case_id,
          reason: r.reason,
        },
        r.kind === 'member' ? 'member' : 'shop',
      );
      return {
        freezeId: r.id,
        kind: r.kind,
        partyName: owned.find((m) => m.id === r.party_id)?.name ?? null,
        caseId: r.case_id,
        reason: r.reason,
        since: r.created_at,
        message: { ko: refusal.messageKo, en: refusal.message },
      };
    });
  }

  /** Each rule's precision as operators measured it: confirmed over decided alerts. */
  async measuredPrecision(
    tenantId: string,
  ): Promise<Array<{ rule: string; confirmed: number; dismissed: number; precision: number | null }>> {
    const rows = await this.db.query<{ rule: string; confirmed: number; dismissed: number }>(
      `select rule, count(*) filter (where status = 'confirmed')::bigint as confirmed,
         count(*) filter (where status = 'dismissed')::bigint as dismissed
       from fraud_alerts where tenant_id = $1 and status in ('confirmed', 'dismissed') group by rule order by rule`,
      [tenantId],
    );
    return rows.map((r) => ({
      ...r,
      precision: r.confirmed + r.dismissed > 0 ? r.confirmed / (r.confirmed + r.dismissed) : null,
    }));
  }
}

interface ActionContext {
  tx: Sql;
  tenantId: string;
  actorUserId: string;
  caseRow: CaseRow;
  reason: string;
}

async function lockCase(tx: Sql, tenantId: string, caseId: string): Promise<CaseRow> {
  const [row] = await tx.query<CaseRow>(
    'select * from fraud_cases where tenant_id = $1 and id = $2 for update',
    [tenantId, caseId],
  );
  if (!row) throw FraudErrors.caseNotFound();
  return row;
}

async function insertFacts(
  tx: Sql,
  tenantId: string,
  rows: Array<{ seq: number; idx: number; fact: Fact }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into fraud_facts (tenant_id, seq, idx, at, kind, data)
     select $1, x.seq, x.idx, x.at, x.kind, x.data from json_to_recordset($2::json) as x(seq bigint, idx integer, at timestamptz, kind text, data jsonb)`,
    [
      tenantId,
      JSON.stringify(
        rows.map(({ seq, idx, fact }) => ({
          seq,
          idx,
          at: fact.kind === 'merchant' ? null : new Date(fact.at).toISOString(),
          kind: fact.kind,
          data: fact,
        })),
      ),
    ],
  );
}

/**
 * A page's findings, at most one per (rule, subject), as open alerts in one statement: a new alert,
 * or the open one of the same rule and subject raised to the higher score with the latest evidence.
 */
async function upsertAlerts(tx: Sql, tenantId: string, findings: readonly Finding[]): Promise<void> {
  if (findings.length === 0) return;
  await tx.query(
    `insert into fraud_alerts (tenant_id, id, rule, subject_kind, subject_id, member_id, merchant_id, district, score, status,
       explanation_ko, explanation_en, evidence, first_seen_at, last_seen_at)
     select $1, x.id, x.rule, x.subject_kind, x.subject_id, x.member_id, x.merchant_id, x.district, x.score, 'open',
       x.explanation_ko, x.explanation_en, x.evidence, x.at, x.at
     from json_to_recordset($2::json) as x(id text, rule text, subject_kind text, subject_id text, member_id text,
       merchant_id text, district text, score integer, explanation_ko text, explanation_en text, evidence jsonb,
       at timestamptz)
     on conflict (tenant_id, rule, subject_id) where status = 'open' do update set
       score = greatest(fraud_alerts.score, excluded.score), explanation_ko = excluded.explanation_ko,
       explanation_en = excluded.explanation_en, evidence = excluded.evidence, last_seen_at = excluded.last_seen_at,
       member_id = coalesce(excluded.member_id, fraud_alerts.member_id), district = coalesce(excluded.district, fraud_alerts.district)`,
    [
      tenantId,
      JSON.stringify(
        findings.map((f) => ({
          id: recordId('falt', FRAUD_ID_BYTES),
          rule: f.rule,
          subject_kind: f.subjectKind,
          subject_id: f.subjectId,
          member_id: f.memberId,
          merchant_id: f.merchantId,
          district: f.district,
          score: f.score,
          explanation_ko: f.explain().ko,
          explanation_en: f.explain().en,
          evidence: { paymentIds: f.paymentIds, transferIds: f.transferIds, cycle: f.cycle },
          at: new Date(f.at).toISOString(),
        })),
      ),
    ],
  );
}

interface AlertRow {
  id: string;
  rule: FraudRule;
  subject_kind: FraudAlert['subjectKind'];
  subject_id: string;
  member_id: string | null;
  merchant_id: string | null;
  district: string | null;
  score: number;
  status: AlertStatus;
  explanation_ko: string;
  explanation_en: string;
  evidence: FraudAlert['evidence'];
  case_id: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

function toAlert(r: AlertRow): FraudAlert {
  return {
    alertId: r.id,
    rule: r.rule,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    memberId: r.member_id,
    merchantId: r.merchant_id,
    district: r.district,
    score: r.score,
    status: r.status,
    explanation: { ko: r.explanation_ko, en: r.explanation_en },
    evidence: r.evidence,
    caseId: r.case_id,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

interface CaseRow {
  id: string;
  status: FraudCase['status'];
  assignee: string | null;
  notes: FraudCase['notes'];
  alert_ids: string[];
  evidence: FraudAlert[];
  decision_reason: string | null;
  actions: FraudAction[];
  created_by: string;
  created_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
}

interface FreezeRow {
  id: string;
  kind: FraudFreeze['kind'];
  party_id: string;
  case_id: string;
  reason: string;
  status: FraudFreeze['status'];
  created_at: Date;
  released_at: Date | null;
}

function toFreeze(r: FreezeRow): FraudFreeze {
  return {
    freezeId: r.id,
    kind: r.kind,
    partyId: r.party_id,
    caseId: r.case_id,
    reason: r.reason,
    status: r.status,
    createdAt: r.created_at,
    releasedAt: r.released_at,
  };
}

interface ClawbackRow {
  payment_id: string;
  member_id: string;
  owed_won: number;
  clawed_won: number;
  receivable_won: number;
}

type Settled = Awaited<ReturnType<FraudReceivables['settledOf']>>;

/** A claw-back as the case shows it: its receivable is what is still owed, less what cancellations collected since. */
function toClawback(r: ClawbackRow, settled: Settled): ClawbackEffect {
  const settledWon = settled
    .filter((s) => s.kind === 'cashback' && s.paymentId === r.payment_id)
    .reduce((sum, s) => sum + s.settledWon, 0);
  return {
    paymentId: r.payment_id,
    memberId: r.member_id,
    owedWon: r.owed_won,
    clawedWon: r.clawed_won,
    receivableWon: r.receivable_won - settledWon,
  };
}

interface GrantClawbackRow {
  payment_id: string;
  program_id: string;
  merchant_id: string;
  owed_won: number;
  clawed_won: number;
  receivable_won: number;
}

function toGrantClawback(
  r: GrantClawbackRow,
  settled: Settled,
): Omit<GrantClawbackEffect, 'ledgerTransferId'> {
  const settledWon = settled
    .filter(
      (s) =>
        s.kind === 'grant' &&
        s.paymentId === r.payment_id &&
        grantIssuerOfAccount(s.accountId)?.programId === r.program_id,
    )
    .reduce((sum, s) => sum + s.settledWon, 0);
  return {
    paymentId: r.payment_id,
    merchantId: r.merchant_id,
    programId: r.program_id,
    owedWon: r.owed_won,
    clawedWon: r.clawed_won,
    receivableWon: r.receivable_won - settledWon,
  };
}

/**
 * An operator's reason, note or assignee is read by others (a frozen member reads the reason): one of
 * spaces or invisible characters says nothing, so it is refused like a missing one.
 */
function assertVisible(fields: Record<string, string | undefined>): void {
  const blank = Object.entries(fields).find(([, text]) => text !== undefined && isBlank(text));
  if (blank)
    throw invalidInput(`${blank[0]} must show some text`, `${blank[0]}에 보이는 글자를 적어 주세요`, {
      field: blank[0],
    });
}
