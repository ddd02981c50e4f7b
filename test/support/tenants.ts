import type { Clock } from '../../src/clock.js';
import type { Sql } from '../../src/db/database.js';
import { TenantService } from '../../src/modules/tenants/tenant-service.js';

let tenantCount = 0;

/** A fresh tenant per test keeps tests independent inside one database. */
export async function createTestTenant(sql: Sql, clock: Clock): Promise<string> {
  tenantCount += 1;
  const id = `t${process.pid}-${tenantCount}`;
  await new TenantService(sql, clock).ensure({ id, name: id, currencyCode: 'KRW', timeZone: 'Asia/Seoul' });
  return id;
}
