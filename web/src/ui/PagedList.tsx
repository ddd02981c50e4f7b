import type { ReactNode } from 'react';
import type { Paged } from '../api/use-paged.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';
import { Empty, Loading } from './Loaded.js';
import { ErrorNotice } from './Notice.js';

interface PagedListProps<Item> {
  paged: Paged<Item>;
  empty: ReactNode;
  children: (items: Item[]) => ReactNode;
}

/** Loading, empty, error and "show more" for any cursor-paged list. */
export function PagedList<Item>({ paged, empty, children }: PagedListProps<Item>) {
  const { t } = useLanguage();
  if (paged.status === 'loading' && paged.items.length === 0) return <Loading />;
  if (paged.status === 'failed' && paged.items.length === 0 && paged.error) {
    return <ErrorNotice error={paged.error} onRetry={paged.reload} />;
  }
  return (
    <div className="paged" aria-busy={paged.status === 'loading' || paged.loadingMore || undefined}>
      {paged.items.length === 0 ? <Empty>{empty}</Empty> : children(paged.items)}
      {paged.error && paged.items.length > 0 && <ErrorNotice error={paged.error} onRetry={paged.loadMore} />}
      {paged.hasMore && (
        <Button
          variant="secondary"
          wide
          onClick={paged.loadMore}
          busy={paged.loadingMore}
          busyLabel={t('app.loadingMore')}
        >
          {t('app.loadMore')}
        </Button>
      )}
    </div>
  );
}
