import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';

export interface OperatorAction {
  tenantId: string;
  actorUserId: string;
  /** e.g. `merchant.approve`, `policy.create`, `budget.create` */
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export interface RecordedOperatorAction extends Required<OperatorAction> {
  seq: number;
  at: Date;
}

/** Every operator action is recorded, append-only, in the same transaction as the action itself. */
export class OperatorActionLog {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  async record(tx: Sql, action: OperatorAction): Promise<void> {
    await tx.query(
      `insert into operator_actions (tenant_id, at, actor_user_id, action, subject_type, subject_id, details)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        action.tenantId,
        this.clock.now(),
        action.actorUserId,
        action.action,
        action.subjectType,
        action.subjectId,
        JSON.stringify(action.details ?? {}),
      ],
    );
  }

  /** Newest first; `beforeSeq` pages backwards. */
  async list(tenantId: string, limit: number, beforeSeq?: number): Promise<RecordedOperatorAction[]> {
    return this.sql.query<RecordedOperatorAction>(
      `select tenant_id as "tenantId", seq, at, actor_user_id as "actorUserId", action,
         subject_type as "subjectType", subject_id as "subjectId", details
       from operator_actions where tenant_id = $1 and seq < $2 order by seq desc limit $3`,
      [tenantId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit],
    );
  }
}
