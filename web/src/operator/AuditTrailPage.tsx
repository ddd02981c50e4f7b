import { api, call } from '../api/client.js';
import type { OperatorAction } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { downloadCsv } from '../ui/csv-file.js';
import { useFormat } from '../ui/format-hooks.js';
import { Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';

const PAGE_SIZE = 25;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const KNOWN_ACTIONS = [
  'policy.create',
  'policy.preset',
  'policy.rule_create',
  'merchant.approve',
  'merchant.reject',
  'budget.create',
  'budget.top_up',
  'member.welfare',
] as const;

function useActionName() {
  const { t } = useLanguage();
  return (action: string) =>
    (KNOWN_ACTIONS as readonly string[]).includes(action)
      ? t(`operator.trail.actions.${action as (typeof KNOWN_ACTIONS)[number]}`)
      : t('operator.trail.actions.other', { action });
}

/** Details are whatever the action recorded: shown as name and value, one level deep. */
function DetailList({ details }: { details: OperatorAction['details'] }) {
  const format = useFormat();
  const shown = (value: unknown) =>
    typeof value === 'string' && INSTANT_PATTERN.test(value) ? format.dateTime(value) : String(value);
  const entries = Object.entries(details).filter(([, value]) => value !== null && typeof value !== 'object');
  if (entries.length === 0) return null;
  return (
    <dl className="inline-details" translate="no">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{shown(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditTrailPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const actionName = useActionName();
  const trail = usePaged('trail', (cursor, signal) =>
    call(
      api.GET('/v1/operator/audit-trail', {
        signal,
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  return (
    <Page title={t('operator.trail.title')} intro={t('operator.trail.intro')} wide>
      <PagedList paged={trail} empty={t('operator.trail.empty')}>
        {(items) => (
          <div className="table-scroll">
            <div className="file-actions">
              <Button
                variant="secondary"
                onClick={() =>
                  downloadCsv(
                    'audit-trail.csv',
                    [
                      t('trust.files.columns.date'),
                      t('trust.files.columns.action'),
                      t('trust.files.columns.subject'),
                      t('trust.files.columns.actor'),
                    ],
                    items.map((item) => [
                      format.dateTime(item.at),
                      actionName(item.action),
                      item.subjectId,
                      item.actorUserId,
                    ]),
                  )
                }
              >
                {t('trust.files.excel')}
              </Button>
            </div>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('operator.trail.at')}</th>
                  <th scope="col">{t('operator.trail.action')}</th>
                  <th scope="col">{t('operator.trail.subject')}</th>
                  <th scope="col">{t('operator.trail.actor')}</th>
                  <th scope="col">{t('operator.trail.details')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.seq}>
                    <td>{format.dateTime(item.at)}</td>
                    <td>{actionName(item.action)}</td>
                    <td className="mono">{item.subjectId}</td>
                    <td className="mono">{item.actorUserId}</td>
                    <td>
                      <DetailList details={item.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </Page>
  );
}
