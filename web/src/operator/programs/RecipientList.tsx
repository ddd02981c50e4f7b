import { api, call } from '../../api/client.js';
import { useReloadOn } from '../../api/use-api.js';
import { usePaged } from '../../api/use-paged.js';
import { useLanguage } from '../../i18n/i18n.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Badge, DataName } from '../../ui/Page.js';
import { PagedList } from '../../ui/PagedList.js';

const PAGE_SIZE = 50;
const STATUS_TONE = {
  eligible: 'info',
  awaiting_disbursement: 'warn',
  received: 'good',
  closed: 'neutral',
} as const;

/** The recipients in file order; `version` changes when an import or a payout changed the list. */
export function RecipientList({ programId, version }: { programId: string; version: number }) {
  const { t } = useLanguage();
  const format = useFormat();
  const recipients = usePaged(programId, (cursor, signal) =>
    call(
      api.GET('/v1/operator/programs/{programId}/recipients', {
        signal,
        params: { path: { programId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  useReloadOn(version, recipients.reload);
  return (
    <section className="card" aria-labelledby="recipients-title">
      <h2 id="recipients-title">{t('operator.programs.recipients')}</h2>
      <PagedList paged={recipients} empty={t('operator.programs.recipientsEmpty')}>
        {(items) => (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col" className="number">
                    {t('operator.programs.line')}
                  </th>
                  <th scope="col">{t('operator.programs.member')}</th>
                  <th scope="col" className="number">
                    {t('operator.programs.amount')}
                  </th>
                  <th scope="col">{t('operator.programs.state')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((recipient) => (
                  <tr key={recipient.memberId}>
                    <td className="number">{recipient.line}</td>
                    <td>
                      <DataName>{recipient.name}</DataName>{' '}
                      <span className="muted">{recipient.phoneMasked}</span>
                    </td>
                    <td className="number">{format.won(recipient.amountWon)}</td>
                    <td>
                      <Badge tone={STATUS_TONE[recipient.status]}>
                        {t(`operator.programs.recipientStatus.${recipient.status}`)}
                      </Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </section>
  );
}
