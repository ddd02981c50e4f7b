/** 원도심 (old town) or 신도심 (new town): the split the city watches for consumption balance. */
export type DistrictArea = 'old_town' | 'new_town';

/** A line of business. Excluded industries cannot join; the reason is shown to applicants. */
export interface Industry {
  code: string;
  nameKo: string;
  nameEn: string;
  excluded: boolean;
  exclusionReasonKo: string | null;
  exclusionReasonEn: string | null;
  /** Local bookstores (지역서점) earn extra cashback. */
  isBookstore: boolean;
}

/** A district (구) of the tenant's city. */
export interface District {
  code: string;
  nameKo: string;
  nameEn: string;
  area: DistrictArea;
}

/** A traditional market (전통시장); its stores earn extra cashback. */
export interface Market {
  id: string;
  nameKo: string;
  nameEn: string;
  districtCode: string;
  storeCount: number;
  /** True when the name is made up (the preset lacks a confirmed real name). */
  synthetic: boolean;
}

/** A city's reference tables, as a preset ships them; list order is display order. */
export interface ReferencePreset {
  industries: readonly Industry[];
  districts: readonly District[];
  markets: readonly Market[];
}
