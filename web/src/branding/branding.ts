import { api } from '../api/client.js';
import { localName, useLanguage } from '../i18n/i18n.js';

export interface BrandingShape {
  tenantId: string;
  nameKo: string;
  nameEn: string;
  primaryColour: string;
  accentColour: string;
  logoUrl: string | null;
  custom: boolean;
}

const TENANT_KEY = 'hanbat.tenant';
let current: BrandingShape | null = null;

/** The city this page is for: `?tenant=` (remembered for the tab), else whatever the host name says. */
function chosenTenant(): string | undefined {
  const fromQuery = new URLSearchParams(globalThis.location?.search ?? '').get('tenant');
  if (fromQuery) globalThis.sessionStorage?.setItem(TENANT_KEY, fromQuery);
  return fromQuery ?? globalThis.sessionStorage?.getItem(TENANT_KEY) ?? undefined;
}

/**
 * Loads the city's branding (by host name or `?tenant=`) before the app renders and applies it: the
 * colours to the CSS variables every style uses, the name to the title. Without it the app keeps
 * Hanbat's own look.
 */
export async function loadBranding(): Promise<BrandingShape | null> {
  const tenant = chosenTenant();
  const { data } = await api
    .GET('/v1/branding', { params: { query: tenant ? { tenant } : {} } })
    .catch(() => ({ data: undefined }));
  if (!data) return null;
  current = data;
  if (!data.custom) return data;
  document.title = `${data.nameKo} · ${data.nameEn}`;
  const style = document.documentElement.style;
  style.setProperty('--blue', data.primaryColour);
  style.setProperty('--blue-dark', `color-mix(in srgb, ${data.primaryColour} 80%, black)`);
  style.setProperty('--blue-soft', `color-mix(in srgb, ${data.primaryColour} 10%, white)`);
  style.setProperty('--yellow', data.accentColour);
  return data;
}

/** The branding loaded at start, if any. */
export function currentBranding(): BrandingShape | null {
  return current;
}

/** The loaded branding when the city has set its own. */
export function customBranding(): BrandingShape | null {
  return current?.custom ? current : null;
}

/** The city's name in the page's language: its own branding's, else the default city's. */
export function useCityName(): string {
  const { t, language } = useLanguage();
  const branding = customBranding();
  return branding ? localName(branding, language) : t('app.brand');
}
