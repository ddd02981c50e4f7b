import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';

export type PlacementState = 'active' | 'moving';

export interface Placement {
  tenantId: string;
  cluster: string;
  state: PlacementState;
}

/** The directory: tenant → cluster, on the home cluster. A tenant without a row is on the home cluster. */
export class TenantDirectory {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly homeCluster: string,
  ) {}

  /** Every placed tenant; one row per tenant, so bounded by the deployment's tenants (~230). */
  async placements(): Promise<Placement[]> {
    return this.db.query<Placement>(
      `select tenant_id as "tenantId", cluster, state from tenant_placements order by tenant_id`,
    );
  }

  async place(tenantId: string, cluster: string, state: PlacementState): Promise<void> {
    await this.db.query(
      `insert into tenant_placements (tenant_id, cluster, state, updated_at) values ($1, $2, $3, $4)
       on conflict (tenant_id) do update set cluster = excluded.cluster, state = excluded.state,
         updated_at = excluded.updated_at`,
      [tenantId, cluster, state, this.clock.now()],
    );
  }

  async recordMove(move: {
    tenantId: string;
    fromCluster: string;
    toCluster: string;
    startedAt: Date;
    outcome: 'moved' | 'failed';
    report: unknown;
  }): Promise<void> {
    await this.db.query(
      `insert into tenant_moves (tenant_id, from_cluster, to_cluster, started_at, finished_at, outcome, report)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        move.tenantId,
        move.fromCluster,
        move.toCluster,
        move.startedAt,
        this.clock.now(),
        move.outcome,
        JSON.stringify(move.report),
      ],
    );
  }
}
