import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/database.js';
import { migrate } from '../../db/migrate.js';
import { allMigrations } from '../../db/migrations.js';
import { selectIdempotentResponsesByTenant } from './stored-responses.js';

const RESPONSE_TEXT_MIGRATION = 282;

/**
 * Migration 282 stores responses as text instead of jsonb. A replay of a request answered before it
 * must get the same body back, whatever it holds (nested objects, arrays, Korean text, numbers).
 */
describe.each(databaseKinds())('stored responses as text (migration 282) on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      allMigrations.filter((migration) => migration.version !== RESPONSE_TEXT_MIGRATION),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers a replay stored as jsonb before the migration with the same body after it', async () => {
    const body = {
      paymentId: 'pay_abc',
      amountWon: 29_000,
      cashback: { rules: [{ code: 'base', rateBp: 1000, descriptionKo: '기본 캐시백 10%' }], limitedBy: [] },
      wallet: { grants: [], month: { month: '2026-12', chargeCapWon: 500_000 } },
      note: 'line\nbreak "quoted" \\ backslash',
    };
    await db.query(
      `insert into idempotency_keys (tenant_id, principal_id, key, request_hash, status_code, response, created_at)
       values ('t1', 'usr_1', 'k-before', 'h1', 201, $1::jsonb, now())`,
      [JSON.stringify(body)],
    );
    await migrate(db, allMigrations);
    const [column] = await db.query<{ data_type: string }>(
      `select data_type from information_schema.columns where table_name = 'idempotency_keys' and column_name = 'response'`,
    );
    expect(column?.data_type).toBe('text');
    const stored = await selectIdempotentResponsesByTenant(db, [
      { tenantId: 't1', principalId: 'usr_1', key: 'k-before', requestHash: 'h1' },
    ]);
    expect([...(stored.get('t1')?.values() ?? [])]).toEqual([{ requestHash: 'h1', statusCode: 201, body }]);
  });
});
