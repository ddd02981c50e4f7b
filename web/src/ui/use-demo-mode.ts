import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';

/** True only on a demo server: made-up markets and demo shops are shown (and marked) there alone. */
export function useDemoMode(): boolean {
  const mode = useApi('mode', (signal) => call(api.GET('/v1/mode', { signal })));
  return mode.data?.mode === 'demo';
}
