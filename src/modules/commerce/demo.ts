import { randomBytes } from 'node:crypto';
import type { Platform } from '../../platform.js';
import { businessNumberCheckDigit } from '../merchants/business-number.js';
import { sharedImageEncoder } from './image-encoder.js';
import { ProductImageStore } from './images.js';
import type { Category, DeliveryTerms, NewProduct } from './types.js';

/**
 * Demo listings on a fresh demo start: the market shop and the bookstore sell in the mall, 한밭 커피
 * and a 24-hour 국밥 restaurant deliver. Listings only: no money moves, so no published balance changes.
 * Photos are drawn at seed time (the image process renders a small SVG) and stored like any upload.
 */
export const DEMO_CATEGORIES: Category[] = [
  { categoryId: 'food', name: '식품·농수산', nameEn: 'Food and produce' },
  { categoryId: 'books', name: '도서', nameEn: 'Books' },
  { categoryId: 'meals', name: '식사', nameEn: 'Meals' },
  { categoryId: 'drinks', name: '음료·디저트', nameEn: 'Drinks and desserts' },
];

interface DemoListing extends NewProduct {
  /** Two colours of the drawn photo. */
  colours: [string, string];
}

const MARKET: DemoListing[] = [
  {
    channel: 'mall',
    name: '부사 사과 5kg',
    description: '충남 예산 산지 직송, 중앙시장 한밭상회가 골라 담았습니다',
    priceWon: 32_000,
    stock: 30,
    categoryId: 'food',
    options: [{ optionId: 'gift', name: '선물 포장', priceDeltaWon: 2_000 }],
    colours: ['#fdebd0', '#c0392b'],
  },
  {
    channel: 'mall',
    name: '금산 인삼 세트',
    description: '금산 6년근 수삼 750g',
    priceWon: 45_000,
    stock: 12,
    categoryId: 'food',
    colours: ['#f5eee6', '#b9770e'],
  },
  {
    channel: 'mall',
    name: '중앙시장 수제 떡 모둠',
    description: '당일 만든 인절미·절편·꿀떡',
    priceWon: 15_000,
    stock: 40,
    categoryId: 'food',
    colours: ['#fef9e7', '#7dcea0'],
  },
];

const BOOKSTORE: DemoListing[] = [
  {
    channel: 'mall',
    name: '대전 골목 산책',
    description: '대흥동·은행동 골목과 가게 이야기, 지역 작가 에세이',
    priceWon: 16_800,
    stock: 20,
    categoryId: 'books',
    colours: ['#eaf2f8', '#1f618d'],
  },
  {
    channel: 'mall',
    name: '어린이 과학 그림책 세트',
    description: '초등 저학년 과학 그림책 5권',
    priceWon: 42_000,
    stock: 8,
    categoryId: 'books',
    options: [{ optionId: 'wrap', name: '선물 포장', priceDeltaWon: 1_000 }],
    colours: ['#fdf2e9', '#ca6f1e'],
  },
];

const CAFE: DemoListing[] = [
  {
    channel: 'delivery',
    name: '아메리카노',
    priceWon: 3_500,
    categoryId: 'drinks',
    options: [{ optionId: 'large', name: '큰 컵', priceDeltaWon: 500 }],
    colours: ['#f6ddcc', '#6e2c00'],
  },
  {
    channel: 'delivery',
    name: '성심 튀김소보로 세트',
    description: '대전 명물 빵 4개',
    priceWon: 9_000,
    categoryId: 'drinks',
    colours: ['#fcf3cf', '#d4ac0d'],
  },
  {
    channel: 'delivery',
    name: '클럽 샌드위치',
    priceWon: 7_500,
    categoryId: 'meals',
    colours: ['#e9f7ef', '#28b463'],
  },
];

const GUKBAP: DemoListing[] = [
  {
    channel: 'delivery',
    name: '돼지국밥',
    description: '진한 사골 육수, 밥과 김치 포함',
    priceWon: 9_000,
    categoryId: 'meals',
    options: [{ optionId: 'extra-meat', name: '고기 추가', priceDeltaWon: 3_000 }],
    colours: ['#fbeee6', '#a04000'],
  },
  {
    channel: 'delivery',
    name: '순대국밥',
    priceWon: 9_000,
    categoryId: 'meals',
    colours: ['#f4ecf7', '#76448a'],
  },
  {
    channel: 'delivery',
    name: '수육 (소)',
    description: '2인분',
    priceWon: 18_000,
    categoryId: 'meals',
    colours: ['#fdedec', '#922b21'],
  },
];

const CAFE_TERMS: DeliveryTerms = {
  areas: ['둔산동', '탄방동', '월평동', '갈마동'],
  minimumOrderWon: 10_000,
  deliveryFeeWon: 1_500,
  opensAt: '07:00',
  closesAt: '22:00',
};

