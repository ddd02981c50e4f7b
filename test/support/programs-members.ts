import { hash } from '@node-rs/argon2';
import { memberAccountIds } from '../../src/modules/members/member-service.js';
import type { Platform } from '../../src/platform.js';

/** Every bulk member signs in with this password; it is hashed once per process, not once per member. */
export const BULK_MEMBER_PASSWORD = 'bulk-member-pw-1';
const CHUNK_ROWS = 10_000;

let passwordHash: Promise<string> | undefined;
let phoneCount = 0;
let batchCount = 0;

export interface BulkMember {
  id: string;
  /** As stored: digits only, e.g. 01070000001. */
  phone: string;
  /** As people write it: 010-7000-0001. */
  dashedPhone: string;
}

/**
 * Policy programmes need thousands of members; signing each up over HTTP (argon2 per member) would take
 * minutes. These are inserted straight into the members' table with their wallet accounts, sharing one
 * password hash, so any of them can still sign in through the real API.
 */
export async function insertBulkMembers(
  platform: Platform,
  tenantId: string,
  count: number,
): Promise<BulkMember[]> {
  passwordHash ??= hash(BULK_MEMBER_PASSWORD, { algorithm: 2 });
  const sharedHash = await passwordHash;
  batchCount += 1;
  const members = Array.from({ length: count }, (_, index) => {
    phoneCount += 1;
    const digits = String(phoneCount).padStart(7, '0');
    return {
      id: `usr_bulk${batchCount}x${String(index).padStart(7, '0')}`,
      phone: `0107${digits}`,
      dashedPhone: `010-7${digits.slice(0, 3)}-${digits.slice(3)}`,
    };
  });
  const now = platform.clock.now();
  for (let start = 0; start < members.length; start += CHUNK_ROWS) {
    const chunk = members.slice(start, start + CHUNK_ROWS);
    await platform.db.query(
      `insert into users (tenant_id, id, phone, password_hash, name, birth_date, district, dong, created_at)
       select $1, id, phone, $3, '대상자', date '1980-01-01', 'seo-gu', '둔산동', $4
       from json_to_recordset($2::json) as x(id text, phone text)`,
      [tenantId, JSON.stringify(chunk.map(({ id, phone }) => ({ id, phone }))), sharedHash, now],
    );
    await platform.ledger.createAccounts(
      tenantId,
      chunk.flatMap(({ id }) => [
        { id: memberAccountIds(id).cash, kind: 'member_cash', currencyCode: 'KRW', ownerId: id },
        { id: memberAccountIds(id).cashback, kind: 'member_cashback', currencyCode: 'KRW', ownerId: id },
      ]),
    );
  }
  return members;
}
