import { randomBytes } from 'node:crypto';
import { DomainError, invalidInput } from '../../errors.js';
import type { OperatorRole } from '../../http/auth.js';
import type { Platform } from '../../platform.js';
import { installPreset, type PresetName } from '../../presets/catalog.js';
import { SerialByKey } from '../../serial-by-key.js';
import type { Tenant } from '../tenants/tenant-service.js';

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
 * A new city: the tenant row, its preset (rules, reference data, system accounts, budget) and a first
 * operator with every role and a generated password. Each step is idempotent, and the preset is
 * recorded on the tenant only once installed, so a request that failed half-way can be sent again;
 * a tenant whose preset is recorded is taken.
 */
export async function createTenant(platform: Platform, input: NewTenantInput): Promise<CreatedTenant> {
  if (!isTimeZone(input.timeZone))
    throw invalidInput(`timeZone ${input.timeZone} is not an IANA time zone`, '시간대가 올바르지 않습니다');
  checkCityName('nameKo', input.nameKo);
  checkCityName('nameEn', input.nameEn);
  // Two creations of one id at once would both find the row without a preset and install theirs over
  // each other: in this process they run one after the other (the later finds the city taken).
  return creationsOf(platform).run(input.tenantId, () => createOnce(platform, input));
}

/** Creations in flight, per platform (the administrator's routes are served by the home app). */
const creations = new WeakMap<Platform, SerialByKey>();

function creationsOf(platform: Platform): SerialByKey {
  let serial = creations.get(platform);
  if (!serial) {
    serial = new SerialByKey();
    creations.set(platform, serial);
  }
  return serial;
}

async function createOnce(platform: Platform, input: NewTenantInput): Promise<CreatedTenant> {
  const fresh = await platform.tenants.create({
    id: input.tenantId,
    name: input.nameKo,
    nameEn: input.nameEn,
    currencyCode: 'KRW',
    timeZone: input.timeZone,
  });
  if (!fresh) {
    // Only the same request may finish a creation that failed half-way; any other finds the id taken.
    const existing = await platform.tenants.get(input.tenantId);
    if (
      !existing ||
      existing.preset ||
      existing.name !== input.nameKo ||
      (existing.nameEn ?? null) !== input.nameEn ||
      existing.timeZone !== input.timeZone
    )
      throw tenantExists(input.tenantId);
  }
  await installPreset(platform, input.tenantId, input.preset);
  const firstOperator = await registerFirstOperator(platform, input.tenantId, input.operatorPhone);
  await platform.tenants.markPresetInstalled(input.tenantId, input.preset);
  const tenant = await platform.tenants.get(input.tenantId);
  if (!tenant) throw new Error(`tenant ${input.tenantId} vanished while being created`);
  return { tenant, firstOperator };
}

async function registerFirstOperator(
  platform: Platform,
  tenantId: string,
  rawPhone = FIRST_OPERATOR_PHONE_DEFAULT,
) {
  const [district] = await platform.reference.listDistricts(tenantId);
  if (!district) throw new Error(`preset of ${tenantId} left no district for its first operator`);
  const password = randomBytes(18).toString('base64url');
  const existing = await platform.members.findByPhone(tenantId, rawPhone);
  // A retried creation cannot show the first password again: the earlier operator keeps it.
  if (existing) throw tenantExists(tenantId);
  const operator = await platform.members
    .signUp(tenantId, {
      phone: rawPhone,
      password,
      name: '운영자',
      birthDate: '1980-01-01',
      district: district.code,
      dong: district.nameKo,
    })
    .catch((error: unknown) => {
      // Another instance created the same city's first operator meanwhile: the city is taken.
      if (error instanceof DomainError && error.code === 'PHONE_ALREADY_REGISTERED')
        throw tenantExists(tenantId);
      throw error;
    });
  await platform.members.grantOperatorRoles(tenantId, operator.id, ALL_OPERATOR_ROLES);
  return { userId: operator.id, phone: operator.phone, password, roles: ALL_OPERATOR_ROLES };
}
