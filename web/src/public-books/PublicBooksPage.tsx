import { useParams } from 'react-router';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { PlainLayout } from '../app/AppShell.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { Page } from '../ui/Page.js';

type Books = Awaited<ReturnType<typeof loadBooks>>;

function loadBooks(tenant: string | undefined, signal: AbortSignal) {
  return call(api.GET('/v1/public/books', { signal, params: { query: tenant ? { tenant } : {} } }));
}

/** The public page of a tenant's books (no sign-in): `/books` or `/books/{tenantId}`. */
export function PublicBooksPage() {
  const { t } = useLanguage();
  const { tenantId } = useParams();
  const books = useApi(`books:${tenantId ?? ''}`, (signal) => loadBooks(tenantId, signal));
  return (
    <PlainLayout>
      <Page title={t('publicBooks.title')} intro={t('publicBooks.intro')} wide>
        <Loaded state={books}>{(data) => <BooksView books={data} />}</Loaded>
      </Page>
    </PlainLayout>
  );
}

function CheckpointLink({ sequence, tenantId }: { sequence: number; tenantId: string }) {
  const { t } = useLanguage();
  return (
    <a href={`/v1/public/checkpoints/${sequence}?tenant=${tenantId}`}>
      {t('publicBooks.computedAt', { sequence })}
    </a>
  );
}

function BooksView({ books }: { books: Books }) {
  const { t } = useLanguage();
  const format = useFormat();
  const figures = books.figures;
  if (!figures) return <p className="muted">{t('publicBooks.none')}</p>;
  const source = (name: string) =>
    name === 'national' || name === 'city' ? t(`publicBooks.sources.${name}`) : name;
  return (
    <>
      <section className="card">
        <h2>{t('publicBooks.circulation')}</h2>
        <p className="big-number">{format.won(figures.circulationWon)}</p>
        <CheckpointLink sequence={figures.checkpointSequence} tenantId={books.tenantId} />
      </section>
      <section className="card">
        <h2>{t('publicBooks.budgets')}</h2>
        {figures.budgetPots.map((pot) => (
          <div key={pot.potId}>
            <h3>{pot.name}</h3>
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">{t('publicBooks.bySource')}</th>
                    <th scope="col" className="number">
                      {t('publicBooks.funded')}
                    </th>
                    <th scope="col" className="number">
                      {t('publicBooks.spent')}
                    </th>
                    <th scope="col" className="number">
                      {t('publicBooks.remaining')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...pot.sources, { ...pot, source: t('publicBooks.total') }].map((row) => (
                    <tr key={row.source}>
                      <th scope="row">{source(row.source)}</th>
                      <td className="number">{format.won(row.fundedWon)}</td>
                      <td className="number">{format.won(row.spentWon)}</td>
                      <td className="number">{format.won(row.remainingWon)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
        <CheckpointLink sequence={figures.checkpointSequence} tenantId={books.tenantId} />
      </section>
      <section className="card">
        <h2>{t('publicBooks.checkpoints')}</h2>
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col" className="number">
                  {t('publicBooks.sequence')}
                </th>
                <th scope="col">{t('publicBooks.sealedAt')}</th>
                <th scope="col" className="number">
                  {t('publicBooks.transfers')}
                </th>
                <th scope="col">{t('publicBooks.root')}</th>
              </tr>
            </thead>
            <tbody>
              {books.checkpoints.map((checkpoint) => (
                <tr key={checkpoint.sequence}>
                  <td className="number">
                    <a href={`/v1/public/checkpoints/${checkpoint.sequence}?tenant=${books.tenantId}`}>
                      #{checkpoint.sequence}
                    </a>
                  </td>
                  <td>{format.dateTime(checkpoint.sealedAt)}</td>
                  <td className="number">{format.number(checkpoint.transferCount)}</td>
                  <td translate="no">
                    <code>{checkpoint.rootHash.slice(0, 16)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
