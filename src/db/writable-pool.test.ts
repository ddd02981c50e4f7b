import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgresAdminUrl } from '../../test/support/databases.js';
import { openPostgres } from './postgres.js';
import { isConnectionLost, isDatabaseUnavailable, splitHosts } from './writable-pool.js';

describe('multi-host connection strings', () => {
  it('splits a libpq-style host list into one URL per host, without target_session_attrs', () => {
    expect(
      splitHosts(
        'postgres://hanbat:pw@10.0.0.1:5432,10.0.0.2:5433/hanbat?target_session_attrs=read-write&sslmode=disable',
      ),
    ).toEqual([
      'postgres://hanbat:pw@10.0.0.1:5432/hanbat?sslmode=disable',
      'postgres://hanbat:pw@10.0.0.2:5433/hanbat?sslmode=disable',
    ]);
    expect(splitHosts('postgres://u@db:5432/hanbat')).toEqual(['postgres://u@db:5432/hanbat']);
  });

  it('treats a lost connection or a standby refusing a write as a reason to find the primary again', () => {
    expect(isConnectionLost(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(
      isConnectionLost(Object.assign(new Error('read only'), { code: '25006', severity: 'ERROR' })),
    ).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('shutdown'), { code: '57P01', severity: 'FATAL' }))).toBe(
      true,
    );
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isConnectionLost(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    const serverError = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });
    expect(isConnectionLost(serverError('23505'))).toBe(false);
    expect(isConnectionLost(serverError('40P01'))).toBe(false);
  });
});

describe('answering a request when the database is away', () => {
  it('calls a lost connection, a refused host or a standby refusing a write retryable, and nothing else', () => {
    const withCode = (code: string, severity?: string) => Object.assign(new Error(code), { code, severity });
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '25006', '57P01', '08006'])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('no writable PostgreSQL among 2 hosts'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Query read timeout'))).toBe(true);
    // A bug in our code or a constraint is not the database being away: those stay 500 or domain errors.
    expect(isDatabaseUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('23505', 'ERROR'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe.skipIf(!postgresAdminUrl())('a multi-host connection string on PostgreSQL', () => {
  it('runs transactions and pooled queries on the writable host, one after the other', async () => {
    const { url, drop } = await createPostgresDatabase();
    const single = new URL(url);
    const multi = `${url.replace(`@${single.host}/`, `@127.0.0.1:1,${single.host}/`)}?target_session_attrs=read-write`;
    const db = await openPostgres(multi, 2);
    try {
      // Host 1 refuses; the pool settles on the writable one, and a released connection serves the pool again.
      for (let round = 0; round < 3; round++) {
        expect(await db.transaction((tx) => tx.query<{ n: number }>('select $1::int as n', [round]))).toEqual(
          [{ n: round }],
        );
        expect(await db.query<{ standby: boolean }>('select pg_is_in_recovery() as standby')).toEqual([
          { standby: false },
        ]);
      }
      expect(db.poolStats?.()).toMatchObject({ waiting: 0 });
    } finally {
      await db.close();
      await drop();
    }
  });
});
