import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { MerchantApplication } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { useSubmit } from '../api/use-submit.js';
import { useSession } from '../auth/session.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { ReasonList } from '../merchant/ReasonList.js';
import { byCode, useReference } from '../reference/use-reference.js';
import { Button } from '../ui/Button.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';

const STATUSES = ['pending', 'approved', 'rejected', 'refused'] as const;
type Status = (typeof STATUSES)[number];
const PAGE_SIZE = 20;

function ApplicationDetails({ application }: { application: MerchantApplication }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const industry = byCode(reference.data?.industries, application.industryCode);
  const district = byCode(reference.data?.districts, application.district);
  const market = reference.data?.markets.find((candidate) => candidate.id === application.marketId);
  const { franchise, settlementAccount } = application;
  return (
    <dl className="details-grid">
      <dt>{t('operator.review.businessNumber')}</dt>
      <dd className="mono">{format.businessNumber(application.businessNumber)}</dd>
      <dt>{t('operator.review.industry')}</dt>
      <dd>{industry ? localName(industry, language) : '—'}</dd>
      <dt>{t('operator.review.location')}</dt>
      <dd>
        {district ? localName(district, language) : application.district}{' '}
        <DataName>{application.dong}</DataName>
      </dd>
      <dt>{t('operator.review.market')}</dt>
      <dd>{market ? localName(market, language) : t('app.none')}</dd>
      <dt>{t('operator.review.revenue')}</dt>
      <dd>{format.won(application.annualRevenueWon)}</dd>
      <dt>{t('operator.review.franchise')}</dt>
      <dd>
        {franchise.isFranchise ? (
          <>
            <DataName>{franchise.brand ?? ''}</DataName>
            {franchise.headquartersRegion && ` · ${t(`regions.${franchise.headquartersRegion}`)}`}
            {franchise.directlyOperated && ` · ${t('operator.review.directlyOperated')}`}
          </>
        ) : (
          t('operator.review.franchiseNo')
        )}
      </dd>
      <dt>{t('operator.review.settlement')}</dt>
      <dd>
        {settlementAccount ? (
          <>
            {format.bank(settlementAccount.bankCode)}{' '}
            <span className="mono">{settlementAccount.accountNumber}</span>{' '}
            <DataName>{settlementAccount.holderName}</DataName>
          </>
        ) : (
          t('operator.review.settlementNone')
        )}
      </dd>
      <dt>{t('operator.review.appliedAt')}</dt>
      <dd>{format.dateTime(application.createdAt)}</dd>
    </dl>
  );
}

interface DecisionProps {
  application: MerchantApplication;
  onDecided: (message: string) => void;
}

function Decision({ application, onDecided }: DecisionProps) {
  const { t } = useLanguage();
  const [reason, setReason] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const path = { params: { path: { id: application.id } } };
  const approve = useSubmit(() => call(api.POST('/v1/operator/merchants/{id}/approve', path)));
  const reject = useSubmit((text: string) =>
    call(api.POST('/v1/operator/merchants/{id}/reject', { ...path, body: { reason: text } })),
  );
  const reasonError = reason.trim() ? null : t('validation.required');

  const onApprove = async () => {
    const approved = await approve.submit(undefined);
    if (approved)
      onDecided(t('operator.review.approved', { name: application.name, code: approved.merchantCode }));
  };
  const onReject = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (reasonError) return;
    if (await reject.submit(reason.trim()))
      onDecided(t('operator.review.rejected', { name: application.name }));
  };

  return (
    <div className="decision">
      {approve.status === 'failed' && <ErrorNotice error={approve.error} />}
      <Button
        onClick={onApprove}
        busy={approve.busy}
        busyLabel={t('operator.review.approving')}
        disabled={reject.busy}
      >
        {t('operator.review.approve')}
      </Button>
      <form className="reject-form" onSubmit={onReject} noValidate>
        <TextField
          label={t('operator.review.rejectReason')}
          value={reason}
          onValue={setReason}
          maxLength={500}
          error={showErrors ? reasonError : null}
        />
        {reject.status === 'failed' && <ErrorNotice error={reject.error} />}
        <Button
          type="submit"
          variant="danger"
          busy={reject.busy}
          busyLabel={t('operator.review.rejecting')}
          disabled={approve.busy}
        >
          {t('operator.review.reject')}
        </Button>
      </form>
    </div>
  );
}

const STATUS_TONE = { pending: 'info', approved: 'good', rejected: 'bad', refused: 'bad' } as const;

/** The review queue: applications on the left, the chosen one's details, rule results and decision on the right. */
export function ReviewPage() {
  const { t } = useLanguage();
  const { me } = useSession();
  const [status, setStatus] = useState<Status>('pending');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [decided, setDecided] = useState<string | null>(null);
  const queue = usePaged(status, (cursor, signal) =>
    call(
      api.GET('/v1/operator/merchants', {
        signal,
        params: { query: { status, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const selected = queue.items.find((application) => application.id === selectedId) ?? null;
  const canDecide = me?.operatorRoles.includes('merchant_reviewer') ?? false;

  return (
    <Page title={t('operator.review.title')} wide>
      <div className="toolbar">
        <SelectField
          label={t('operator.review.status')}
          value={status}
          onValue={(next) => {
            setStatus(next as Status);
            setSelectedId(null);
          }}
          options={STATUSES.map((value) => ({ value, label: t(`merchant.applications.status.${value}`) }))}
        />
      </div>
      {decided && <Notice tone="success">{decided}</Notice>}
      <div className="master-detail">
        <div className="master">
          <PagedList paged={queue} empty={t('operator.review.queueEmpty')}>
            {(items) => (
              <ul className="queue">
                {items.map((application) => (
                  <li key={application.id}>
                    <button
                      type="button"
                      className="queue-item"
                      aria-pressed={application.id === selectedId}
                      onClick={() => setSelectedId(application.id)}
                    >
                      <DataName>{application.name}</DataName>
                      <Badge tone={STATUS_TONE[application.status]}>
                        {t(`merchant.applications.status.${application.status}`)}
                      </Badge>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </PagedList>
        </div>
        <section className="card detail" aria-live="polite" aria-label={t('operator.review.applicant')}>
          {selected ? (
            <>
              <h2>
                <DataName>{selected.name}</DataName>
              </h2>
              <ApplicationDetails application={selected} />
              <h3>{t('operator.review.rules')}</h3>
              <ReasonList reasons={selected.reasons} />
              {selected.status === 'pending' &&
                (canDecide ? (
                  <Decision
                    key={selected.id}
                    application={selected}
                    onDecided={(message) => {
                      setDecided(message);
                      setSelectedId(null);
                      queue.reload();
                    }}
                  />
                ) : (
                  <Notice tone="info">{t('operator.review.reviewerOnly')}</Notice>
                ))}
            </>
          ) : (
            <p className="muted">{t('operator.review.select')}</p>
          )}
        </section>
      </div>
    </Page>
  );
}
