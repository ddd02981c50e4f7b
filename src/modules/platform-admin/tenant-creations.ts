import type { Sql } from '../../db/database.js';
import { recordId } from '../../ids.js';

/**
 * How long one attempt at creating a city holds it. Creating takes seconds; the bound is there for
 * an attempt whose process died: after it, the same request sent again may take the creation over.
 */
export const CREATION_ATTEMPT_MINUTES_MAX = 10;

/** What a city's creation was asked for, beyond the tenant row's names and time zone. */
export interface CreationRecord {
  preset: string;
  /** Digits only, as members store phones. */
  operatorPhone: string;
  completed: boolean;
}

/** The attempt at work on a city: only it may finish the creation. */
export interface CreationAttempt {
  tenantId: string;
  attemptId: string;
}

function attemptUntil(now: Date): Date {
  return new Date(now.getTime() + CREATION_ATTEMPT_MINUTES_MAX * 60_000);
}

/** The record of a new city, held by the attempt returned; in the transaction that writes its tenant row. */
export async function recordCreation(
  tx: Sql,
  request: { tenantId: string; preset: string; operatorPhone: string },
  now: Date,
): Promise<CreationAttempt> {
  const attempt = { tenantId: request.tenantId, attemptId: recordId('tca') };
  await tx.query(
    `insert into tenant_creations (tenant_id, preset, operator_phone, requested_at, attempt_id, attempt_until)
     values ($1, $2, $3, $4, $5, $6)`,
    [request.tenantId, request.preset, request.operatorPhone, now, attempt.attemptId, attemptUntil(now)],
  );
  return attempt;
}

export async function findCreation(sql: Sql, tenantId: string): Promise<CreationRecord | undefined> {
  const [row] = await sql.query<CreationRecord>(
    `select preset, operator_phone as "operatorPhone", completed_at is not null as completed
     from tenant_creations where tenant_id = $1`,
    [tenantId],
  );
  return row;
}

/** The creation for a new attempt, or null while another holds it or once it is complete. */
export async function claimCreation(sql: Sql, tenantId: string, now: Date): Promise<CreationAttempt | null> {
  const attemptId = recordId('tca');
  const claimed = await sql.query(
    `update tenant_creations set attempt_id = $2, attempt_until = $3
     where tenant_id = $1 and completed_at is null and (attempt_until is null or attempt_until <= $4)
     returning tenant_id`,
    [tenantId, attemptId, attemptUntil(now), now],
  );
  return claimed.length > 0 ? { tenantId, attemptId } : null;
}

/** Marks the creation complete; false when `attempt` no longer holds it (it outlived its bound). */
export async function completeCreation(tx: Sql, attempt: CreationAttempt, now: Date): Promise<boolean> {
  const completed = await tx.query(
    `update tenant_creations set attempt_id = null, attempt_until = null, completed_at = $3
     where tenant_id = $1 and attempt_id = $2 and completed_at is null returning tenant_id`,
    [attempt.tenantId, attempt.attemptId, now],
  );
  return completed.length > 0;
}

/** A failed attempt lets go at once, so the same request sent again need not wait out the bound. */
export async function releaseCreation(sql: Sql, attempt: CreationAttempt): Promise<void> {
  await sql.query(
    `update tenant_creations set attempt_id = null, attempt_until = null
     where tenant_id = $1 and attempt_id = $2`,
    [attempt.tenantId, attempt.attemptId],
  );
}
