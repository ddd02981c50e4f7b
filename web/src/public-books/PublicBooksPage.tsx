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
            <table>
              <thead>
                <tr>
                  <th>{t('publicBooks.bySource')}</th>
                  <th>{t('publicBooks.funded')}</th>
                  <th>{t('publicBooks.spent')}</th>
                  <th>{t('publicBooks.remaining')}</th>
                </tr>
              </thead>
              <tbody>
                {[...pot.sources, { ...pot, source: t('publicBooks.total') }].map((row) => (
                  <tr key={row.source}>
                    <th scope="row">{source(row.source)}</th>
                    <td>{format.won(row.fundedWon)}</td>
                    <td>{format.won(row.spentWon)}</td>
                    <td>{format.won(row.remainingWon)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        <CheckpointLink sequence={figures.checkpointSequence} tenantId={books.tenantId} />
      </section>
      <section className="card">
        <h2>{t('publicBooks.checkpoints')}</h2>
        <table>
          <thead>
            <tr>
              <th>{t('publicBooks.sequence')}</th>
              <th>{t('publicBooks.sealedAt')}</th>
              <th>{t('publicBooks.transfers')}</th>
              <th>{t('publicBooks.root')}</th>
            </tr>
          </thead>
          <tbody>
            {books.checkpoints.map((checkpoint) => (
              <tr key={checkpoint.sequence}>
                <td>
                  <a href={`/v1/public/checkpoints/${checkpoint.sequence}?tenant=${books.tenantId}`}>
                    #{checkpoint.sequence}
                  </a>
                </td>
                <td>{format.dateTime(checkpoint.sealedAt)}</td>
                <td>{format.number(checkpoint.transferCount)}</td>
                <td translate="no">
                  <code>{checkpoint.rootHash.slice(0, 16)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
