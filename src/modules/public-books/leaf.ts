import { hash } from 'node:crypto';
import type { SealableTransfer } from '../ledger/index.js';

/**
 * A transfer as a leaf of the public tree: its shape, amounts and digest, with every account named
 * only by a hash, so a leaf shown to one member names no other member. Encoded as JSON with the
 * keys in the order written here (sorted), no spaces, strings escaped as JSON.stringify does.
 * The type documents the format; `leafText` writes it.
 */
export interface LeafEntry {
  account: string;
  pendingCredit: number;
  pendingDebit: number;
  posted: number;
}

export interface Leaf {
  action: string;
  code: string;
  contentHash: string;
  correctsId: string | null;
  createdAt: string;
  entries: LeafEntry[];
  pendingId: string | null;
  tenantId: string;
  transferId: string;
  v: 1;
}

/** SHA-256 hex of "hanbat-account|" + tenant id + "|" + account id (UTF-8). */
export function accountHash(tenantId: string, accountId: string): string {
  return hash('sha256', `hanbat-account|${tenantId}|${accountId}`, 'hex');
}

/** Account hashes already computed, for a sealer that meets the same accounts again and again. */
export type AccountHashCache = Map<string, string>;

function cachedAccountHash(tenantId: string, accountId: string, cache: AccountHashCache | undefined): string {
  const known = cache?.get(accountId);
  if (known) return known;
  const computed = accountHash(tenantId, accountId);
  cache?.set(accountId, computed);
  return computed;
}

/**
 * The leaf's bytes as hashed: exactly `JSON.stringify` of the `Leaf` above (keys in that order,
 * entries sorted by account hash), written out directly because the sealer makes a million of them.
 */
export function leafText(tenantId: string, transfer: SealableTransfer, cache?: AccountHashCache): string {
  const entries = transfer.entries
    .map((entry) => ({ account: cachedAccountHash(tenantId, entry.accountId, cache), entry }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
    .map(
      ({ account, entry }) =>
        `{"account":"${account}","pendingCredit":${entry.pendingCreditDeltaWon},"pendingDebit":${entry.pendingDebitDeltaWon},"posted":${entry.postedDeltaWon}}`,
    );
  return (
    `{"action":${json(transfer.action)},"code":${json(transfer.code)},"contentHash":${json(transfer.contentHash)}` +
    `,"correctsId":${json(transfer.correctsId)},"createdAt":"${transfer.createdAt}"` +
    `,"entries":[${entries.join(',')}],"pendingId":${json(transfer.pendingId)}` +
    `,"tenantId":${json(tenantId)},"transferId":${json(transfer.id)},"v":1}`
  );
}

function json(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** A member id (`usr_` and 16 base64url characters) as a whole part of a transfer id. */
const MEMBER_ID_PART = /(^|:)usr_[A-Za-z0-9_-]{16}($|:)/;

/**
 * How a checkpoint names the first and last transfer of its range. Ids that carry a member id
 * (`program_grant:prg_…:usr_…`, `partner_gift:…`, `neighbourhood:…`, `fraud_clawback:…`) would tell
 * anyone reading the public checkpoints who received a grant or was under a fraud case, so they are
 * published as `sha256:` and the SHA-256 hex of "hanbat-transfer|" + tenant id + "|" + transfer id;
 * the holder of a proof can still match it. Other ids (payments, charges) are published as they are.
 */
export function publicTransferId(tenantId: string, transferId: string): string {
  if (!MEMBER_ID_PART.test(transferId)) return transferId;
  return `sha256:${hash('sha256', `hanbat-transfer|${tenantId}|${transferId}`, 'hex')}`;
}
