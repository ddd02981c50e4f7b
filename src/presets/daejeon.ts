import type { OperatorRole } from '../http/auth.js';
import { DAEJEON_ANALYTICS_PRESET } from '../modules/analytics/presets/daejeon.js';
import { DAEJEON_2021_POT, seedDaejeonBudgets } from '../modules/budgets/presets/daejeon.js';
import {
  seedDaejeonDemoCharities,
  seedDaejeonDemoPartner,
  seedDaejeonNeighbourhood,
} from '../modules/giving/presets/daejeon.js';
import { BootstrapRefused, bootstrapAccount } from '../modules/members/bootstrap.js';
import { seedDemoFundApplication, seedMerchantFunds } from '../modules/merchant-funds/presets.js';
import { FUND_POOL_PRESET_WON } from '../modules/merchant-funds/rules.js';
import { businessNumberCheckDigit } from '../modules/merchants/business-number.js';
import { DAEJEON_MERCHANT_PRESET } from '../modules/merchants/presets/daejeon.js';
import type { MerchantApplicationInput } from '../modules/merchants/types.js';
import { seedDaejeonPolicy } from '../modules/policy/presets/daejeon.js';
import { DAEJEON_REFERENCE } from '../modules/reference/presets/daejeon.js';
import { seedDaejeonSettlement } from '../modules/settlement/presets/daejeon.js';
import { seedDaejeonTaxRules } from '../modules/tax-statements/presets/daejeon.js';
import { DAEJEON_TENANT } from '../modules/tenants/presets.js';
import type { Platform } from '../platform.js';
import { localDate } from '../time.js';

/**
 * Demo sign-ins, printed on start, shown on the log-in page and listed in the README (`who` is the
 * README's column, word for word; `shown` is how the log-in page names them, the name as data and the
 * role in the page's language). Demo mode only: production mode disables these accounts.
 */
export const DEMO_CREDENTIALS = {
  operator: {
    phone: '010-0000-0000',
    password: 'operator-demo-2021',
    name: '대전시 담당자',
    who: 'city operator (all roles)',
    shown: { name: '대전시 담당자', roleKo: '모든 권한', roleEn: 'all roles' },
  },
  citizen: {
    phone: '010-1111-1111',
    password: 'citizen-demo-2021',
    name: '김한밭',
    who: 'citizen 김한밭',
    shown: { name: '김한밭', roleKo: '시민', roleEn: 'citizen' },
  },
  marketStore: {
    phone: '010-2222-0001',
    password: 'merchant-demo-2021',
    name: '중앙시장 상인',
    who: '중앙시장 한밭상회 (traditional market)',
    shown: { name: '중앙시장 한밭상회', roleKo: '전통시장', roleEn: 'traditional market' },
  },
  bookstore: {
    phone: '010-2222-0002',
    password: 'merchant-demo-2021',
    name: '동네서점 사장',
    who: '계룡문고 (local bookstore)',
    shown: { name: '계룡문고', roleKo: '동네서점', roleEn: 'local bookstore' },
  },
  cafe: {
    phone: '010-2222-0003',
    password: 'merchant-demo-2021',
    name: '카페 사장',
    who: '한밭 커피 (ordinary shop)',
    shown: { name: '한밭 커피', roleKo: '일반 가맹점', roleEn: 'ordinary shop' },
  },
  golfCourse: {
    phone: '010-2222-0004',
    password: 'merchant-demo-2021',
    name: '골프장 대표',
    who: '유성 골프클럽 (refused: golf course)',
    shown: { name: '유성 골프클럽', roleKo: '가입 거절: 골프장', roleEn: 'refused: golf course' },
  },
} as const;

const ALL_OPERATOR_ROLES: OperatorRole[] = ['policy_admin', 'merchant_reviewer', 'auditor'];
const SYSTEM_ACTOR = 'system:preset';

