import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { DomainError, invalidInput } from '../../errors.js';
import type { TenantService } from '../tenants/tenant-service.js';

/** How a city's web app looks: its names, two colours and a logo. Data, set per tenant. */
export interface Branding {
  tenantId: string;
  /** The host name this city's web app is served on (e.g. onnuri.example.kr), if it has its own. */
  host: string | null;
  nameKo: string;
  nameEn: string;
  primaryColour: string;
  accentColour: string;
  hasLogo: boolean;
  /** False: no branding set yet; the names are the tenant's and the colours Hanbat's own. */
  custom: boolean;
}

export interface BrandingInput {
  host?: string | null;
  nameKo: string;
  nameEn: string;
  primaryColour: string;
  accentColour: string;
  logoSvg?: string | null;
}

/** Hanbat's own colours, for a city that has not chosen its own yet. */
const DEFAULT_PRIMARY = '#0b4a8f';
const DEFAULT_ACCENT = '#f5b400';

const SELECT = `select tenant_id as "tenantId", host, name_ko as "nameKo", name_en as "nameEn",
  primary_colour as "primaryColour", accent_colour as "accentColour", logo_svg is not null as "hasLogo",
  true as custom from tenant_brandings`;

export class BrandingService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tenants: TenantService,
  ) {}

  /** The tenant's branding, or its names in Hanbat's colours when it has none. */
  async get(tenantId: string): Promise<Branding> {
    const [row] = await this.db.query<Branding>(`${SELECT} where tenant_id = $1`, [tenantId]);
    if (row) return row;
    const tenant = await this.tenants.get(tenantId);
    if (!tenant) throw unknownTenant(tenantId);
    return {
      tenantId,
      host: null,
      nameKo: tenant.name,
      nameEn: tenant.nameEn ?? tenant.name,
      primaryColour: DEFAULT_PRIMARY,
      accentColour: DEFAULT_ACCENT,
      hasLogo: false,
      custom: false,
    };
  }

  /** The tenant whose web app is served on this host name, if any. */
  async tenantOfHost(host: string): Promise<string | null> {
    const [row] = await this.db.query<{ tenantId: string }>(
      'select tenant_id as "tenantId" from tenant_brandings where host = $1',
      [host.toLowerCase()],
    );
    return row?.tenantId ?? null;
  }

  async logoSvg(tenantId: string): Promise<string | null> {
    const [row] = await this.db.query<{ logo: string | null }>(
      'select logo_svg as logo from tenant_brandings where tenant_id = $1',
      [tenantId],
    );
    return row?.logo ?? null;
  }

  async set(tenantId: string, input: BrandingInput): Promise<Branding> {
    if (!(await this.tenants.get(tenantId))) throw unknownTenant(tenantId);
    if (input.logoSvg && !isPlainSvg(input.logoSvg))
      throw invalidInput(
        'the logo must be an SVG document without scripts, event handlers or external references',
        '로고는 스크립트·이벤트 처리기·외부 참조가 없는 SVG여야 합니다',
      );
    const host = input.host?.toLowerCase() ?? null;
    if (host) {
      const owner = await this.tenantOfHost(host);
      if (owner && owner !== tenantId)
        throw new DomainError({
          code: 'HOST_TAKEN',
          httpStatus: 409,
          message: `host ${host} already serves another tenant`,
          messageKo: `${host}는 이미 다른 지역이 쓰고 있습니다`,
        });
    }
    await this.db.query(
      `insert into tenant_brandings (tenant_id, host, name_ko, name_en, primary_colour, accent_colour, logo_svg, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (tenant_id) do update set host = $2, name_ko = $3, name_en = $4, primary_colour = $5,
         accent_colour = $6, logo_svg = $7, updated_at = $8`,
      [
        tenantId,
        host,
        input.nameKo,
        input.nameEn,
        input.primaryColour.toLowerCase(),
        input.accentColour.toLowerCase(),
        input.logoSvg ?? null,
        this.clock.now(),
      ],
    );
    return this.get(tenantId);
  }
}

/** An SVG we can serve from our own origin: no script, no on* handler, no external or javascript: link. */
function isPlainSvg(svg: string): boolean {
  if (!/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/i.test(svg)) return false;
  return !/<script|<foreignObject|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*["']?\s*(?:https?:|\/\/|data:)/i.test(
    svg,
  );
}

function unknownTenant(tenantId: string): DomainError {
  return new DomainError({
    code: 'TENANT_NOT_FOUND',
    httpStatus: 404,
    message: `no tenant ${tenantId}`,
    messageKo: `${tenantId} 지역이 없습니다`,
  });
}
