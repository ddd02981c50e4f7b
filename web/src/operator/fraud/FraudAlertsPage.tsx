import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { useSubmit } from '../../api/use-submit.js';
import { useSession } from '../../auth/session.js';
import { localName, useLanguage } from '../../i18n/i18n.js';
import { useReference } from '../../reference/use-reference.js';
import { Button } from '../../ui/Button.js';
import { CheckboxField, SelectField, TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Badge, DataName, Page } from '../../ui/Page.js';
import { ALERT_STATUSES, FRAUD_RULES, type FraudAlert, SCORE_TONE, subjectName, withNames } from './types.js';

const MIN_SCORES = ['0', '50', '65', '80', '95'];
const STATUS_TONE = { open: 'warn', in_case: 'info', dismissed: 'neutral', confirmed: 'bad' } as const;

interface Filters {
  rule: string;
  status: string;
  minScore: string;
  district: string;
}

function AlertItem({
  alert,
  chosen,
  onChosen,
}: {
  alert: FraudAlert;
  chosen: boolean;
  onChosen: (chosen: boolean) => void;
}) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const district = reference.data?.districts.find((d) => d.code === alert.district);
  return (
    <li className="card fraud-alert" data-rule={alert.rule}>
      <div className="fraud-alert-head">
        <Badge tone={SCORE_TONE(alert.score)}>{t('fraud.score', { score: alert.score })}</Badge>{' '}
        <strong>{t(`fraud.rules.${alert.rule}`)}</strong>{' '}
        <Badge tone={STATUS_TONE[alert.status]}>{t(`fraud.status.${alert.status}`)}</Badge>
      </div>
      <p>
        {t(`fraud.subject.${alert.subjectKind}`)}:{' '}
        <DataName>{subjectName(alert, t('fraud.unknownParty'))}</DataName>
        {district && ` · ${localName(district, language)}`}
      </p>
      <p className="fraud-explanation">
        {withNames(language === 'en' ? alert.explanation.en : alert.explanation.ko, alert.names)}
      </p>
      <p className="muted">
        {t('fraud.evidenceCount', {
          payments: alert.evidence.paymentIds.length,
          transfers: alert.evidence.transferIds.length,
        })}{' '}
        ·{' '}
        {t('fraud.seen', {
          first: format.dateTime(alert.firstSeenAt),
          last: format.dateTime(alert.lastSeenAt),
        })}
      </p>
      {alert.status === 'open' ? (
        <CheckboxField label={t('fraud.select')} checked={chosen} onChecked={onChosen} />
      ) : (
        alert.caseId && <Link to={`/operator/fraud/cases/${alert.caseId}`}>{t('fraud.cases.open')}</Link>
      )}
    </li>
  );
}