/** Open round the clock (a 24시 국밥집), so the demo's delivery can be tried at any hour. */
const GUKBAP_TERMS: DeliveryTerms = {
  areas: ['대흥동', '은행동', '선화동', '문화동', '중앙동', '둔산동'],
  minimumOrderWon: 12_000,
  deliveryFeeWon: 2_000,
  opensAt: '00:00',
  closesAt: '24:00',
};

export const DEMO_GUKBAP_SHOP = { name: '대흥동 24시 한밭국밥 (데모)', phone: '010-2222-0015' };

/** Idempotent: a start that finds the market shop's listings seeds nothing. */
export async function seedDemoCommerce(
  platform: Platform,
  tenantId: string,
  demoPeople: Record<'operator' | 'marketStore' | 'bookstore' | 'cafe', { phone: string }>,
): Promise<void> {
  const { catalogue } = platform.commerce;
  const merchantOf = async (phone: string) => {
    const owner = await platform.members.findByPhone(tenantId, phone);
    const [merchant] = owner ? await platform.merchants.listForOwner(tenantId, owner.id) : [];
    return merchant?.status === 'approved' ? merchant.id : undefined;
  };
  const market = await merchantOf(demoPeople.marketStore.phone);
  if (!market || (await catalogue.listForMerchant(tenantId, market, 1, null)).length > 0) return;
  const known = new Set((await catalogue.listCategories(tenantId)).map((category) => category.categoryId));
  for (const category of DEMO_CATEGORIES)
    if (!known.has(category.categoryId)) await catalogue.createCategory(tenantId, 'system:preset', category);

  const photos = ProductImageStore.under(platform.config.dataDir);
  const listAll = async (merchantId: string | undefined, listings: DemoListing[]) => {
    if (!merchantId) return;
    for (const { colours, ...listing } of listings) {
      const product = await catalogue.createProduct(tenantId, merchantId, listing);
      const image = await photos.store(await drawnPhoto(colours));
      await catalogue.addImage(tenantId, merchantId, product.productId, image, 1);
    }
  };
  await listAll(market, MARKET);
  await listAll(await merchantOf(demoPeople.bookstore.phone), BOOKSTORE);
  const cafe = await merchantOf(demoPeople.cafe.phone);
  if (cafe) {
    await catalogue.setDeliveryTerms(tenantId, cafe, CAFE_TERMS);
    await listAll(cafe, CAFE);
  }
  const gukbap = await ensureGukbapShop(platform, tenantId, demoPeople.operator.phone);
  await catalogue.setDeliveryTerms(tenantId, gukbap, GUKBAP_TERMS);
  await listAll(gukbap, GUKBAP);
}

/** The second restaurant's owner gets a random password: a listing-only shop, never a published sign-in. */
async function ensureGukbapShop(
  platform: Platform,
  tenantId: string,
  operatorPhone: string,
): Promise<string> {
  const existing = await platform.members.findByPhone(tenantId, DEMO_GUKBAP_SHOP.phone);
  const ownerId =
    existing?.id ??
    (
      await platform.members.signUp(
        tenantId,
        {
          phone: DEMO_GUKBAP_SHOP.phone,
          password: `Gukbap-${randomBytes(18).toString('base64url')}`,
          name: '한밭국밥 사장',
          birthDate: '1975-03-02',
          district: 'jung-gu',
          dong: '대흥동',
        },
        'demo',
      )
    ).id;
  const [owned] = await platform.merchants.listForOwner(tenantId, ownerId);
  if (owned?.status === 'approved') return owned.id;
  const firstNine = '305810015';
  const applied =
    owned ??
    (await platform.merchants.apply(tenantId, ownerId, {
      businessNumber: `${firstNine}${businessNumberCheckDigit(firstNine)}`,
      name: DEMO_GUKBAP_SHOP.name,
      industryCode: 'restaurant',
      district: 'jung-gu',
      dong: '대흥동',
      annualRevenueWon: 240_000_000,
    }));
  const operator = await platform.members.findByPhone(tenantId, operatorPhone);
  if (applied.status === 'pending')
    await platform.merchants.approve(tenantId, applied.id, operator?.id ?? 'system:preset');
  await platform.merchants.markDemo(tenantId, applied.id);
  return applied.id;
}

/** A 480 px square: a plate in the listing's colours on its background. */
function drawnPhoto([background, plate]: [string, string]): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="480">
    <rect width="480" height="480" fill="${background}"/>
    <circle cx="240" cy="250" r="150" fill="#ffffff" opacity="0.85"/>
    <circle cx="240" cy="250" r="110" fill="${plate}"/>
    <ellipse cx="200" cy="205" rx="38" ry="22" fill="#ffffff" opacity="0.35"/>
  </svg>`;
  return sharedImageEncoder.draw(svg);
}
