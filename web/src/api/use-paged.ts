import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './problem.js';

export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

export interface Paged<Item> {
  items: Item[];
  status: 'loading' | 'ready' | 'failed';
  /** Loading a further page, with the pages so far still shown. */
  loadingMore: boolean;
  error: ApiError | null;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null);
}

/** The rows on screen for `key`: only those loaded under it. */
export function shownPage<Item>(
  loaded: { items: Item[]; itemsKey: string | null; cursor: string | null },
  key: string,
): { items: Item[]; hasMore: boolean } {
  const shown = loaded.itemsKey === key;
  return { items: shown ? loaded.items : [], hasMore: shown && loaded.cursor !== null };
}

/**
 * A cursor-paged list: the first page whenever `key` (the filters) changes, then more on request.
 * Items are shown only under the key they were loaded for: a new filter starts empty (never the old
 * filter's rows under the new heading, loading or failed), a further page that arrives after the key
 * changed is dropped, and `reload()` keeps the rows on screen while it refreshes them.
 */
export function usePaged<Item>(
  key: string,
  loadPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<Item>>,
): Paged<Item> {
  const [items, setItems] = useState<Item[]>([]);
  const [itemsKey, setItemsKey] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<Paged<Item>['status']>('loading');
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;
  const requestKey = `${version}:${key}`;
  const currentRequest = useRef(requestKey);
  currentRequest.current = requestKey;

  // biome-ignore lint/correctness/useExhaustiveDependencies: requestKey names everything the load depends on.
  useEffect(() => {
    const controller = new AbortController();
    setStatus('loading');
    setError(null);
    loadRef.current(null, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setItemsKey(key);
        setCursor(page.nextCursor);
        setStatus('ready');
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(failure));
        setStatus('failed');
      },
    );
    return () => controller.abort();
  }, [requestKey]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const startedFor = currentRequest.current;
    const stale = () => currentRequest.current !== startedFor;
    setLoadingMore(true);
    setError(null);
    loadRef
      .current(cursor, new AbortController().signal)
      .then((page) => {
        if (stale()) return;
        setItems((current) => [...current, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch((failure: unknown) => {
        if (!stale()) setError(asApiError(failure));
      })
      .finally(() => setLoadingMore(false));
  }, [cursor, loadingMore]);

  const reload = useCallback(() => setVersion((current) => current + 1), []);
  return { ...shownPage({ items, itemsKey, cursor }, key), status, loadingMore, error, loadMore, reload };
}
