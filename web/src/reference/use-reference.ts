import { api, call } from '../api/client.js';
import type { District, Industry, Market } from '../api/types.js';
import { useApi } from '../api/use-api.js';

export interface Reference {
  districts: District[];
  industries: Industry[];
  markets: Market[];
}

let cached: Promise<Reference> | null = null;

/** Districts, industries and markets change with a preset, not during a visit: fetched once per page load. */
function loadReference(): Promise<Reference> {
  cached ??= Promise.all([
    call(api.GET('/v1/districts')),
    call(api.GET('/v1/industries')),
    call(api.GET('/v1/markets')),
  ]).then(([districts, industries, markets]) => ({
    districts: districts.items,
    industries: industries.items,
    markets: markets.items,
  }));
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

export function useReference() {
  return useApi('reference', () => loadReference());
}

/** Finds a reference item by its code, for showing a code as a name. */
export function byCode<Item extends { code: string }>(
  items: Item[] | undefined,
  code: string,
): Item | undefined {
  return items?.find((item) => item.code === code);
}
