import type { Clock } from '../../clock.js';
import type { Database, Sql } from '../../db/database.js';
import {
  dongNotInDistrict,
  marketNotInDistrict,
  unknownDistrict,
  unknownIndustries,
  unknownIndustry,
  unknownMarket,
} from './errors.js';
import type { District, Industry, Market, ReferencePreset } from './types.js';

export type DongDirectory = (tenantId: string, dong: string, tx?: Sql) => Promise<string[]>;

/** Bounds a preset: reference tables are small by nature, and a runaway import should fail loudly. */
const PRESET_ROWS_MAX = 1000;

const INDUSTRY_COLUMNS = `code, name_ko as "nameKo", name_en as "nameEn", excluded,
  exclusion_reason_ko as "exclusionReasonKo", exclusion_reason_en as "exclusionReasonEn",
  is_bookstore as "isBookstore"`;
const DISTRICT_COLUMNS = `code, name_ko as "nameKo", name_en as "nameEn", area`;
const MARKET_COLUMNS = `id, name_ko as "nameKo", name_en as "nameEn", district_code as "districtCode",
  store_count as "storeCount", synthetic`;

/** Industries, districts and traditional markets per tenant: the vocabulary other modules validate against. */
export class ReferenceService {
  /** The districts a 동 name or code lies in, by the city's 동 list; empty when the list does not name it. */
  private dongDistricts: DongDirectory = async () => [];

  constructor(
    private readonly db: Database,
    readonly clock: Clock,
  ) {}

  /** Idempotent upsert; a row the preset no longer lists stays, because merchants may refer to it. */
  async seedPreset(tenantId: string, preset: ReferencePreset, tx?: Sql): Promise<void> {
    assertPresetSize(preset);
    const sql = tx ?? this.db;
    await upsertIndustries(sql, tenantId, preset.industries);
    await upsertDistricts(sql, tenantId, preset.districts);
    await upsertMarkets(sql, tenantId, preset.markets);
  }

  async listIndustries(tenantId: string, tx?: Sql): Promise<Industry[]> {
    return (tx ?? this.db).query<Industry>(
      `select ${INDUSTRY_COLUMNS} from industries where tenant_id = $1 order by display_order, code`,
      [tenantId],
    );
  }

  async listDistricts(tenantId: string, tx?: Sql): Promise<District[]> {
    return (tx ?? this.db).query<District>(
      `select ${DISTRICT_COLUMNS} from districts where tenant_id = $1 order by display_order, code`,
      [tenantId],
    );
  }

  async listMarkets(tenantId: string, filter: { district?: string } = {}, tx?: Sql): Promise<Market[]> {
    return (tx ?? this.db).query<Market>(
      `select ${MARKET_COLUMNS} from markets
       where tenant_id = $1 and ($2::text is null or district_code = $2)
       order by display_order, id`,
      [tenantId, filter.district ?? null],
    );
  }

  async getIndustry(tenantId: string, code: string, tx?: Sql): Promise<Industry | undefined> {
    const [row] = await (tx ?? this.db).query<Industry>(
      `select ${INDUSTRY_COLUMNS} from industries where tenant_id = $1 and code = $2`,
      [tenantId, code],
    );
    return row;
  }

  async getDistrict(tenantId: string, code: string, tx?: Sql): Promise<District | undefined> {
    const [row] = await (tx ?? this.db).query<District>(
      `select ${DISTRICT_COLUMNS} from districts where tenant_id = $1 and code = $2`,
      [tenantId, code],
    );
    return row;
  }

