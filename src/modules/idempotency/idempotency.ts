import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import { type Database, type Sql, transactionWithRetry } from '../../db/database.js';
import { textArray } from '../../db/text-columns.js';
import { DomainError } from '../../errors.js';
import { canonicalJson, sha256Hex } from '../ledger/hashing.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** How long a request that found its key still at work is told to wait (Retry-After). */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * Keys the platform derives for requests it makes on a member's behalf (an auto-charge is named
 * `auto:` + its payment's key) start with this. A client key may not: it would name the platform's
 * request, and a payment needing that auto-charge would find the key taken.
 */
export const PLATFORM_KEY_PREFIX = 'auto:';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/** Whose keys: a city and the user (or partner) who sent the request. */
export interface KeyScope {
  tenantId: string;
  principalId: string;
}

/**
 * A module that keeps the keys of its own requests in its own rows (a batched payment keeps its key
 * in the payment's row) says which request used a key, so that a key names one request everywhere.
 */
export interface IdempotencyKeyOwner {
  /** The hash of the request that used `key`, or null when none did. */
  requestHashOfKey(tx: Sql, scope: KeyScope, key: string): Promise<string | null>;
}

/**
 * A request of a module that answers from its own rows because its work outlives one transaction
 * (a charge waits for the bank between two): `claimant` names the module's kind of request, and
 * `request` what makes two of its requests the same one (a charge's amount).
 */
export interface KeyClaim extends KeyScope {
  key: string;
  claimant: string;
  request: Record<string, unknown>;
}

/**
 * What such a module calls first in the transaction that records its request (`IdempotentRequests.claim`),
 * and, once its request has a final answer, to keep that answer with the claim, so that a retry (or a
 * same-key request that raced it) is answered the same (`answerClaim`).
 */
export interface KeyClaims {
  /** The answer the claimant kept for this request (`answerClaim`), or null when it has none yet. */
  claim(tx: Sql, claim: KeyClaim): Promise<StoredResponse | null>;
  /** Keeps `response` as the claimed request's answer unless one was kept first; answers the one kept. */
  answerClaim(claim: KeyClaim, response: StoredResponse): Promise<StoredResponse>;
}

/**
 * The advisory lock class of idempotency keys: (8804, hash of city, principal and key). A request
 * takes its key's lock first in its transaction and holds it to the commit, so two requests with one
 * key run one after the other even when their modules keep the key in different tables (a batched
 * payment in `payments`, a transfer here), and the later one finds the earlier one's key.
 */
export const IDEMPOTENCY_KEY_LOCK_CLASS = 8804;

/** SQL of a key's lock id, from three text expressions (a key is visible ASCII: no newline). */
export function idempotencyKeyLockSql(tenantId: string, principalId: string, key: string): string {
  return `hashtext(${tenantId} || E'\\n' || ${principalId} || E'\\n' || ${key})`;
}

/**
 * Takes the locks of many requests' keys, in one order (a batch against a batch never deadlocks),
 * before any other lock of the caller's transaction. Then a later statement of the transaction
 * sees every key a request committed meanwhile.
 */
export async function lockIdempotencyKeys(
  tx: Sql,
  refs: ReadonlyArray<KeyScope & { key: string }>,
): Promise<void> {
  if (refs.length === 0) return;
  await tx.query(
    `select pg_advisory_xact_lock(${IDEMPOTENCY_KEY_LOCK_CLASS}, lock_id)
     from (select distinct ${idempotencyKeyLockSql('t', 'p', 'k')} as lock_id
           from unnest($1::text[], $2::text[], $3::text[]) as r(t, p, k) order by lock_id) as keys`,
    [
      textArray(refs.map((ref) => ref.tenantId)),
      textArray(refs.map((ref) => ref.principalId)),
      textArray(refs.map((ref) => ref.key)),
    ],
  );
}

/**
 * Exactly-once money-moving requests: the response is stored with the key in the same transaction as
 * the work, so a retry either finds it or redoes the whole thing. Refusals are not stored: they wrote
 * nothing, so a retry simply runs again. The key's lock comes first (`lockIdempotencyKeys`), so a
 * request of another module with the same key, in flight, is waited for and then found.
 */
export class IdempotentRequests implements KeyClaims {
  /** `keyOwners` is asked for when a key is looked up, so that an owner may be built after this. */
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly keyOwners: () => readonly IdempotencyKeyOwner[] = () => [],
  ) {}

  /**
   * Claims `claim.key` for one request of a module that keeps its own answer, inside the
   * transaction that records the request and before any other lock of it: takes the key's lock,
   * refuses a key that another request used on any route (IDEMPOTENCY_KEY_REUSED), and otherwise
   * leaves a row that names the claimant, so that every other route refuses the key from then on. The
   * same request claiming again (a retry) passes, with the answer its module kept (`answerClaim`),
   * if any; without one, the module answers it from its own rows.
   */
  async claim(tx: Sql, claim: KeyClaim): Promise<StoredResponse | null> {
    const { key, claimant } = claim;
    const scope = { tenantId: claim.tenantId, principalId: claim.principalId };
    const requestHash = claimHashOf(claim);
    await lockIdempotencyKeys(tx, [{ ...scope, key }]);
    const [row] = await tx.query<{
      request_hash: string;
      claimed_by: string | null;
      status_code: number | null;
      response: string | null;
    }>(
      `select request_hash, claimed_by, status_code, response from idempotency_keys
       where tenant_id = $1 and principal_id = $2 and key = $3`,
      [scope.tenantId, scope.principalId, key],
    );
    if (row) {
      if (row.claimed_by !== claimant || row.request_hash !== requestHash) throw idempotencyKeyReused();
      if (row.status_code === null || row.response === null) return null;
      return { statusCode: row.status_code, body: JSON.parse(row.response) };
    }
    await this.refuseKeyOfOwners(tx, scope, key);
    await tx.query(
      `insert into idempotency_keys (tenant_id, principal_id, key, request_hash, claimed_by, created_at)
       values ($1, $2, $3, $4, $5, $6)`,
      [scope.tenantId, scope.principalId, key, requestHash, claimant, this.clock.now()],
    );
    return null;
  }

  /**
   * Keeps the final answer of a claimed request, after the work that outlived the claim's transaction
   * (a bank call) is done. Requests with one key that ran at once may each come here: the first
   * answer kept stays, and each of them answers it, so they all answer the same.
   */
  async answerClaim(claim: KeyClaim, response: StoredResponse): Promise<StoredResponse> {
    const [row] = await this.db.query<{ status_code: number; response: string }>(
      `update idempotency_keys
       set status_code = coalesce(status_code, $6), response = coalesce(response, $7)
       where tenant_id = $1 and principal_id = $2 and key = $3 and claimed_by = $4 and request_hash = $5
       returning status_code, response`,
      [
        claim.tenantId,
        claim.principalId,
        claim.key,
        claim.claimant,
        claimHashOf(claim),
        response.statusCode,
        JSON.stringify(response.body),
      ],
    );
    if (!row) throw new Error(`the claim of ${claim.claimant} on its key vanished before its answer`);
    return { statusCode: row.status_code, body: JSON.parse(row.response) };
  }

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    scope: KeyScope,
    work: (tx: Sql) => Promise<StoredResponse>,
  ): Promise<FastifyReply> {
    const key = idempotencyKeyOf(request);
    const requestHash = idempotentRequestHash(request);
    const outcome = await transactionWithRetry(this.db, async (tx) => {
      await lockIdempotencyKeys(tx, [{ ...scope, key }]);
      const stored = await this.find(tx, scope, key, requestHash);
      if (stored) return { ...stored, replayed: true };
      const fresh = await work(tx);
      await tx.query(
        `insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          scope.tenantId,
          scope.principalId,
          key,
          requestHash,
          fresh.statusCode,
          JSON.stringify(fresh.body),
          this.clock.now(),
        ],
      );
      return { ...fresh, replayed: false };
    });
    if (outcome.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(outcome.statusCode).send(outcome.body);
  }

  private async find(
    tx: Sql,
    scope: KeyScope,
    key: string,
    requestHash: string,
  ): Promise<StoredResponse | null> {
    const [row] = await tx.query<{
      request_hash: string;
      claimed_by: string | null;
      status_code: number | null;
      response: string | null;
    }>(
      `select request_hash, claimed_by, status_code, response from idempotency_keys
       where tenant_id = $1 and principal_id = $2 and key = $3`,
      [scope.tenantId, scope.principalId, key],
    );
    if (row) {
      // A claimed key was used by another module's request, whose answer (if it kept one) is its own.
      if (
        row.claimed_by !== null ||
        row.request_hash !== requestHash ||
        row.status_code === null ||
        row.response === null
      )
        throw idempotencyKeyReused();
      return { statusCode: row.status_code, body: JSON.parse(row.response) };
    }
    await this.refuseKeyOfOwners(tx, scope, key);
    return null;
  }

  /**
   * A key another module keeps was used by a request of that module: a different one, since no
   * route answers through both (and a same-hash hit could not be replayed from here anyway).
   */
  private async refuseKeyOfOwners(tx: Sql, scope: KeyScope, key: string): Promise<void> {
    for (const owner of this.keyOwners())
      if ((await owner.requestHashOfKey(tx, scope, key)) !== null) throw idempotencyKeyReused();
  }
}

export function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new DomainError({
      code: 'IDEMPOTENCY_KEY_REQUIRED',
      httpStatus: 400,
      message: 'money-moving requests need an Idempotency-Key header of 1-128 visible ASCII characters',
      messageKo: '금액이 오가는 요청에는 Idempotency-Key 헤더(1~128자)가 필요합니다',
    });
  }
  if (key.startsWith(PLATFORM_KEY_PREFIX)) {
    throw new DomainError({
      code: 'IDEMPOTENCY_KEY_RESERVED',
      httpStatus: 400,
      message: `an Idempotency-Key may not start with "${PLATFORM_KEY_PREFIX}": the platform names auto-charges so`,
      messageKo: `Idempotency-Key는 "${PLATFORM_KEY_PREFIX}"로 시작할 수 없습니다(자동충전에 쓰이는 이름입니다)`,
    });
  }
  return key;
}

/**
 * What a stored response is keyed by: every path that stores one must hash the same way. The key's
 * scope is the city and the caller (a person or a POS key); whom the caller acts for is part of the
 * request (`actingAsOf`), so one key sent for two of an owner's shops is two requests, and the
 * second is refused (IDEMPOTENCY_KEY_REUSED) rather than answered with the first shop's answer.
 */
export function idempotentRequestHash(request: FastifyRequest): string {
  return sha256Hex(
    canonicalJson({
      method: request.method,
      url: request.url,
      body: request.body ?? null,
      ...actingAsOf(request),
    }),
  );
}

/**
 * Whom a request acts for beyond its caller: the shop a merchant route chose (X-Merchant-Id, or the
 * owner's first shop; a POS key's own shop). Empty for every other route, so their hashes stay as
 * they were. The city needs no field: it is the caller's own, in the key's scope.
 */
function actingAsOf(request: FastifyRequest): { actingMerchantId?: string } {
  return request.actingMerchantId === undefined ? {} : { actingMerchantId: request.actingMerchantId };
}

function claimHashOf(claim: KeyClaim): string {
  return sha256Hex(canonicalJson({ claimant: claim.claimant, request: claim.request }));
}

/**
 * A request with this key is still at work (its bank call has not been answered): the same request
 * sent again is answered once that one has its answer. Nothing was done twice; retry shortly.
 */
export function idempotencyRequestInProgress(): DomainError {
  return new DomainError({
    code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    httpStatus: 409,
    message:
      'the request with this Idempotency-Key is still waiting for the bank; send it again shortly with the same key',
    messageKo:
      '이 Idempotency-Key의 요청이 아직 은행의 응답을 기다리고 있습니다. 잠시 후 같은 키로 다시 보내 주세요',
    details: { retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS },
  });
}

export function idempotencyKeyReused(): DomainError {
  return new DomainError({
    code: 'IDEMPOTENCY_KEY_REUSED',
    httpStatus: 409,
    message: 'this Idempotency-Key was already used for a different request',
    messageKo: '이 Idempotency-Key는 이미 다른 요청에 사용되었습니다',
  });
}
