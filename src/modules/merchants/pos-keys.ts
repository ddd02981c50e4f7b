import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../../db/database.js';
import type { Principal } from '../../http/auth.js';
import type { PosKey } from './types.js';

/** 'pos_' + 43 base64url characters (256 random bits); the prefix tells the guards what it is. */
const RAW_KEY_PATTERN = /^pos_[A-Za-z0-9_-]{32,128}$/;
const RAW_KEY_RANDOM_BYTES = 32;

const POS_KEY_COLUMNS = `id, merchant_id as "merchantId", label, created_at as "createdAt", revoked_at as "revokedAt"`;

export function newRawPosKey(): string {
  return `pos_${randomBytes(RAW_KEY_RANDOM_BYTES).toString('base64url')}`;
}

/** Only the hash is stored; a leaked table does not let anyone act as a till. */
export function posKeyHash(rawKey: string): string {
  return createHash('sha256').update(rawKey, 'utf8').digest('hex');
}

export async function insertPosKey(
  sql: Sql,
  key: PosKey & { tenantId: string; keyHash: string },
): Promise<void> {
  await sql.query(
    `insert into merchant_pos_keys (tenant_id, id, merchant_id, key_hash, label, created_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [key.tenantId, key.id, key.merchantId, key.keyHash, key.label, key.createdAt],
  );
}

export async function countActivePosKeys(sql: Sql, tenantId: string, merchantId: string): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `select count(*)::integer as count from merchant_pos_keys
     where tenant_id = $1 and merchant_id = $2 and revoked_at is null`,
    [tenantId, merchantId],
  );
  return row?.count ?? 0;
}

/** Active keys first, then revoked ones; bounded because revoked keys pile up over the years. */
export async function selectPosKeys(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  limit: number,
): Promise<PosKey[]> {
  return sql.query<PosKey>(
    `select ${POS_KEY_COLUMNS} from merchant_pos_keys where tenant_id = $1 and merchant_id = $2
     order by revoked_at is not null, created_at desc, id limit $3`,
    [tenantId, merchantId, limit],
  );
}

/** Idempotent: revoking a revoked key keeps its first revocation time. */
export async function revokePosKeyRow(
  sql: Sql,
  tenantId: string,
  merchantId: string,
  keyId: string,
  at: Date,
): Promise<PosKey | undefined> {
  const [row] = await sql.query<PosKey>(
    `update merchant_pos_keys set revoked_at = coalesce(revoked_at, $4)
     where tenant_id = $1 and merchant_id = $2 and id = $3
     returning ${POS_KEY_COLUMNS}`,
    [tenantId, merchantId, keyId, at],
  );
  return row;
}

/** A key admits only while it is unrevoked and its merchant approved. */
export async function selectPosPrincipal(sql: Sql, rawKey: string): Promise<Principal | null> {
  if (!RAW_KEY_PATTERN.test(rawKey)) return null;
  const [row] = await sql.query<{ tenantId: string; merchantId: string; keyId: string }>(
    `select k.tenant_id as "tenantId", k.merchant_id as "merchantId", k.id as "keyId"
     from merchant_pos_keys k
     join merchants m on m.tenant_id = k.tenant_id and m.id = k.merchant_id
     where k.key_hash = $1 and k.revoked_at is null and m.status = 'approved'`,
    [posKeyHash(rawKey)],
  );
  return row ? { kind: 'pos', ...row } : null;
}
