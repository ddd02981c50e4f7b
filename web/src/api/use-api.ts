import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './problem.js';

export type Loadable<Data> =
  | { status: 'loading'; data: Data | undefined; error: null }
  | { status: 'ready'; data: Data; error: null }
  | { status: 'failed'; data: Data | undefined; error: ApiError };

/** What a screen was last told, and the key it was told it for. */
export interface KeyedLoadable<Data> {
  key: string | null;
  loadable: Loadable<Data>;
}

const LOADING = { status: 'loading', data: undefined, error: null } as const;

/** Data belongs to the key it was loaded for: kept while the same key reloads, never carried to another. */
function dataFor<Data>(previous: KeyedLoadable<Data>, key: string | null): Data | undefined {
  return previous.key === key ? previous.loadable.data : undefined;
}

export function loadStarted<Data>(previous: KeyedLoadable<Data>, key: string): KeyedLoadable<Data> {
  return { key, loadable: { status: 'loading', data: dataFor(previous, key), error: null } };
}

export function loadSucceeded<Data>(key: string, data: Data): KeyedLoadable<Data> {
  return { key, loadable: { status: 'ready', data, error: null } };
}

export function loadFailed<Data>(
  previous: KeyedLoadable<Data>,
  key: string,
  error: ApiError,
): KeyedLoadable<Data> {
  return { key, loadable: { status: 'failed', data: dataFor(previous, key), error } };
}

/**
 * What the screen shows for `key`: only what was loaded for that key. Right after the key changes
 * (before its load has even started) that is nothing yet, not the previous key's answer.
 */
export function loadableFor<Data>(state: KeyedLoadable<Data>, key: string | null): Loadable<Data> {
  return key !== null && state.key === key ? state.loadable : LOADING;
}

/**
 * Loads data for a screen and reloads it whenever `key` changes (the key names everything the load
 * depends on, e.g. the filters). An answer that arrives after the key moved on is dropped, and a
 * new key starts without data: to refresh the same data in place, call `reload`.
 */
export function useApi<Data>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<Data>,
): Loadable<Data> & { reload: () => void } {
  const [state, setState] = useState<KeyedLoadable<Data>>({ key: null, loadable: LOADING });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what is loaded; a new version reloads it.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((previous) => loadStarted(previous, key));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState(loadSucceeded(key, data));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null);
        setState((previous) => loadFailed(previous, key, apiError));
      },
    );
    return () => controller.abort();
  }, [key, version]);

  const reload = useCallback(() => setVersion((current) => current + 1), []);
  return { ...loadableFor(state, key), reload };
}

/**
 * Refreshes in place when `change` differs from the last render's (a parent's count of edits), so a
 * list keeps its rows on screen while it reloads instead of starting empty under a new key.
 */
export function useReloadOn(change: unknown, reload: () => void): void {
  const seen = useRef(change);
  useEffect(() => {
    if (Object.is(seen.current, change)) return;
    seen.current = change;
    reload();
  }, [change, reload]);
}
