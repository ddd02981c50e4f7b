import type { Sql } from '../../db/database.js';
import type { District, Industry } from '../reference/types.js';
import type { EligibilityReason, EligibilityResult, EligibilityRule, Franchise } from './types.js';

/** What the rules look at, resolved from an application through the reference tables. */
export interface EligibilityFacts {
  industry: Industry;
  district: District;
  franchise: Franchise;
}

/** Every rule in force gives a verdict; one failure is enough to refuse. */
export function evaluateEligibility(
  rules: readonly EligibilityRule[],
  facts: EligibilityFacts,
): EligibilityResult {
  const reasons = rules.map((rule) => verdict(rule, facts));
  return { eligible: reasons.every((reason) => reason.passed), reasons };
}

function verdict(rule: EligibilityRule, facts: EligibilityFacts): EligibilityReason {
  switch (rule.kind) {
    case 'excluded_industry':
      return excludedIndustry(facts.industry);
    case 'out_of_region_franchise_direct':
      return outOfRegionFranchiseDirect(rule, facts.franchise);
    case 'district_in_tenant':
      return districtInTenant(facts.district);
  }
}

function excludedIndustry(industry: Industry): EligibilityReason {
  if (industry.excluded) {
    return {
      rule: 'excluded_industry',
      passed: false,
      messageKo: `${industry.nameKo}: ${industry.exclusionReasonKo}`,
      messageEn: `${industry.nameEn}: ${industry.exclusionReasonEn}`,
    };
  }
  return {
    rule: 'excluded_industry',
    passed: true,
    messageKo: `${industry.nameKo}은(는) 가맹할 수 있는 업종입니다`,
    messageEn: `${industry.nameEn} may join`,
  };
}

function outOfRegionFranchiseDirect(rule: EligibilityRule, franchise: Franchise): EligibilityReason {
  const homeRegion = rule.params.homeRegion;
  if (!homeRegion) throw new Error(`eligibility rule ${rule.id} has no homeRegion`);
  const region = franchise.headquartersRegion;
  if (franchise.isFranchise && franchise.directlyOperated && region !== homeRegion) {
    return {
      rule: 'out_of_region_franchise_direct',
      passed: false,
      messageKo: `본사가 지역 밖(${region})에 있는 프랜차이즈 직영점은 가맹할 수 없습니다`,
      messageEn: `Stores run directly by a franchise headquartered outside the city (${region}) cannot join`,
    };
  }
  return {
    rule: 'out_of_region_franchise_direct',
    passed: true,
    messageKo: '역외 프랜차이즈 직영점이 아닙니다',
    messageEn: 'Not a directly run store of an out-of-region franchise',
  };
}

/** Unknown districts are refused as input errors before this runs; the verdict records where the shop is. */
function districtInTenant(district: District): EligibilityReason {
  return {
    rule: 'district_in_tenant',
    passed: true,
    messageKo: `사업장이 관내(${district.nameKo})에 있습니다`,
    messageEn: `The business is in the city (${district.nameEn})`,
  };
}

/** Rules in force at `at`: effective_from <= at < effective_to. */
export async function selectRulesAt(sql: Sql, tenantId: string, at: Date): Promise<EligibilityRule[]> {
  return sql.query<EligibilityRule>(
    `select id, kind, params, effective_from as "effectiveFrom", effective_to as "effectiveTo"
     from merchant_eligibility_rules
     where tenant_id = $1 and effective_from <= $2 and (effective_to is null or $2 < effective_to)
     order by effective_from, id`,
    [tenantId, at],
  );
}

/** Idempotent by rule id; an existing rule is never rewritten, because past decisions cite it. */
export async function insertRules(
  sql: Sql,
  tenantId: string,
  rules: readonly EligibilityRule[],
  createdAt: Date,
): Promise<void> {
  await sql.query(
    `insert into merchant_eligibility_rules (tenant_id, id, kind, params, effective_from, effective_to, created_at)
     select $1, x."id", x."kind", x."params", x."effectiveFrom", x."effectiveTo", $3
     from json_to_recordset($2::json) as x("id" text, "kind" text, "params" jsonb,
       "effectiveFrom" timestamptz, "effectiveTo" timestamptz)
     on conflict (tenant_id, id) do nothing`,
    [tenantId, JSON.stringify(rules), createdAt],
  );
}
