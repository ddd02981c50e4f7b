import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';

/** The city's rule values in force now (public), by key: caps, windows, thresholds to explain to members. */
export function useRuleValues() {
  const current = useApi('policies-current', (signal) => call(api.GET('/v1/policies/current', { signal })));
  const values = new Map((current.data?.rules ?? []).map((rule) => [rule.key as string, rule.value]));
  return (key: string): number | null => values.get(key) ?? null;
}
