import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { invalidInput } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { recordId } from '../../ids.js';
import { isBlank } from '../../visible-text.js';
import type { OperatorActionLog } from '../audit-trail/operator-actions.js';
import type { EventFeed } from '../events/event-feed.js';
import { merchantApprovedEvent } from '../events/producers.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { ReferenceService } from '../reference/reference-service.js';
import { type NormalizedApplication, normalizeApplication } from './application.js';
import { type EligibilityFacts, evaluateEligibility, insertRules, selectRulesAt } from './eligibility.js';
import {
  duplicateBusinessNumber,
  merchantNoLongerEligible,
  merchantNotApproved,
  merchantNotFound,
  merchantNotPending,
  posKeyLimitReached,
  posKeyNotFound,
  selfReviewForbidden,
} from './errors.js';
import {
  type DirectoryQuery,
  hasLiveBusinessNumber,
  insertApplication,
  markDemoMerchant,
  pickFreeMerchantCode,
  type ReviewQueueQuery,
  receivableAccountIdOf,
  recordReview,
  selectApplication,
  selectCodePrefix,
  selectDirectoryPage,
  selectMerchant,
  selectMerchantsByCode,
  selectMerchantsById,
  selectMerchantsByTenantCode,
  selectOwnedApprovedIds,
  selectOwnerApplications,
  selectReviewPage,
  upsertCodePrefix,
} from './merchant-store.js';
import {
  countActivePosKeys,
  insertPosKey,
  newRawPosKey,
  posKeyHash,
  revokePosKeyRow,
  selectPosKeys,
  selectPosPrincipal,
} from './pos-keys.js';
import {
  type EligibilityResult,
  MERCHANT_RECEIVABLE_KIND,
  type Merchant,
  type MerchantApplication,
  type MerchantApplicationInput,
  type MerchantPreset,
  type PosKey,
} from './types.js';

/** A person rarely files more; the bound keeps the owner's list one bounded query. */
const OWNER_APPLICATIONS_MAX = 100;
const POS_KEYS_ACTIVE_MAX = 20;
const POS_KEYS_LISTED_MAX = 100;
const REVIEW_NOTE_LENGTH_MAX = 500;
const POS_KEY_LABEL_LENGTH_MAX = 60;

export type { DirectoryQuery, ReviewQueueQuery } from './merchant-store.js';

