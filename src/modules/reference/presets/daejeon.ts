import type { District, Industry, Market, ReferencePreset } from '../types.js';

/**
 * 온통대전's reference tables. Exclusions follow the seed article (골프장, 대학교 수업료 "do not fit the
 * purpose of supporting small merchants") and the excluded kinds Daejeon and its peers publish.
 */

function allowed(code: string, nameKo: string, nameEn: string, isBookstore = false): Industry {
  return {
    code,
    nameKo,
    nameEn,
    excluded: false,
    exclusionReasonKo: null,
    exclusionReasonEn: null,
    isBookstore,
  };
}

function excluded(
  code: string,
  nameKo: string,
  nameEn: string,
  reasonKo: string,
  reasonEn: string,
): Industry {
  return {
    code,
    nameKo,
    nameEn,
    excluded: true,
    exclusionReasonKo: reasonKo,
    exclusionReasonEn: reasonEn,
    isBookstore: false,
  };
}

const LARGE_RETAIL_KO = '대규모 유통업체는 소상공인 지원이라는 지역화폐 취지에 맞지 않아 가맹할 수 없습니다';
const LARGE_RETAIL_EN =
  'Large retailers cannot join: the local currency exists to support small local businesses';
const NOT_SMALL_BUSINESS_KO = '소상공인 지원 취지에 맞지 않는 업종이라 가맹할 수 없습니다';
const NOT_SMALL_BUSINESS_EN = 'This industry does not fit the purpose of supporting small local merchants';

export const DAEJEON_INDUSTRIES: readonly Industry[] = [
  allowed('restaurant', '일반음식점', 'Restaurant'),
  allowed('cafe', '카페·휴게음식점', 'Café and snack bar'),
  allowed('bakery', '제과점', 'Bakery'),
  allowed('grocery', '소형 슈퍼마켓·식료품점', 'Small grocery store'),
  allowed('convenience_store', '편의점', 'Convenience store'),
  allowed('traditional_market_store', '전통시장 점포', 'Traditional-market store'),
  allowed('butcher', '정육점', 'Butcher'),
  allowed('fishmonger', '수산물 판매점', 'Fishmonger'),
  allowed('produce', '청과물 판매점', 'Fruit and vegetable store'),
  allowed('bookstore', '지역서점', 'Local bookstore', true),
  allowed('stationery', '문구점', 'Stationery store'),
  allowed('pharmacy', '약국', 'Pharmacy'),
  allowed('clinic', '의원', 'Medical clinic'),
  allowed('dental_clinic', '치과의원', 'Dental clinic'),
  allowed('korean_medicine_clinic', '한의원', 'Korean medicine clinic'),
  allowed('veterinary_clinic', '동물병원', 'Veterinary clinic'),
  allowed('optician', '안경점', 'Optician'),
  allowed('hair_salon', '미용실', 'Hair salon'),
  allowed('barber', '이발소', 'Barber'),
  allowed('laundry', '세탁소', 'Laundry'),
  allowed('public_bath', '목욕탕·사우나', 'Public bath and sauna'),
  allowed('academy', '학원', 'Private academy (hagwon)'),
  allowed('fitness', '체육시설', 'Fitness and sports facility'),
  allowed('fuel_station', '주유소', 'Fuel station'),
  allowed('car_repair', '자동차 정비', 'Car repair shop'),
  allowed('clothing', '의류', 'Clothing store'),
  allowed('shoes', '신발', 'Shoe store'),
  allowed('furniture', '가구', 'Furniture store'),
  allowed('electronics', '가전·전자제품', 'Electronics store'),
  allowed('hardware', '철물·공구', 'Hardware store'),
  allowed('florist', '꽃집', 'Florist'),
  allowed('photo_studio', '사진관', 'Photo studio'),
  allowed('lodging', '숙박업', 'Lodging'),
  excluded('department_store', '백화점', 'Department store', LARGE_RETAIL_KO, LARGE_RETAIL_EN),
  excluded('large_mart', '대형마트', 'Large mart', LARGE_RETAIL_KO, LARGE_RETAIL_EN),
  excluded('ssm', '기업형 슈퍼마켓(SSM)', 'Corporate supermarket (SSM)', LARGE_RETAIL_KO, LARGE_RETAIL_EN),
  excluded(
    'gambling',
    '사행업종',
    'Gambling',
    '사행성 업종은 가맹할 수 없습니다',
    'Gambling businesses cannot join',
  ),
  excluded(
    'adult_entertainment',
    '유흥업소',
    'Adult entertainment',
    '유흥·사치성 업종은 가맹할 수 없습니다',
    'Adult entertainment and luxury businesses cannot join',
  ),
  excluded('golf_course', '골프장', 'Golf course', NOT_SMALL_BUSINESS_KO, NOT_SMALL_BUSINESS_EN),
  excluded(
    'university_tuition',
    '대학교 수업료',
    'University tuition',
    NOT_SMALL_BUSINESS_KO,
    NOT_SMALL_BUSINESS_EN,
  ),
  excluded(
    'online_only',
    '온라인 전용 사업자',
    'Online-only business',
    '지역 안에 오프라인 사업장이 없는 온라인 전용 사업자는 가맹할 수 없습니다',
    'Online-only businesses without a shop in the city cannot join',
  ),
  excluded(
    'out_of_region_franchise_direct',
    '역외 프랜차이즈 직영점',
    'Directly run store of an out-of-region franchise',
    '본사가 지역 밖에 있는 프랜차이즈의 직영점은 매출이 지역 밖으로 빠져나가므로 가맹할 수 없습니다',
    'Stores run directly by a franchise headquartered outside the city cannot join: their revenue leaves the region',
  ),
];

