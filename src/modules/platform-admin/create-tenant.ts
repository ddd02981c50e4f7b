import { randomBytes } from 'node:crypto';
import { DomainError, invalidInput } from '../../errors.js';
import type { OperatorRole } from '../../http/auth.js';
import type { Platform } from '../../platform.js';
import { installPreset, PRESET_NAMES, type PresetName } from '../../presets/catalog.js';
import { normalizePhone } from '../members/phone.js';
import type { Tenant } from '../tenants/tenant-service.js';
import {
  type CreationAttempt,
  type CreationRecord,
  claimCreation,
  completeCreation,
  findCreation,
  recordCreation,
  releaseCreation,
} from './tenant-creations.js';

const ALL_OPERATOR_ROLES: OperatorRole[] = ['policy_admin', 'merchant_reviewer', 'auditor'];
/** Each tenant is its own namespace of phones, so every city's first operator can have this one. */
export const FIRST_OPERATOR_PHONE_DEFAULT = '010-0000-0000';

export interface NewTenantInput {
  tenantId: string;
  nameKo: string;
  nameEn: string;
  timeZone: string;
  preset: PresetName;
  operatorPhone?: string;
}

/** A request checked in full, before anything is written: the operator's phone as members store it. */
interface CreationRequest extends NewTenantInput {
  operatorPhone: string;
}

export interface CreatedTenant {
  tenant: Tenant;
  /** Shown once: the password is stored only as a hash. */
  firstOperator: { userId: string; phone: string; password: string; roles: OperatorRole[] };
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A city's name is shown on every screen of its app: not blank, no control characters. */
function checkCityName(field: string, name: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name.trim() === '' || /[\u0000-\u001f\u007f]/.test(name))
    throw invalidInput(
      `${field} must be a name: not blank, without control characters`,
      `${field}은(는) 비어 있거나 제어 문자를 포함할 수 없습니다`,
    );
}

function tenantExists(tenantId: string): DomainError {
  return new DomainError({
    code: 'TENANT_EXISTS',
    httpStatus: 409,
    message: `tenant ${tenantId} already exists`,
    messageKo: `${tenantId} 테넌트가 이미 있습니다`,
  });
}

/**
 * Every input the creation needs, refused (400) before anything is written. The first operator's
 * phone passes the members' own rule (`normalizePhone`, which their sign-up applies); the rest of
 * that sign-up (name, birth date, district, password) is the platform's own constants and the preset's.
 */
function checkedRequest(input: NewTenantInput): CreationRequest {
  if (!isTimeZone(input.timeZone))
    throw invalidInput(`timeZone ${input.timeZone} is not an IANA time zone`, '시간대가 올바르지 않습니다');
  checkCityName('nameKo', input.nameKo);
  checkCityName('nameEn', input.nameEn);
  if (!(PRESET_NAMES as readonly string[]).includes(input.preset))
    throw invalidInput(
      `preset must be one of ${PRESET_NAMES.join(', ')}`,
      `프리셋은 ${PRESET_NAMES.join(', ')} 중 하나여야 합니다`,
    );
  const operatorPhone = normalizePhone(input.operatorPhone ?? FIRST_OPERATOR_PHONE_DEFAULT);
  if (!operatorPhone)
    throw invalidInput(
      'operatorPhone must be a Korean mobile number like 010-1234-5678',
      '운영자 휴대전화 번호 형식이 올바르지 않습니다',
    );
  return { ...input, operatorPhone };
}

/**
 * A new city: the tenant row, its preset (rules, reference data, system accounts, budget) and a first
 * operator with every role and a generated password, all or nothing as traffic sees it. One
 * transaction cannot hold it all: the preset's installers and the members' sign-up commit their own
 * (they take no transaction handle). So the tenant row is written not live, with the request it
 * answers and the attempt at work, and made live in the transaction that records its preset: until
 * then no request, job or listing reaches it. Only the same request sent again finishes a creation
 * that failed half-way (each step is idempotent); any other, or one sent while an attempt is at work,
 * is told the id is taken.
 */