  async getMarket(tenantId: string, id: string, tx?: Sql): Promise<Market | undefined> {
    const [row] = await (tx ?? this.db).query<Market>(
      `select ${MARKET_COLUMNS} from markets where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
    return row;
  }

  /** Like getIndustry, but an unknown code is the caller's mistake (400 UNKNOWN_INDUSTRY). */
  async requireIndustry(tenantId: string, code: string, tx?: Sql): Promise<Industry> {
    const industry = await this.getIndustry(tenantId, code, tx);
    if (!industry) throw unknownIndustry(code);
    return industry;
  }

  /** Every code an industry of the city, or 400 UNKNOWN_INDUSTRY naming those that are not. */
  async requireIndustries(tenantId: string, codes: readonly string[], tx?: Sql): Promise<void> {
    if (codes.length === 0) return;
    const known = new Set((await this.listIndustries(tenantId, tx)).map((industry) => industry.code));
    const unknown = codes.filter((code) => !known.has(code));
    if (unknown.length > 0) throw unknownIndustries(unknown);
  }

  async requireDistrict(tenantId: string, code: string, tx?: Sql): Promise<District> {
    const district = await this.getDistrict(tenantId, code, tx);
    if (!district) throw unknownDistrict(code);
    return district;
  }

  /**
   * The 동 list is kept by the module that uses it for giving; it is handed in once the platform is
   * wired, so the reference module reads no table of another.
   */
  setDongDirectory(directory: DongDirectory): void {
    this.dongDistricts = directory;
  }

  /**
   * A 동 the city's list places only in other districts than `district` is a mistake (400
   * DONG_NOT_IN_DISTRICT). A 동 the list does not name is accepted as typed: the list holds
   * administrative 동, and people also write the legal ones (둔산동 for 둔산1동).
   */
  async assertDongIn(tenantId: string, district: District, dong: string, tx?: Sql): Promise<void> {
    const listedIn = await this.dongDistricts(tenantId, dong.trim(), tx);
    if (listedIn.length > 0 && !listedIn.includes(district.code))
      throw dongNotInDistrict(dong.trim(), district, listedIn);
  }

  /** The market must exist and lie in `districtCode` (400 UNKNOWN_MARKET / MARKET_NOT_IN_DISTRICT). */
  async requireMarketIn(tenantId: string, id: string, districtCode: string, tx?: Sql): Promise<Market> {
    const market = await this.getMarket(tenantId, id, tx);
    if (!market) throw unknownMarket(id);
    if (market.districtCode !== districtCode) throw marketNotInDistrict(id, districtCode);
    return market;
  }
}

function assertPresetSize(preset: ReferencePreset): void {
  for (const [table, rows] of Object.entries(preset)) {
    if (rows.length > PRESET_ROWS_MAX)
      throw new Error(`a reference preset holds at most ${PRESET_ROWS_MAX} ${table}, got ${rows.length}`);
  }
}

/** Preset rows go in as one JSON document per table, with their list position as display order. */
function withOrder<Row extends object>(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((row, index) => ({ ...row, displayOrder: index })));
}

async function upsertIndustries(sql: Sql, tenantId: string, industries: readonly Industry[]): Promise<void> {
  await sql.query(
    `insert into industries (tenant_id, code, name_ko, name_en, excluded, exclusion_reason_ko,
       exclusion_reason_en, is_bookstore, display_order)
     select $1, x."code", x."nameKo", x."nameEn", x."excluded", x."exclusionReasonKo",
       x."exclusionReasonEn", x."isBookstore", x."displayOrder"
     from json_to_recordset($2::json) as x("code" text, "nameKo" text, "nameEn" text, "excluded" boolean,
       "exclusionReasonKo" text, "exclusionReasonEn" text, "isBookstore" boolean, "displayOrder" integer)
     on conflict (tenant_id, code) do update set name_ko = excluded.name_ko, name_en = excluded.name_en,
       excluded = excluded.excluded, exclusion_reason_ko = excluded.exclusion_reason_ko,
       exclusion_reason_en = excluded.exclusion_reason_en, is_bookstore = excluded.is_bookstore,
       display_order = excluded.display_order`,
    [tenantId, withOrder(industries)],
  );
}

async function upsertDistricts(sql: Sql, tenantId: string, districts: readonly District[]): Promise<void> {
  await sql.query(
    `insert into districts (tenant_id, code, name_ko, name_en, area, display_order)
     select $1, x."code", x."nameKo", x."nameEn", x."area", x."displayOrder"
     from json_to_recordset($2::json)
       as x("code" text, "nameKo" text, "nameEn" text, "area" text, "displayOrder" integer)
     on conflict (tenant_id, code) do update set name_ko = excluded.name_ko, name_en = excluded.name_en,
       area = excluded.area, display_order = excluded.display_order`,
    [tenantId, withOrder(districts)],
  );
}

async function upsertMarkets(sql: Sql, tenantId: string, markets: readonly Market[]): Promise<void> {
  await sql.query(
    `insert into markets (tenant_id, id, name_ko, name_en, district_code, store_count, synthetic, display_order)
     select $1, x."id", x."nameKo", x."nameEn", x."districtCode", x."storeCount", x."synthetic", x."displayOrder"
     from json_to_recordset($2::json) as x("id" text, "nameKo" text, "nameEn" text, "districtCode" text,
       "storeCount" integer, "synthetic" boolean, "displayOrder" integer)
     on conflict (tenant_id, id) do update set name_ko = excluded.name_ko, name_en = excluded.name_en,
       district_code = excluded.district_code, store_count = excluded.store_count,
       synthetic = excluded.synthetic, display_order = excluded.display_order`,
    [tenantId, withOrder(markets)],
  );
}
