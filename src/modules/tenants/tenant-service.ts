import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';

export interface Tenant {
  id: string;
  name: string;
  currencyCode: string;
  timeZone: string;
}

/** A tenant is one city's currency programme; every other table is keyed by its id. */
export class TenantService {
  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

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