/** Merchant applications, rule-based eligibility, operator review, merchant codes and POS keys. */
export class MerchantService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ledger: LedgerService,
    private readonly reference: ReferenceService,
    private readonly operatorActions: OperatorActionLog,
    private readonly events: EventFeed,
  ) {}

  /** Idempotent: the code prefix is updated, rules are added by id and never rewritten. */
  async seedPreset(tenantId: string, preset: MerchantPreset, tx?: Sql): Promise<void> {
    const sql = tx ?? this.db;
    await upsertCodePrefix(sql, tenantId, preset.merchantCodePrefix);
    await insertRules(sql, tenantId, preset.eligibilityRules, this.clock.now());
  }

  /** The verdict an application would get now, without filing it: instant feedback for the form. */
  async checkEligibility(tenantId: string, input: MerchantApplicationInput): Promise<EligibilityResult> {
    const application = normalizeApplication(input);
    const facts = await this.factsOf(this.db, tenantId, application);
    await this.reference.assertDongIn(tenantId, facts.district, application.dong);
    return evaluateEligibility(await selectRulesAt(this.db, tenantId, this.clock.now()), facts);
  }

  /** Files an application: pending when every rule passes, refused (and kept, so the owner sees why) otherwise. */
  async apply(
    tenantId: string,
    ownerUserId: string,
    input: MerchantApplicationInput,
  ): Promise<MerchantApplication> {
    assertUserId(ownerUserId);
    const application = normalizeApplication(input);
    return this.db.transaction(async (tx) => {
      const facts = await this.factsOf(tx, tenantId, application);
      // Checked when filed, not again at approval: an application filed before the check stays approvable.
      await this.reference.assertDongIn(tenantId, facts.district, application.dong, tx);
      const now = this.clock.now();
      const verdict = evaluateEligibility(await selectRulesAt(tx, tenantId, now), facts);
      if (await hasLiveBusinessNumber(tx, tenantId, application.businessNumber))
        throw duplicateBusinessNumber();
      const id = recordId('mer');
      const inserted = await insertApplication(tx, {
        ...application,
        tenantId,
        id,
        ownerUserId,
        isBookstore: facts.industry.isBookstore,
        status: verdict.eligible ? 'pending' : 'refused',
        reasons: verdict.reasons,
        createdAt: now,
      });
      if (!inserted) throw duplicateBusinessNumber();
      return this.requireApplication(tx, tenantId, id);
    });
  }

  /**
   * pending → approved: assigns the merchant code and opens the receivable account in one transaction,
   * recorded in the operator audit trail. Rules are checked again because they may have changed.
   */
  async approve(tenantId: string, merchantId: string, reviewerUserId: string): Promise<Merchant> {
    return transactionWithRetry(this.db, async (tx) => {
      const application = await this.lockPendingForReview(tx, tenantId, merchantId, reviewerUserId);
      await this.assertStillEligible(tx, application);
      const merchantCode = await pickFreeMerchantCode(tx, tenantId, await selectCodePrefix(tx, tenantId));
      await recordReview(tx, {
        tenantId,
        merchantId,
        status: 'approved',
        merchantCode,
        reviewerUserId,
        reviewedAt: this.clock.now(),
        note: null,
      });
      await this.ledger.createAccounts(tenantId, [this.receivableAccountSpec(merchantId)], tx);
      await this.operatorActions.record(tx, {
        tenantId,
        actorUserId: reviewerUserId,
        action: 'merchant.approve',
        subjectType: 'merchant',
        subjectId: merchantId,
        details: { merchantCode },
      });
      const approved = await this.requireApplication(tx, tenantId, merchantId);
      await this.events.append(tx, tenantId, [merchantApprovedEvent(approved, this.clock.now())]);
      return approved;
    });
  }

  /** pending → rejected with the reviewer's reason, which the applicant reads. */
  async reject(
    tenantId: string,
    merchantId: string,
    reviewerUserId: string,
    reason: string,
  ): Promise<MerchantApplication> {
    const note = reviewNote(reason);
    return this.db.transaction(async (tx) => {
      await this.lockPendingForReview(tx, tenantId, merchantId, reviewerUserId);
      await recordReview(tx, {
        tenantId,
        merchantId,
        status: 'rejected',
        merchantCode: null,
        reviewerUserId,
        reviewedAt: this.clock.now(),
        note,
      });
      await this.operatorActions.record(tx, {
        tenantId,
        actorUserId: reviewerUserId,
        action: 'merchant.reject',
        subjectType: 'merchant',
        subjectId: merchantId,
        details: { reason: note },
      });
      return this.requireApplication(tx, tenantId, merchantId);
    });
  }

  async getByCode(tenantId: string, merchantCode: string, tx?: Sql): Promise<Merchant | undefined> {
    return selectMerchant(tx ?? this.db, tenantId, { merchantCode });
  }

  /** By merchant code, any status; codes that match no merchant are absent. */
  async getByCodes(
    tenantId: string,
    merchantCodes: readonly string[],
    tx?: Sql,
  ): Promise<Map<string, Merchant>> {
    return selectMerchantsByCode(tx ?? this.db, tenantId, merchantCodes);
  }

  /** By (tenant, code) pairs, for a payment batch of several tenants: tenant → code → merchant. */
  async getByTenantCodes(
    pairs: ReadonlyArray<{ tenantId: string; merchantCode: string }>,
  ): Promise<Map<string, Map<string, Merchant>>> {
    return selectMerchantsByTenantCode(this.db, pairs);
  }

  async getById(tenantId: string, merchantId: string, tx?: Sql): Promise<Merchant | undefined> {
    return selectMerchant(tx ?? this.db, tenantId, { id: merchantId });
  }

  /**
   * By id, any status: for screens that show a page of merchants by name instead of by id, and for
   * reports that group money by a merchant's district and industry (`tx`: the report's snapshot).
   */
  async getByIds(tenantId: string, merchantIds: readonly string[], tx?: Sql): Promise<Map<string, Merchant>> {
    return selectMerchantsById(tx ?? this.db, tenantId, merchantIds);
  }

  async getApplication(
    tenantId: string,
    merchantId: string,
    tx?: Sql,
  ): Promise<MerchantApplication | undefined> {
    return selectApplication(tx ?? this.db, tenantId, merchantId);
  }

  /** The owner's applications, newest first (at most OWNER_APPLICATIONS_MAX). */
  async listForOwner(tenantId: string, ownerUserId: string): Promise<MerchantApplication[]> {
    return selectOwnerApplications(this.db, tenantId, ownerUserId, OWNER_APPLICATIONS_MAX);
  }

  async listForReview(tenantId: string, query: ReviewQueueQuery): Promise<MerchantApplication[]> {
    return selectReviewPage(this.db, tenantId, query);
  }

  /** The public directory: approved merchants only. */
  async listDirectory(tenantId: string, query: DirectoryQuery): Promise<Merchant[]> {
    return selectDirectoryPage(this.db, tenantId, query);
  }

  /** The demo data flags the shops it made up, so a real server never lists them. */
  async markDemo(tenantId: string, merchantId: string): Promise<void> {
    await markDemoMerchant(this.db, tenantId, merchantId);
  }

  async ownedMerchantIds(tenantId: string, userId: string): Promise<string[]> {
    return selectOwnedApprovedIds(this.db, tenantId, userId);
  }

  /** Returns the raw key once; only its hash is kept. */
  async createPosKey(
    tenantId: string,
    merchantId: string,
    label: string,
  ): Promise<{ posKey: PosKey; rawKey: string }> {
    const trimmedLabel = posKeyLabel(label);
    return this.db.transaction(async (tx) => {
      await this.lockApprovedMerchant(tx, tenantId, merchantId);
      if ((await countActivePosKeys(tx, tenantId, merchantId)) >= POS_KEYS_ACTIVE_MAX) {
        throw posKeyLimitReached(POS_KEYS_ACTIVE_MAX);
      }
      const rawKey = newRawPosKey();
      const posKey: PosKey = {
        id: recordId('posk', 9),
        merchantId,
        label: trimmedLabel,
        createdAt: this.clock.now(),
        revokedAt: null,
      };
      await insertPosKey(tx, { ...posKey, tenantId, keyHash: posKeyHash(rawKey) });
      return { posKey, rawKey };
    });
  }

  async listPosKeys(tenantId: string, merchantId: string): Promise<PosKey[]> {
    return selectPosKeys(this.db, tenantId, merchantId, POS_KEYS_LISTED_MAX);
  }

  async revokePosKey(tenantId: string, merchantId: string, keyId: string): Promise<PosKey> {
    const revoked = await revokePosKeyRow(this.db, tenantId, merchantId, keyId, this.clock.now());
    if (!revoked) throw posKeyNotFound(keyId);
    return revoked;
  }

  async authenticatePosKey(rawKey: string): Promise<Principal | null> {
    return selectPosPrincipal(this.db, rawKey);
  }

  /** Unknown industry, district or market (or a market outside the district) is the caller's mistake. */
  private async factsOf(
    sql: Sql,
    tenantId: string,
    application: Pick<NormalizedApplication, 'industryCode' | 'district' | 'marketId' | 'franchise'>,
  ): Promise<EligibilityFacts> {
    const industry = await this.reference.requireIndustry(tenantId, application.industryCode, sql);
    const district = await this.reference.requireDistrict(tenantId, application.district, sql);
    if (application.marketId !== null) {
      await this.reference.requireMarketIn(tenantId, application.marketId, district.code, sql);
    }
    return { industry, district, franchise: application.franchise };
  }

  private async lockPendingForReview(
    tx: Sql,
    tenantId: string,
    merchantId: string,
    reviewerUserId: string,
  ): Promise<MerchantApplication> {
    assertUserId(reviewerUserId);
    const application = await selectApplication(tx, tenantId, merchantId, 'for update');
    if (!application) throw merchantNotFound(merchantId);
    if (application.status !== 'pending') throw merchantNotPending(merchantId, application.status);
    if (application.ownerUserId === reviewerUserId) throw selfReviewForbidden();
    return application;
  }

  private async assertStillEligible(tx: Sql, application: MerchantApplication): Promise<void> {
    const facts = await this.factsOf(tx, application.tenantId, application);
    const verdict = evaluateEligibility(
      await selectRulesAt(tx, application.tenantId, this.clock.now()),
      facts,
    );
    if (!verdict.eligible) throw merchantNoLongerEligible(application.id, verdict.reasons);
  }

  private async lockApprovedMerchant(tx: Sql, tenantId: string, merchantId: string): Promise<void> {
    const application = await selectApplication(tx, tenantId, merchantId, 'for update');
    if (!application) throw merchantNotFound(merchantId);
    if (application.status !== 'approved') throw merchantNotApproved(merchantId, application.status);
  }

  private async requireApplication(
    sql: Sql,
    tenantId: string,
    merchantId: string,
  ): Promise<MerchantApplication> {
    const application = await selectApplication(sql, tenantId, merchantId);
    if (!application) throw new Error(`merchant ${merchantId} vanished inside its own transaction`);
    return application;
  }

  /** allowNegative: a cancellation after settlement is netted against the next settlement. */
  private receivableAccountSpec(merchantId: string) {
    return {
      id: receivableAccountIdOf(merchantId),
      kind: MERCHANT_RECEIVABLE_KIND,
      currencyCode: 'KRW',
      ownerId: merchantId,
      allowNegative: true,
    };
  }
}

const USER_ID_PATTERN = /^[A-Za-z0-9_:.-]{1,128}$/;

function assertUserId(userId: string): void {
  if (!USER_ID_PATTERN.test(userId)) throw new Error(`invalid user id ${userId}`);
}

function reviewNote(reason: string): string {
  const trimmed = reason.trim();
  if (isBlank(trimmed) || trimmed.length > REVIEW_NOTE_LENGTH_MAX) {
    throw invalidInput(
      `reason must be 1-${REVIEW_NOTE_LENGTH_MAX} characters`,
      `반려 사유는 1~${REVIEW_NOTE_LENGTH_MAX}자여야 합니다`,
    );
  }
  return trimmed;
}

function posKeyLabel(label: string): string {
  const trimmed = label.trim();
  if (isBlank(trimmed) || trimmed.length > POS_KEY_LABEL_LENGTH_MAX) {
    throw invalidInput(
      `label must be 1-${POS_KEY_LABEL_LENGTH_MAX} characters`,
      `POS 키 이름은 1~${POS_KEY_LABEL_LENGTH_MAX}자여야 합니다`,
    );
  }
  return trimmed;
}