export async function createTenant(platform: Platform, input: NewTenantInput): Promise<CreatedTenant> {
  const request = checkedRequest(input);
  const attempt = await beginCreation(platform, request);
  try {
    return await completeCity(platform, request, attempt);
  } catch (error) {
    // Unreleased (the database gone too), the attempt holds the city only until its bound.
    await releaseCreation(platform.db, attempt).catch(() => undefined);
    throw error;
  }
}

async function beginCreation(platform: Platform, request: CreationRequest): Promise<CreationAttempt> {
  const now = platform.clock.now();
  const fresh = await platform.db.transaction(async (tx) => {
    const tenant = {
      id: request.tenantId,
      name: request.nameKo,
      nameEn: request.nameEn,
      currencyCode: 'KRW',
      timeZone: request.timeZone,
    };
    if (!(await platform.tenants.create(tenant, { live: false, tx }))) return null;
    return recordCreation(tx, request, now);
  });
  if (fresh) return fresh;
  const [existing, creation] = await Promise.all([
    platform.tenants.get(request.tenantId),
    findCreation(platform.db, request.tenantId),
  ]);
  // A city `serve` seeded has no creation record; a created one's is complete.
  if (!existing || !creation || creation.completed || !sameRequest(existing, creation, request))
    throw tenantExists(request.tenantId);
  const attempt = await claimCreation(platform.db, request.tenantId, now);
  if (!attempt) throw tenantExists(request.tenantId);
  return attempt;
}

function sameRequest(tenant: Tenant, creation: CreationRecord, request: CreationRequest): boolean {
  return (
    tenant.name === request.nameKo &&
    (tenant.nameEn ?? null) === request.nameEn &&
    tenant.timeZone === request.timeZone &&
    creation.preset === request.preset &&
    creation.operatorPhone === request.operatorPhone
  );
}

async function completeCity(
  platform: Platform,
  request: CreationRequest,
  attempt: CreationAttempt,
): Promise<CreatedTenant> {
  await installPreset(platform, request.tenantId, request.preset);
  const firstOperator = await registerFirstOperator(platform, request.tenantId, request.operatorPhone);
  await platform.db.transaction(async (tx) => {
    // An attempt that outlived its bound may have been taken over: the later one finishes the city.
    if (!(await completeCreation(tx, attempt, platform.clock.now()))) throw tenantExists(request.tenantId);
    await platform.tenants.markPresetInstalled(request.tenantId, request.preset, tx);
  });
  const tenant = await platform.tenants.get(request.tenantId);
  if (!tenant) throw new Error(`tenant ${request.tenantId} vanished while being created`);
  return { tenant, firstOperator };
}

async function registerFirstOperator(platform: Platform, tenantId: string, phone: string) {
  const password = randomBytes(18).toString('base64url');
  const userId = await operatorWithPassword(platform, tenantId, phone, password);
  await platform.members.grantOperatorRoles(tenantId, userId, ALL_OPERATOR_ROLES);
  return { userId, phone, password, roles: ALL_OPERATOR_ROLES };
}

/**
 * The first operator's account, with `password`. An attempt that failed after the sign-up left the
 * account; its password was never shown (the city never went live, so no one signed in), and this
 * attempt's replaces it.
 */
async function operatorWithPassword(
  platform: Platform,
  tenantId: string,
  phone: string,
  password: string,
): Promise<string> {
  const existing = await platform.members.findByPhone(tenantId, phone);
  if (existing) {
    await platform.members.replacePassword(tenantId, existing.id, password);
    return existing.id;
  }
  const [district] = await platform.reference.listDistricts(tenantId);
  if (!district) throw new Error(`preset of ${tenantId} left no district for its first operator`);
  const operator = await platform.members.signUp(tenantId, {
    phone,
    password,
    name: '운영자',
    birthDate: '1980-01-01',
    district: district.code,
    dong: district.nameKo,
  });
  return operator.id;
}
