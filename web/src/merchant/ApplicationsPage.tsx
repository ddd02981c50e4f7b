import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import type { MerchantApplication } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSession } from '../auth/session.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { byCode, useReference } from '../reference/use-reference.js';
import { EmptyState } from '../ui/EmptyState.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { ReasonList } from './ReasonList.js';

const STATUS_TONE = { pending: 'info', approved: 'good', rejected: 'bad', refused: 'bad' } as const;

function ApplicationCard({ application }: { application: MerchantApplication }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const industry = byCode(reference.data?.industries, application.industryCode);
  return (
    <li className="card application">
      <div className="application-head">
        <h2>
          <DataName>{application.name}</DataName>
        </h2>
        <Badge tone={STATUS_TONE[application.status]}>
          {t(`merchant.applications.status.${application.status}`)}
        </Badge>
      </div>
      <p className="muted">
        {industry ? localName(industry, language) : application.industryCode} ·{' '}
        {t('merchant.applications.appliedAt', { date: format.date(application.createdAt) })}
        {application.reviewedAt &&
          ` · ${t('merchant.applications.reviewedAt', { date: format.date(application.reviewedAt) })}`}
      </p>
      {application.merchantCode && (
        <p>
          {t('merchant.applications.merchantCode')}:{' '}
          <strong className="mono">{application.merchantCode}</strong>
        </p>
      )}
      {application.reviewNote && (
        <p>
          {t('merchant.applications.reviewNote')}: <DataName>{application.reviewNote}</DataName>
        </p>
      )}
      <details>
        <summary>{t('merchant.applications.reasons')}</summary>
        <ReasonList reasons={application.reasons} />
      </details>
    </li>
  );
}

export function ApplicationsPage() {
  const { t } = useLanguage();
  const { me, refreshMe } = useSession();
  const applications = useApi('my-applications', (signal) =>
    call(api.GET('/v1/me/merchant-applications', { signal })),
  );
  // An application approved since sign-in opens the merchant console without signing in again.
  const newlyApproved = (applications.data?.items ?? []).some(
    (application) => application.status === 'approved' && !me?.merchantIds.includes(application.id),
  );
  useEffect(() => {
    if (newlyApproved) void refreshMe();
  }, [newlyApproved, refreshMe]);
  return (
    <Page
      title={t('merchant.applications.title')}
      actions={
        <Link to="/merchant/apply" className="button button-primary">
          {t('merchant.applications.applyNew')}
        </Link>
      }
    >
      <Loaded
        state={applications}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState
            title={t('trust.empty.applications')}
            next={t('trust.empty.applicationsNext')}
            action={{ to: '/merchant/apply', label: t('trust.empty.toApply') }}
          />
        }
      >
        {(data) => (
          <ul className="application-list">
            {data.items.map((application) => (
              <ApplicationCard key={application.id} application={application} />
            ))}
          </ul>
        )}
      </Loaded>
    </Page>
  );
}
