import type { Clock } from '../../clock.js';
import type { Sql } from '../../db/database.js';
import { notFound } from '../../errors.js';

export interface Tenant {
  id: string;
  name: string;
  currencyCode: string;
  timeZone: string;
  /** Set for tenants a platform administrator created. */
  nameEn?: string | null;
  /** The preset a platform administrator installed; null until it is installed in full. */
  preset?: string | null;
}

const TENANT_SELECT = `select id, name, name_en as "nameEn", preset, currency_code as "currencyCode",
  time_zone as "timeZone" from tenants`;

/** A tenant is one city's currency programme; every other table is keyed by its id. */
export class TenantService {
  /** Tenants are few and their time zone never changes once set, so it is cached. */
  private readonly timeZones = new Map<string, string>();
  /** Tenants found live; as few as the tenants. */
  private readonly liveIds = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
  ) {}

  /** Inside a transaction pass `tx`: a first, uncached read must not go around it. */
  async timeZoneOf(tenantId: string, tx?: Sql): Promise<string> {
    const timeZone = await this.knownTimeZone(tenantId, tx);
    if (!timeZone) throw notFound(`tenant ${tenantId}`, `테넌트 ${tenantId}`);
    return timeZone;
  }

  /**
   * Whether the tenant exists and is live: a city still being created (see `create`) is not, so the
   * requests that name it are refused. Only a live tenant is remembered: a city never goes back.
   */
  async exists(tenantId: string): Promise<boolean> {
    if (this.liveIds.has(tenantId)) return true;
    const [row] = await this.sql.query('select 1 as live from tenants where id = $1 and live', [tenantId]);
    if (row) this.liveIds.add(tenantId);
    return row !== undefined;
  }

  /** The tenant's time zone, or undefined when there is no such tenant; only a tenant found is remembered, since one may be created. */
  private async knownTimeZone(tenantId: string, tx?: Sql): Promise<string | undefined> {
    const cached = this.timeZones.get(tenantId);
    if (cached) return cached;
    const [row] = await (tx ?? this.sql).query<{ time_zone: string }>(
      'select time_zone from tenants where id = $1',
      [tenantId],
    );
    if (row) this.timeZones.set(tenantId, row.time_zone);
    return row?.time_zone;
  }

  async ensure(tenant: Tenant): Promise<void> {
    await this.sql.query(
      `insert into tenants (id, name, currency_code, time_zone, created_at) values ($1, $2, $3, $4, $5)
       on conflict (id) do nothing`,
      [tenant.id, tenant.name, tenant.currencyCode, tenant.timeZone, this.clock.now()],
    );
  }

  /**
   * A new tenant; false when the id is taken. `live: false` keeps it from every request, job and
   * listing (`exists`, `list`) until `markPresetInstalled`, while it is filled in.
   */
  async create(tenant: Tenant, options: { live?: boolean; tx?: Sql } = {}): Promise<boolean> {
    const inserted = await (options.tx ?? this.sql).query(
      `insert into tenants (id, name, name_en, currency_code, time_zone, created_at, live)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do nothing returning id`,
      [
        tenant.id,
        tenant.name,
        tenant.nameEn ?? null,
        tenant.currencyCode,
        tenant.timeZone,
        this.clock.now(),
        options.live ?? true,
      ],
    );
    return inserted.length > 0;
  }

  /** Records that `preset` is installed in full, which makes a tenant created not live, live. */
  async markPresetInstalled(tenantId: string, preset: string, tx?: Sql): Promise<void> {
    await (tx ?? this.sql).query('update tenants set preset = $2, live = true where id = $1', [
      tenantId,
      preset,
    ]);
  }

  /** Live or still being created. Inside a transaction pass `tx`, as for `timeZoneOf`. */
  async get(tenantId: string, tx?: Sql): Promise<Tenant | undefined> {
    const [row] = await (tx ?? this.sql).query<Tenant>(`${TENANT_SELECT} where id = $1`, [tenantId]);
    return row;
  }

  /** The live tenants. */
  async list(): Promise<Tenant[]> {
    return this.sql.query<Tenant>(`${TENANT_SELECT} where live order by id`);
  }
}
