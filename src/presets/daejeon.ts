import type { OperatorRole } from '../http/auth.js';
import { DAEJEON_2021_POT, seedDaejeonBudgets } from '../modules/budgets/presets/daejeon.js';
import { businessNumberCheckDigit } from '../modules/merchants/business-number.js';
import { DAEJEON_MERCHANT_PRESET } from '../modules/merchants/presets/daejeon.js';
import type { MerchantApplicationInput } from '../modules/merchants/types.js';
import { seedDaejeonPolicy } from '../modules/policy/presets/daejeon.js';
import { DAEJEON_REFERENCE } from '../modules/reference/presets/daejeon.js';
import { seedDaejeonSettlement } from '../modules/settlement/presets/daejeon.js';
import { DAEJEON_TENANT } from '../modules/tenants/presets.js';
import type { Platform } from '../platform.js';
import { localDate } from '../time.js';

/** Demo sign-ins, printed on start and in the README. Never used when real operators are configured. */
export const DEMO_CREDENTIALS = {
  operator: { phone: '010-0000-0000', password: 'operator-demo-2021', name: '대전시 담당자' },
  citizen: { phone: '010-1111-1111', password: 'citizen-demo-2021', name: '김한밭' },
  marketStore: { phone: '010-2222-0001', password: 'merchant-demo-2021', name: '중앙시장 상인' },
  bookstore: { phone: '010-2222-0002', password: 'merchant-demo-2021', name: '동네서점 사장' },
  cafe: { phone: '010-2222-0003', password: 'merchant-demo-2021', name: '카페 사장' },
  golfCourse: { phone: '010-2222-0004', password: 'merchant-demo-2021', name: '골프장 대표' },
} as const;

const ALL_OPERATOR_ROLES: OperatorRole[] = ['policy_admin', 'merchant_reviewer', 'auditor'];
const SYSTEM_ACTOR = 'system:preset';

export interface SeedOutcome {
  created: boolean;
  operatorPhone: string;
  demo: boolean;
}

/**
 * Installs the 온통대전 preset into a tenant: reference data, eligibility rules, rules and cashback
 * policy, the budget, system accounts, an operator and demo people and merchants. Idempotent.
 */
export async function seedDaejeon(
  platform: Platform,
  tenantId: string = DAEJEON_TENANT.id,
): Promise<SeedOutcome> {
  const created = !(await platform.tenants.list()).some((tenant) => tenant.id === tenantId);
  await platform.tenants.ensure({ ...DAEJEON_TENANT, id: tenantId });
  await installDaejeon2021(platform, tenantId);
  const operatorPhone = await seedOperator(platform, tenantId);
  const demo = !platform.config.operatorPhone;
  if (demo) await seedDemoPeople(platform, tenantId);
  return { created, operatorPhone, demo };
}

/**
 * The 2021 rules, reference data, system accounts, settlement and budgets, without any people:
 * what `serve` seeds and what the platform's `daejeon-2021` preset installs. Idempotent.
 */
export async function installDaejeon2021(platform: Platform, tenantId: string): Promise<void> {
  await platform.db.transaction(async (tx) => {
    await platform.reference.seedPreset(tenantId, DAEJEON_REFERENCE, tx);
    await platform.merchants.seedPreset(tenantId, DAEJEON_MERCHANT_PRESET, tx);
    await seedDaejeonPolicy(platform, tenantId, tx);
    await platform.wallets.ensureSystemAccounts(tenantId, tx);
    await seedDaejeonSettlement(platform, tenantId, tx);
  });
  await seedDaejeonBudgets(platform, tenantId);
  await seedCurrentYearBudget(platform, tenantId);
}

/** The preset's budget is 2021's; the platform runs today, so the same budget is carried into this year. */
async function seedCurrentYearBudget(platform: Platform, tenantId: string): Promise<void> {
  const { year } = localDate(platform.clock.now(), DAEJEON_TENANT.timeZone);
  if (year === 2021) return;
  await platform.budgets.createPot(tenantId, SYSTEM_ACTOR, {
    ...DAEJEON_2021_POT,
    id: `bud_${tenantId}_${year}`.replace(/[^A-Za-z0-9_]/g, '_'),
    name: `${year} 온통대전 캐시백 예산`,
    from: new Date(`${year}-01-01T00:00:00+09:00`),
    to: new Date(`${year + 1}-01-01T00:00:00+09:00`),
  });
}

async function seedOperator(platform: Platform, tenantId: string): Promise<string> {
  const configured = platform.config.operatorPhone && platform.config.operatorPassword;
  const operator = configured
    ? {
        phone: platform.config.operatorPhone as string,
        password: platform.config.operatorPassword as string,
        name: '운영자',
      }
    : DEMO_CREDENTIALS.operator;
  const userId = await ensurePerson(platform, tenantId, operator);
  await platform.members.grantOperatorRoles(tenantId, userId, ALL_OPERATOR_ROLES);
  return operator.phone;
}

async function ensurePerson(
  platform: Platform,
  tenantId: string,
  person: { phone: string; password: string; name: string },
): Promise<string> {
  const existing = await platform.members.findByPhone(tenantId, person.phone);
  if (existing) return existing.id;
  const member = await platform.members.signUp(tenantId, {
    ...person,
    birthDate: '1980-05-13',
    district: 'jung-gu',
    dong: '대흥동',
  });
  return member.id;
}

async function seedDemoPeople(platform: Platform, tenantId: string): Promise<void> {
  await ensurePerson(platform, tenantId, DEMO_CREDENTIALS.citizen);
  const operatorId =
    (await platform.members.findByPhone(tenantId, DEMO_CREDENTIALS.operator.phone))?.id ?? SYSTEM_ACTOR;
  const demoMerchants: Array<[keyof typeof DEMO_CREDENTIALS, MerchantApplicationInput]> = [
    [
      'marketStore',
      demoShop('중앙시장 한밭상회', 'traditional_market_store', 'dong-gu', '중앙동', 1, 'mkt_jungang'),
    ],
    ['bookstore', demoShop('계룡문고 (데모)', 'bookstore', 'jung-gu', '대흥동', 2)],
    ['cafe', demoShop('한밭 커피', 'cafe', 'seo-gu', '둔산동', 3)],
    ['golfCourse', demoShop('유성 골프클럽 (데모)', 'golf_course', 'yuseong-gu', '봉명동', 4)],
  ];
  for (const [who, application] of demoMerchants) {
    const ownerId = await ensurePerson(platform, tenantId, DEMO_CREDENTIALS[who]);
    if ((await platform.merchants.listForOwner(tenantId, ownerId)).length > 0) continue;
    const applied = await platform.merchants.apply(tenantId, ownerId, application);
    if (applied.status === 'pending') await platform.merchants.approve(tenantId, applied.id, operatorId);
  }
}

function demoShop(
  name: string,
  industryCode: string,
  district: string,
  dong: string,
  serial: number,
  marketId?: string,
): MerchantApplicationInput {
  const firstNine = `30581${String(serial).padStart(4, '0')}`;
  return {
    businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
    name,
    industryCode,
    district,
    dong,
    ...(marketId ? { marketId } : {}),
    annualRevenueWon: 180_000_000,
  };
}
