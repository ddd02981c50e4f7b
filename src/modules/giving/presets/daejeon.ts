import type { Clock } from '../../../clock.js';
import { localDate } from '../../../time.js';
import type { PolicyPreset, PolicyService } from '../../policy/policy-service.js';
import type { GivingService } from '../giving-service.js';
import type { Dong } from '../neighbourhood.js';
import type { NewCharity } from '../types.js';

/** Demo charities for a fresh 온통대전; the registration numbers and accounts are made up. */
export const DAEJEON_DEMO_CHARITIES: NewCharity[] = [
  {
    name: '대전 사랑의열매 (데모)',
    registrationNumber: '305-82-00001',
    bankAccount: { bankCode: 'SANDBOX', accountNumber: '042-000-0001' },
    description:
      '사회복지공동모금회 대전지회: 온정나눔 기부금을 모아 지역 복지시설에 전합니다. 기부금 영수증을 발급합니다.',
    logoUrl: null,
  },
  {
    name: '한밭 푸드뱅크 (데모)',
    registrationNumber: '305-82-00002',
    bankAccount: { bankCode: 'SANDBOX', accountNumber: '042-000-0002' },
    description: '결식 이웃에게 식료품을 나누는 대전 푸드뱅크입니다.',
    logoUrl: null,
  },
];

/** Registers the demo charities that are missing (idempotent by registration number). */
export async function seedDaejeonDemoCharities(
  platform: { giving: GivingService },
  tenantId: string,
  actorUserId: string,
): Promise<void> {
  const existing = new Set(
    (await platform.giving.charitiesWithTotals(tenantId)).map((charity) => charity.registrationNumber),
  );
  for (const charity of DAEJEON_DEMO_CHARITIES)
    if (!existing.has(charity.registrationNumber))
      await platform.giving.registerCharity(tenantId, actorUserId, charity);
}

/**
 * 동네사랑기부제 arrived in 2023 (see DOMAIN.md): the city gives 1% of a member's eligible spending.
 * Assumption: the yearly pot of ₩20억 (the sources give no figure).
 */
export const DAEJEON_NEIGHBOURHOOD_RULES: PolicyPreset = {
  name: 'daejeon-neighbourhood-giving',
  rules: [
    {
      id: 'rul_daejeon_neighbourhood_rate',
      key: 'neighbourhood_giving_rate_bp',
      value: 100,
      effectiveFrom: new Date('2023-01-01T00:00:00+09:00'),
    },
  ],
  policies: [],
};
export const DAEJEON_NEIGHBOURHOOD_POT_WON = 2_000_000_000;

/**
 * Assumption: a partial list of Daejeon's 행정동 (a few per 구), enough to choose from in the demo;
 * the full list is reference data a city loads.
 */
export const DAEJEON_DONGS: Dong[] = [
  { code: 'jungang', nameKo: '중앙동', district: 'dong-gu' },
  { code: 'sinin', nameKo: '신인동', district: 'dong-gu' },
  { code: 'gayang-1', nameKo: '가양1동', district: 'dong-gu' },
  { code: 'yongjeon', nameKo: '용전동', district: 'dong-gu' },
  { code: 'daeheung', nameKo: '대흥동', district: 'jung-gu' },
  { code: 'eunhaeng-seonhwa', nameKo: '은행선화동', district: 'jung-gu' },
  { code: 'munhwa-1', nameKo: '문화1동', district: 'jung-gu' },
  { code: 'taepyeong-1', nameKo: '태평1동', district: 'jung-gu' },
  { code: 'dunsan-1', nameKo: '둔산1동', district: 'seo-gu' },
  { code: 'dunsan-2', nameKo: '둔산2동', district: 'seo-gu' },
  { code: 'dunsan-3', nameKo: '둔산3동', district: 'seo-gu' },
  { code: 'galma-1', nameKo: '갈마1동', district: 'seo-gu' },
  { code: 'tanbang', nameKo: '탄방동', district: 'seo-gu' },
  { code: 'bongmyeong', nameKo: '봉명동', district: 'yuseong-gu' },
  { code: 'oncheon-1', nameKo: '온천1동', district: 'yuseong-gu' },
  { code: 'noeun-1', nameKo: '노은1동', district: 'yuseong-gu' },
  { code: 'gwanpyeong', nameKo: '관평동', district: 'yuseong-gu' },
  { code: 'sintanjin', nameKo: '신탄진동', district: 'daedeok-gu' },
  { code: 'beop-1', nameKo: '법1동', district: 'daedeok-gu' },
  { code: 'songchon', nameKo: '송촌동', district: 'daedeok-gu' },
];

