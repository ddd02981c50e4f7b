import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';
import { notFound } from '../../errors.js';

export interface Tenant {
  id: string;
  name: string;
  currencyCode: string;
  timeZone: string;
}

/** A tenant is one city's currency programme; every other table is keyed by its id. */
export class TenantService {
  /** Tenants are few and their time zone never changes once set, so it is cached. */
  private readonly timeZones = new Map<string, string>();

  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  /** Inside a transaction pass `tx`: a first, uncached read must not go around it. */
  async timeZoneOf(tenantId: string, tx?: Sql): Promise<string> {
    const cached = this.timeZones.get(tenantId);
    if (cached) return cached;
    const [row] = await (tx ?? this.sql).query<{ time_zone: string }>(
      'select time_zone from tenants where id = $1',
      [tenantId],
    );
    if (!row) throw notFound(`tenant ${tenantId}`, `테넌트 ${tenantId}`);
    this.timeZones.set(tenantId, row.time_zone);
    return row.time_zone;
  }

  async ensure(tenant: Tenant): Promise<void> {
    await this.sql.query(
      `insert into tenants (id, name, currency_code, time_zone, created_at) values ($1, $2, $3, $4, $5)
       on conflict (id) do nothing`,
      [tenant.id, tenant.name, tenant.currencyCode, tenant.timeZone, this.clock.now()],
    );
  }

  async list(): Promise<Tenant[]> {
    return this.sql.query<Tenant>(
      `select id, name, currency_code as "currencyCode", time_zone as "timeZone" from tenants order by id`,
    );
  }
}
