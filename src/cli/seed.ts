import { DAEJEON_TENANT } from '../modules/tenants/presets.js';
import type { Platform } from '../platform.js';

/** Idempotent: seeding twice leaves one copy of everything. Returns whether the tenant was new. */
export async function seedDaejeon(platform: Platform): Promise<{ created: boolean }> {
  const existing = await platform.tenants.list();
  const created = !existing.some((tenant) => tenant.id === DAEJEON_TENANT.id);
  await platform.tenants.ensure(DAEJEON_TENANT);
  return { created };
}
