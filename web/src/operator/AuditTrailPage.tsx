import { api, call } from '../api/client.js';
import type { OperatorAction } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { useLanguage } from '../i18n/i18n.js';
import { DownloadButtons } from '../ui/DownloadButtons.js';
import { useFormat } from '../ui/format-hooks.js';
import { DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';
import { useOperatorLabels } from './labels.js';
import { SHOWN_DETAILS } from './trail-details.js';

const PAGE_SIZE = 25;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A detail value as people read it: rule names, won, rates and Korean dates instead of raw values. */
function useDetailValue() {
  const format = useFormat();
  const labels = useOperatorLabels();
  return (name: string, value: unknown, details: OperatorAction['details']): string => {
    if (name === 'key' && typeof value === 'string') return labels.rule(value);
    if (typeof value === 'number') {
      if (name.endsWith('Won')) return format.won(value);
      if (name.endsWith('Bp')) return format.rate(value);
      if (name === 'value' && typeof details.key === 'string' && details.key.endsWith('_won'))
        return format.won(value);
      return format.number(value);
    }
    if (typeof value === 'string' && INSTANT_PATTERN.test(value))
      return name === 'effectiveTo' || name === 'expiresAt' ? format.until(value) : format.dateTime(value);
    if (typeof value === 'string' && DATE_PATTERN.test(value)) return format.calendarDate(value);
    return String(value);
  };
}

function useActionText() {
  const { t } = useLanguage();
  const format = useFormat();
  const labels = useOperatorLabels();
  const detailValue = useDetailValue();
  return {
    action: (item: OperatorAction) => labels.action(item.action),
    actor: (item: OperatorAction) => item.actorName ?? t('trust.trail.system'),
    /** The kind of subject, and its name (data, as typed) or date where it has one. */
    subject: (item: OperatorAction): { kind: string; name: string | null; date: string | null } => ({
      kind: labels.subjectType(item.subjectType),
      name: item.subjectName ?? (typeof item.details.name === 'string' ? item.details.name : null),
      date: DATE_PATTERN.test(item.subjectId) ? format.calendarDate(item.subjectId) : null,
    }),
    details: (item: OperatorAction) =>
      Object.entries(item.details)
        .filter(([name, value]) => SHOWN_DETAILS.has(name) && value !== null && typeof value !== 'object')
        .map(([name, value]) => ({
          name: labels.detail(name, item.action),
          value: detailValue(name, value, item.details),
          typed: name === 'name' || name === 'reason',
        })),
  };
}

type SubjectParts = ReturnType<ReturnType<typeof useActionText>['subject']>;

function subjectText({ kind, name, date }: SubjectParts): string {
  return [kind, name ?? date].filter(Boolean).join(' · ');
}

function Subject({ subject }: { subject: SubjectParts }) {
  if (!subject.name) return <>{subjectText(subject)}</>;
  return (
    <>
      {subject.kind} · <DataName>{subject.name}</DataName>
    </>
  );
}

/** Details are whatever the action recorded: the known fields, by their Korean names. */
function DetailList({ item }: { item: OperatorAction }) {
  const text = useActionText();
  const entries = text.details(item);
  if (entries.length === 0) return null;
  return (
    <dl className="inline-details">
      {entries.map((entry) => (
        <div key={entry.name}>
          <dt>{entry.name}</dt>
          <dd>{entry.typed ? <DataName>{entry.value}</DataName> : entry.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditTrailPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const text = useActionText();
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
            <DownloadButtons
              name={'audit-trail'}
              header={[
                t('trust.files.columns.date'),
                t('trust.files.columns.action'),
                t('trust.files.columns.subject'),
                t('trust.files.columns.actor'),
                t('operator.trail.details'),
              ]}
              rows={() =>
                items.map((item) => [
                  format.dateTime(item.at),
                  text.action(item),
                  subjectText(text.subject(item)),
                  text.actor(item),
                  text
                    .details(item)
                    .map((entry) => `${entry.name}: ${entry.value}`)
                    .join('; '),
                ])
              }
            />
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
                    <td>{text.action(item)}</td>
                    <td>
                      <Subject subject={text.subject(item)} />
                    </td>
                    <td>{item.actorName ? <DataName>{item.actorName}</DataName> : text.actor(item)}</td>
                    <td>
                      <DetailList item={item} />
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