export const DAEJEON_DISTRICTS: readonly District[] = [
  { code: 'dong-gu', nameKo: '동구', nameEn: 'Dong-gu', area: 'old_town' },
  { code: 'jung-gu', nameKo: '중구', nameEn: 'Jung-gu', area: 'old_town' },
  { code: 'seo-gu', nameKo: '서구', nameEn: 'Seo-gu', area: 'new_town' },
  { code: 'yuseong-gu', nameKo: '유성구', nameEn: 'Yuseong-gu', area: 'new_town' },
  { code: 'daedeok-gu', nameKo: '대덕구', nameEn: 'Daedeok-gu', area: 'old_town' },
];

function realMarket(
  id: string,
  nameKo: string,
  nameEn: string,
  districtCode: string,
  storeCount: number,
): Market {
  return { id, nameKo, nameEn, districtCode, storeCount, synthetic: false };
}

function syntheticMarket(number: number, districtCode: string, storeCount: number): Market {
  return {
    id: `mkt_synthetic_${number}`,
    nameKo: `대전 전통시장 ${number}`,
    nameEn: `Daejeon Traditional Market ${number}`,
    districtCode,
    storeCount,
    synthetic: true,
  };
}

/**
 * The article's 29 markets with 4,338 stores. Thirteen carry real market names; the other sixteen are
 * made up and flagged `synthetic` (screens mark them in demo mode and hide them from citizens otherwise). Per-market store counts are illustrative (the article gives only the total),
 * chosen so that they add up to 4,338.
 */
export const DAEJEON_MARKETS: readonly Market[] = [
  realMarket('mkt_jungang', '대전중앙시장', 'Daejeon Jungang Market', 'dong-gu', 700),
  realMarket('mkt_yeokjeon', '역전시장', 'Yeokjeon Market', 'dong-gu', 250),
  realMarket('mkt_indong', '인동시장', 'Indong Market', 'dong-gu', 120),
  realMarket('mkt_taepyeong', '태평시장', 'Taepyeong Market', 'jung-gu', 200),
  realMarket('mkt_munchang', '문창시장', 'Munchang Market', 'jung-gu', 150),
  realMarket('mkt_sanseong', '산성시장', 'Sanseong Market', 'jung-gu', 110),
  realMarket('mkt_yucheon', '유천시장', 'Yucheon Market', 'jung-gu', 130),
  realMarket('mkt_busa', '부사시장', 'Busa Market', 'jung-gu', 90),
  realMarket('mkt_hanmin', '한민시장', 'Hanmin Market', 'seo-gu', 220),
  realMarket('mkt_domakeun', '도마큰시장', 'Doma Keun Market', 'seo-gu', 260),
  realMarket('mkt_yuseong', '유성시장', 'Yuseong Market', 'yuseong-gu', 180),
  realMarket('mkt_sintanjin', '신탄진시장', 'Sintanjin Market', 'daedeok-gu', 160),
  realMarket('mkt_jungni', '중리시장', 'Jungni Market', 'daedeok-gu', 100),
  syntheticMarket(14, 'dong-gu', 120),
  syntheticMarket(15, 'dong-gu', 95),
  syntheticMarket(16, 'dong-gu', 110),
  syntheticMarket(17, 'jung-gu', 88),
  syntheticMarket(18, 'jung-gu', 132),
  syntheticMarket(19, 'jung-gu', 101),
  syntheticMarket(20, 'seo-gu', 97),
  syntheticMarket(21, 'seo-gu', 115),
  syntheticMarket(22, 'seo-gu', 90),
  syntheticMarket(23, 'seo-gu', 104),
  syntheticMarket(24, 'yuseong-gu', 99),
  syntheticMarket(25, 'yuseong-gu', 126),
  syntheticMarket(26, 'yuseong-gu', 93),
  syntheticMarket(27, 'daedeok-gu', 107),
  syntheticMarket(28, 'daedeok-gu', 85),
  syntheticMarket(29, 'daedeok-gu', 106),
];

export const DAEJEON_REFERENCE: ReferencePreset = {
  industries: DAEJEON_INDUSTRIES,
  districts: DAEJEON_DISTRICTS,
  markets: DAEJEON_MARKETS,
};
