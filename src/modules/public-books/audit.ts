import type { Database } from '../../db/database.js';
import { type AuditReport, auditLedger } from '../ledger/index.js';
import type { CheckpointViolation, PublicBooksService } from './public-books-service.js';

export const CHECKPOINT_CHECK_NAME = 'public_checkpoints';
const CHECK_NAME = CHECKPOINT_CHECK_NAME;

/** Adds the checkpoint recomputation to a ledger audit report, as one more check. */
export function withCheckpointCheck(report: AuditReport, found: readonly CheckpointViolation[]): AuditReport {
  return {
    ...report,
    ok: report.ok && found.length === 0,
    checks: [
      ...report.checks,
      {
        name: CHECK_NAME,
        description: 'every signed checkpoint recomputes from the journal, in commit order',
        ok: found.length === 0,
        violationCount: found.length,
      },
    ],
    violations: [...report.violations, ...found.map((violation) => ({ check: CHECK_NAME, ...violation }))],
  };
}

/** The whole audit, as `hanbat audit` and GET /v1/operator/audit run it: the ledger's checks and the checkpoints. */
export async function auditWithCheckpoints(
  platform: { db: Database; publicBooks: PublicBooksService },
  tenantId: string,
  now: Date,
): Promise<AuditReport> {
  const ledger = await auditLedger(platform.db, tenantId, now);
  return withCheckpointCheck(ledger, await platform.publicBooks.audit(tenantId));
}