/** Rule, 동 list and this year's pot; idempotent. */
export async function seedDaejeonNeighbourhood(
  platform: { giving: GivingService; policy: PolicyService; clock: Clock },
  tenantId: string,
  timeZone: string,
): Promise<void> {
  await platform.policy.installPreset(tenantId, DAEJEON_NEIGHBOURHOOD_RULES);
  await platform.giving.neighbourhood.seedDongs(tenantId, DAEJEON_DONGS);
  const { year } = localDate(platform.clock.now(), timeZone);
  const pot = await platform.giving.neighbourhood.potView(tenantId, year);
  if (pot.fundedWon === 0)
    await platform.giving.neighbourhood.fundPot(
      tenantId,
      'system:preset',
      year,
      DAEJEON_NEIGHBOURHOOD_POT_WON,
    );
}

/** The demo 동행협약 partner; the business number and bank account are made up (valid check digit). */
export const DAEJEON_DEMO_PARTNER = {
  name: '한밭전자 (데모)',
  businessNumber: '305-86-90018',
  contact: '총무팀 김한밭 042-000-1234',
  bankAccount: { bankCode: 'SANDBOX', accountNumber: '042-900-0001' },
  depositWon: 5_000_000,
  /** Matches 50% of each donation to the demo campaign, at most ₩1,000,000. */
  rateBp: 5_000,
  capWon: 1_000_000,
};

/**
 * A demo campaign of the first demo charity (a year from this month) and the demo partner with a
 * deposit from its bank account and a matching pledge on it. Idempotent: a partner already
 * registered is left as it is. Moves money only from the partner's bank account to its deposit, so
 * no demo person's balance changes.
 */
export async function seedDaejeonDemoPartner(
  platform: { giving: GivingService; clock: Clock },
  tenantId: string,
  actorUserId: string,
): Promise<void> {
  const partners = platform.giving.partners;
  const demo = DAEJEON_DEMO_PARTNER;
  if ((await partners.list(tenantId)).some((partner) => partner.name === demo.name)) return;
  const charity = (await platform.giving.charitiesWithTotals(tenantId)).find(
    (candidate) => candidate.registrationNumber === DAEJEON_DEMO_CHARITIES[0]?.registrationNumber,
  );
  if (!charity) return;
  const now = platform.clock.now();
  const startsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 9 * 3_600_000);
  const campaign = await platform.giving.addCampaign(tenantId, actorUserId, charity.id, {
    title: '한밭전자와 함께하는 겨울나기 (데모)',
    goalWon: 10_000_000,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 366 * 86_400_000),
  });
  const partner = await partners.register(tenantId, actorUserId, demo);
  // The bank may be a separate sandbox that is not up yet: a pending deposit completes on a retry
  // with the same key, and the pledge stands either way (it matches only what the deposit holds).
  await partners
    .deposit(
      tenantId,
      actorUserId,
      partner.id,
      { amountWon: demo.depositWon, bankAccount: demo.bankAccount },
      'demo-partner-deposit',
    )
    .catch((error: unknown) => console.warn(`demo partner deposit not made: ${String(error)}`));
  await partners.pledge(tenantId, actorUserId, partner.id, {
    campaignId: campaign.id,
    rateBp: demo.rateBp,
    capWon: demo.capWon,
  });
}
