import { useState } from 'react';
import { api, call } from '../api/client.js';
import { useApi, useReloadOn } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { type FundApplication, FundApplicationCard } from './MerchantFundsPage.js';

function PoolReport({ version }: { version: number }) {
  const { t } = useLanguage();
  const format = useFormat();
  const report = useApi('fund-pool', (signal) => call(api.GET('/v1/operator/fund-pool', { signal })));
  useReloadOn(version, report.reload);
  const data = report.data;
  if (!data) return null;
  const lines: Array<[string, string]> = [
    [t('funds.review.funded'), format.won(data.fundedWon)],
    [t('funds.review.available'), format.won(data.availableWon)],
    [t('funds.review.committed'), format.won(data.committedWon)],
    [t('funds.review.disbursed'), format.won(data.disbursedWon)],
    [t('funds.review.repaid'), format.won(data.repaidWon)],
    [t('funds.review.outstanding'), format.won(data.outstandingWon)],
    [t('funds.review.subsidy'), format.won(data.subsidyPaidWon)],
    [t('funds.review.overdue'), String(data.overdueInstallments)],
  ];
  return (
    <section className="card" aria-labelledby="fund-pool-title">
      <h2 id="fund-pool-title">{t('funds.review.pool')}</h2>
      <dl className="receipt-lines" data-testid="fund-pool">
        {lines.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ReviewActions({ application, onDone }: { application: FundApplication; onDone: () => void }) {
  const { t } = useLanguage();
  const [note, setNote] = useState('');
  const decide = useSubmit(async (decision: 'approve' | 'reject') => {
    const path = { params: { path: { applicationId: application.applicationId } } };
    return decision === 'approve'
      ? call(
          api.POST('/v1/operator/fund-applications/{applicationId}/approve', {
            params: {
              path: path.params.path,
              // An approval is idempotent by the application's state; the key is per click.
              header: { 'idempotency-key': `approve-${application.applicationId}` },
            },
          }),
        )
      : call(
          api.POST('/v1/operator/fund-applications/{applicationId}/reject', {
            ...path,
            body: { note: note.trim() },
          }),
        );
  });
  const run = async (decision: 'approve' | 'reject') => {
    if (await decide.submit(decision)) onDone();
  };
  return (
    <div className="form">
      {decide.status === 'failed' && <ErrorNotice error={decide.error} />}
      <Button onClick={() => run('approve')} busy={decide.busy}>
        {t('funds.review.approve')}
      </Button>
      <TextField label={t('funds.review.rejectNote')} value={note} onValue={setNote} />
      <Button variant="ghost" onClick={() => run('reject')} disabled={!note.trim() || decide.busy}>
        {t('funds.review.reject')}
      </Button>
    </div>
  );
}

/** The operator reviews fund applications and watches the pool. */
export function FundReviewPage() {
  const { t } = useLanguage();
  const [version, setVersion] = useState(0);
  const list = useApi('fund-review', (signal) => call(api.GET('/v1/operator/fund-applications', { signal })));
  const items = list.data?.items ?? [];
  const reviewable = (status: string) => status === 'pending_review' || status === 'disbursement_failed';
  return (
    <Page title={t('funds.review.title')} intro={t('funds.review.intro')}>
      <PoolReport version={version} />
      <section className="card" aria-labelledby="fund-queue-title">
        <h2 id="fund-queue-title">{t('funds.review.queue')}</h2>
        {items.length === 0 ? (
          <p>{t('funds.review.empty')}</p>
        ) : (
          <ul className="plain-list">
            {items.map((application) => (
              <div key={application.applicationId}>
                <FundApplicationCard application={application} />
                {reviewable(application.status) && (
                  <ReviewActions
                    application={application}
                    onDone={() => {
                      setVersion((v) => v + 1);
                      list.reload();
                    }}
                  />
                )}
              </div>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
