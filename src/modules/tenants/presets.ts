import type { Tenant } from './tenant-service.js';

/** 온통대전: Daejeon's local currency, the first preset. */
export const DAEJEON_TENANT: Tenant = {
  id: 'daejeon',
  name: '온통대전',
  currencyCode: 'KRW',
  timeZone: 'Asia/Seoul',
};