function OpenCaseForm({ alertIds, onOpened }: { alertIds: string[]; onOpened: (caseId: string) => void }) {
  const { t } = useLanguage();
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const open = useSubmit(() =>
    call(
      api.POST('/v1/operator/fraud/cases', {
        body: {
          alertIds,
          ...(assignee.trim() ? { assignee: assignee.trim() } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      }),
    ),
  );
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (alertIds.length === 0) return;
    const opened = await open.submit(undefined);
    if (opened) onOpened(opened.caseId);
  };
  return (
    <form className="card fraud-open-case" onSubmit={onSubmit} noValidate>
      <h2>{t('fraud.openCase.title')}</h2>
      <p>
        {alertIds.length > 0
          ? t('fraud.openCase.selected', { count: alertIds.length })
          : t('fraud.openCase.none')}
      </p>
      <TextField
        label={t('fraud.openCase.assignee')}
        value={assignee}
        onValue={setAssignee}
        maxLength={64}
        optional
      />
      <TextField label={t('fraud.openCase.note')} value={note} onValue={setNote} maxLength={2000} optional />
      {open.status === 'failed' && <ErrorNotice error={open.error} />}
      <Button
        type="submit"
        busy={open.busy}
        busyLabel={t('fraud.openCase.submitting')}
        disabled={alertIds.length === 0}
      >
        {t('fraud.openCase.submit')}
      </Button>
    </form>
  );
}

function CaseList() {
  const { t } = useLanguage();
  const format = useFormat();
  const cases = useApi('fraud-cases', (signal) => call(api.GET('/v1/operator/fraud/cases', { signal })));
  return (
    <section className="fraud-cases" aria-labelledby="fraud-cases-title">
      <h2 id="fraud-cases-title">{t('fraud.cases.title')}</h2>
      <Loaded state={cases} isEmpty={(data) => data.items.length === 0} empty={t('fraud.cases.empty')}>
        {(data) => (
          <ul className="queue">
            {data.items.map((item) => (
              <li key={item.caseId}>
                <Link className="queue-item" to={`/operator/fraud/cases/${item.caseId}`}>
                  <span>
                    {[...new Set(item.evidence.map((a) => t(`fraud.rules.${a.rule}`)))].join(', ')} ·{' '}
                    {t('fraud.cases.alerts', { count: item.alertIds.length })} ·{' '}
                    {format.dateTime(item.createdAt)}
                  </span>
                  <Badge
                    tone={item.status === 'confirmed' ? 'bad' : item.status === 'open' ? 'warn' : 'neutral'}
                  >
                    {t(`fraud.caseStatus.${item.status}`)}
                  </Badge>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}

/** The alert queue: filter by rule, status, score and district; choose alerts and open a case. */
export function FraudAlertsPage() {
  const { t, language } = useLanguage();
  const navigate = useNavigate();
  const { me } = useSession();
  const reference = useReference();
  const canAct = me?.operatorRoles.includes('policy_admin') ?? false;
  const [filters, setFilters] = useState<Filters>({ rule: '', status: 'open', minScore: '0', district: '' });
  const [chosen, setChosen] = useState<string[]>([]);
  const alerts = useApi(JSON.stringify(filters), (signal) =>
    call(
      api.GET('/v1/operator/fraud/alerts', {
        signal,
        params: {
          query: {
            ...(filters.rule ? { rule: filters.rule as FraudAlert['rule'] } : {}),
            ...(filters.status ? { status: filters.status as FraudAlert['status'] } : {}),
            ...(filters.district ? { district: filters.district } : {}),
            minScore: Number(filters.minScore),
          },
        },
      }),
    ),
  );
  const set = (key: keyof Filters) => (value: string) => {
    setFilters((previous) => ({ ...previous, [key]: value }));
    setChosen([]);
  };
  const all = { value: '', label: t('fraud.filter.all') };
  return (
    <Page
      title={t('fraud.title')}
      intro={t('fraud.intro')}
      wide
      actions={<Link to="/operator/fraud/freezes">{t('fraud.freezes.title')}</Link>}
    >
      <div className="toolbar">
        <SelectField
          label={t('fraud.filter.rule')}
          value={filters.rule}
          onValue={set('rule')}
          options={[all, ...FRAUD_RULES.map((rule) => ({ value: rule, label: t(`fraud.rules.${rule}`) }))]}
        />
        <SelectField
          label={t('fraud.filter.status')}
          value={filters.status}
          onValue={set('status')}
          options={[all, ...ALERT_STATUSES.map((s) => ({ value: s, label: t(`fraud.status.${s}`) }))]}
        />
        <SelectField
          label={t('fraud.filter.minScore')}
          value={filters.minScore}
          onValue={set('minScore')}
          options={MIN_SCORES.map((score) => ({ value: score, label: score }))}
        />
        <SelectField
          label={t('fraud.filter.district')}
          value={filters.district}
          onValue={set('district')}
          options={[
            all,
            ...(reference.data?.districts ?? []).map((d) => ({
              value: d.code,
              label: localName(d, language),
            })),
          ]}
        />
      </div>
      <div className="master-detail">
        <div className="master">
          <Loaded state={alerts} isEmpty={(data) => data.items.length === 0} empty={t('fraud.queueEmpty')}>
            {(data) => (
              <ul className="fraud-alerts">
                {data.items.map((alert) => (
                  <AlertItem
                    key={alert.alertId}
                    alert={alert}
                    chosen={chosen.includes(alert.alertId)}
                    onChosen={(on) =>
                      setChosen((previous) =>
                        on ? [...previous, alert.alertId] : previous.filter((id) => id !== alert.alertId),
                      )
                    }
                  />
                ))}
              </ul>
            )}
          </Loaded>
        </div>
        <div className="detail">
          {canAct ? (
            <OpenCaseForm
              alertIds={chosen}
              onOpened={(caseId) => navigate(`/operator/fraud/cases/${caseId}`)}
            />
          ) : (
            <Notice tone="info">{t('fraud.readOnly')}</Notice>
          )}
          <CaseList />
        </div>
      </div>
    </Page>
  );
}
