import type { Platform } from '../platform.js';
import { localDate } from '../time.js';
import { SYNTHETIC_OWNER_PHONE, simulate } from './simulator.js';

/**
 * A fresh demo's dashboards would be empty: the demo start runs last calendar month of a small
 * synthetic Daejeon through the real engine (sign-ups, merchant approvals, charges, group-committed
 * payments, the event feed, the analytics consumer) on a manual clock, before the server serves.
 * Kept small (sign-ups hash passwords) so a start takes seconds. Its people and shops are named "(synthetic)" and
 * analytics marks the month as synthetic, so every screen that shows it says so.
 */
export const DEMO_HISTORY = {
  members: 30,
  months: 1,
  seed: 2021,
} as const;

/** Plants the history once (skipped when its first synthetic shop owner exists); returns whether it did. */
export async function plantDemoHistory(platform: Platform, tenantId: string): Promise<boolean> {
  if (await platform.members.findByPhone(tenantId, SYNTHETIC_OWNER_PHONE)) return false;
  const timeZone = await platform.tenants.timeZoneOf(tenantId);
  const today = localDate(platform.clock.now(), timeZone);
  const previous =
    today.month === 1 ? { year: today.year - 1, month: 12 } : { ...today, month: today.month - 1 };
  await simulate({
    ...DEMO_HISTORY,
    startMonth: `${previous.year}-${String(previous.month).padStart(2, '0')}`,
    db: platform.db,
    tenantId,
    seeded: true,
  });
  return true;
}
