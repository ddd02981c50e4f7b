import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './problem.js';

export type Loadable<Data> =
  | { status: 'loading'; data: Data | undefined; error: null }
  | { status: 'ready'; data: Data; error: null }
  | { status: 'failed'; data: Data | undefined; error: ApiError };

/**
 * Loads data for a screen and reloads it whenever `key` changes (the key names everything the load
 * depends on, e.g. the filters). An answer that arrives after the key moved on is dropped.
 */
export function useApi<Data>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<Data>,
): Loadable<Data> & { reload: () => void } {
  const [state, setState] = useState<Loadable<Data>>({ status: 'loading', data: undefined, error: null });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // A reload is a new request for the same key.
  const requestKey = key === null ? null : `${version}:${key}`;

  useEffect(() => {
    if (requestKey === null) return;
    const controller = new AbortController();
    setState((previous) => ({ status: 'loading', data: previous.data, error: null }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null);
        setState((previous) => ({ status: 'failed', data: previous.data, error: apiError }));
      },
    );
    return () => controller.abort();
  }, [requestKey]);

  const reload = useCallback(() => setVersion((current) => current + 1), []);
  return { ...state, reload };
}