export interface SeedOutcome {
  created: boolean;
  operatorPhone: string;
  demo: boolean;
  /** Production mode: the environment's password replaced the operator's, revoking its sessions. */
  operatorPasswordReplaced: boolean;
  /** Production mode: demo accounts found in the data and disabled (published credentials never sign in). */
  disabledDemoPhones: string[];
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
  if (platform.config.mode === 'production') {
    const operator = await bootstrapOperator(platform, tenantId);
    const disabledDemoPhones = await disablePublishedSignIns(platform, tenantId);
    return { created, demo: false, disabledDemoPhones, ...operator };
  }
  await seedDemoOperator(platform, tenantId);
  await seedDemoPeople(platform, tenantId);
  return {
    created,
    operatorPhone: DEMO_CREDENTIALS.operator.phone,
    demo: true,
    operatorPasswordReplaced: false,
    disabledDemoPhones: [],
  };
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
    await seedDaejeonTaxRules(platform, tenantId, tx);
  });
  await seedDaejeonBudgets(platform, tenantId);
  await seedCurrentYearBudget(platform, tenantId);
  await seedDaejeonNeighbourhood(platform, tenantId, DAEJEON_TENANT.timeZone);
  await seedMerchantFunds(platform, tenantId, 'daejeon', FUND_POOL_PRESET_WON);
  await platform.analytics.seedPreset(tenantId, DAEJEON_ANALYTICS_PRESET);
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

/** The operator the environment names (see bootstrapAccount for the takeover rule). */
async function bootstrapOperator(
  platform: Platform,
  tenantId: string,
): Promise<{ operatorPhone: string; operatorPasswordReplaced: boolean }> {
  const { operatorPhone, operatorPassword } = platform.config;
  if (!operatorPhone)
    throw new BootstrapRefused(
      'production mode (HANBAT_MODE=production) needs its first operator: set HANBAT_OPERATOR_PHONE and HANBAT_OPERATOR_PASSWORD',
    );
  const outcome = await bootstrapAccount(platform.members, tenantId, {
    origin: 'bootstrap:operator',
    phone: operatorPhone,
    password: operatorPassword ?? '',
    name: '운영자',
    phoneVariable: 'HANBAT_OPERATOR_PHONE',
    passwordVariable: 'HANBAT_OPERATOR_PASSWORD',
  });
  await platform.members.grantOperatorRoles(tenantId, outcome.userId, ALL_OPERATOR_ROLES);
  return { operatorPhone, operatorPasswordReplaced: outcome.passwordReplaced };
}

async function seedDemoOperator(platform: Platform, tenantId: string): Promise<void> {
  const userId = await ensurePerson(platform, tenantId, DEMO_CREDENTIALS.operator);
  await platform.members.grantOperatorRoles(tenantId, userId, ALL_OPERATOR_ROLES);
}

/**
 * No published credential signs in in production: demo accounts (and any account whose password is
 * still a published one) are disabled, keeping their money and history.
 */
async function disablePublishedSignIns(platform: Platform, tenantId: string): Promise<string[]> {
  const disabled: string[] = [];
  for (const person of Object.values(DEMO_CREDENTIALS)) {
    const account = await platform.members.accountStatus(tenantId, person.phone);
    if (!account || account.disabled) continue;
    const published =
      account.origin === 'demo' ||
      (await platform.members.passwordMatches(tenantId, account.id, person.password));
    if (!published) continue;
    await platform.members.disableAccount(tenantId, account.id);
    disabled.push(person.phone);
  }
  return disabled;
}

async function ensurePerson(
  platform: Platform,
  tenantId: string,
  person: { phone: string; password: string; name: string },
): Promise<string> {
  const existing = await platform.members.findByPhone(tenantId, person.phone);
  if (existing) return existing.id;
  const { phone, password, name } = person;
  const member = await platform.members.signUp(
    tenantId,
    { phone, password, name, birthDate: '1980-05-13', district: 'jung-gu', dong: '대흥동' },
    'demo',
  );
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
    const owned = await platform.merchants.listForOwner(tenantId, ownerId);
    for (const merchant of owned) await platform.merchants.markDemo(tenantId, merchant.id);
    if (owned.length > 0) continue;
    const applied = await platform.merchants.apply(tenantId, ownerId, application);
    if (applied.status === 'pending') await platform.merchants.approve(tenantId, applied.id, operatorId);
    await platform.merchants.markDemo(tenantId, applied.id);
    if (who === 'cafe' && applied.status === 'pending')
      await seedDemoFundApplication(platform, tenantId, { userId: ownerId, merchantId: applied.id });
  }
  await seedDaejeonDemoCharities(platform, tenantId, operatorId);
  await seedDaejeonDemoPartner(platform, tenantId, operatorId);
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
