import type { Database } from '../../src/db/database.js';
import {
  IDEMPOTENCY_KEY_LOCK_CLASS,
  idempotencyKeyLockSql,
  type KeyScope,
} from '../../src/modules/idempotency/idempotency.js';

/** Polls for the waiting requests at most this often: a bound on polls, not a deadline. */
const WAITER_POLLS_MAX = 3_000;
const WAITER_POLL_MS = 10;

async function keyLockWaiters(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_locks
     where locktype = 'advisory' and classid = ${IDEMPOTENCY_KEY_LOCK_CLASS} and not granted
       and database = (select oid from pg_database where datname = current_database())`,
  );
  return row?.n ?? 0;
}

/**
 * Sends requests that carry one Idempotency-Key so that they arrive together: the key's lock is held,
 * as by a third request, until every one of them is seen waiting for it, and then released. Returns
 * their answers in the order sent. PostgreSQL only: the embedded database runs one transaction at a
 * time, so a held lock would stop the requests before they reach it.
 */
export async function sendTogetherOnOneKey<Answer>(
  db: Database,
  scope: KeyScope & { key: string },
  send: () => Array<Promise<Answer>>,
): Promise<Answer[]> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let taken = () => {};
  const lockTaken = new Promise<void>((resolve) => {
    taken = resolve;
  });
  const holding = db.transaction(async (tx) => {
    await tx.query(
      `select pg_advisory_xact_lock(${IDEMPOTENCY_KEY_LOCK_CLASS}, ${idempotencyKeyLockSql('$1', '$2', '$3')})`,
      [scope.tenantId, scope.principalId, scope.key],
    );
    taken();
    await released;
  });
  await lockTaken;
  const sent = send();
  for (let polls = 0; (await keyLockWaiters(db)) < sent.length; polls += 1) {
    if (polls > WAITER_POLLS_MAX) throw new Error(`the ${sent.length} requests never all waited for the key`);
    await new Promise((resolve) => setTimeout(resolve, WAITER_POLL_MS));
  }
  release();
  await holding;
  return Promise.all(sent);
}
