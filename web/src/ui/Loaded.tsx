import type { ReactNode } from 'react';
import type { Loadable } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { ErrorNotice } from './Notice.js';

export function Loading({ label }: { label?: string }) {
  const { t } = useLanguage();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

interface LoadedProps<Data> {
  state: Loadable<Data> & { reload: () => void };
  children: (data: Data) => ReactNode;
  /** Shown instead of children when the data is there but has nothing to show. */
  isEmpty?: (data: Data) => boolean;
  empty?: ReactNode;
}

/**
 * The three states of loaded data, handled the same way on every screen. While a reload runs, the
 * previous data stays on screen (marked busy) instead of flashing a spinner.
 */
export function Loaded<Data>({ state, children, isEmpty, empty }: LoadedProps<Data>) {
  if (state.status === 'failed') return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  const data = state.data;
  return (
    <div className="loaded" aria-busy={state.status === 'loading' || undefined}>
      {isEmpty?.(data) ? <Empty>{empty}</Empty> : children(data)}
    </div>
  );
}
