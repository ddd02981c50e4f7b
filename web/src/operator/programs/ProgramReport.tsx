import { api, call } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { localName, useLanguage } from '../../i18n/i18n.js';
import { byCode, useReference } from '../../reference/use-reference.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';

function SpentTable({ title, rows }: { title: string; rows: Array<{ name: string; won: number }> }) {
  const format = useFormat();
  return (
    <table className="data-table">
      <caption className="table-caption">{title}</caption>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">{row.name}</th>
            <td className="number">{format.won(row.won)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where a programme's money went: paid out, spent by district and industry, reclaimed, unspent. */
export function ProgramReport({ programId, version }: { programId: string; version: number }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const report = useApi(`program-report-${programId}-${version}`, (signal) =>
    call(api.GET('/v1/operator/programs/{programId}/report', { signal, params: { path: { programId } } })),
  );
  const nameOf = (
    items: Array<{ code: string; nameKo: string; nameEn: string }> | undefined,
    code: string,
  ) => {
    const item = byCode(items, code);
    return item ? localName(item, language) : code;
  };
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">{t('operator.programs.report')}</h2>
      <Loaded state={report}>
        {(data) => (
          <>
            <p className="muted">{t('operator.programs.reportAsOf', { date: format.dateTime(data.asOf) })}</p>
            <ul className="stat-list">
              <li>
                {t('operator.programs.recipientsCount', {
                  count: format.number(data.recipients.count),
                  won: format.won(data.recipients.won),
                })}
              </li>
              <li>
                {t('operator.programs.disbursedCount', {
                  count: format.number(data.disbursed.count),
                  won: format.won(data.disbursed.won),
                })}
              </li>
              <li>{t('operator.programs.spent', { won: format.won(data.spent.won) })}</li>
              <li>{t('operator.programs.reclaimed', { won: format.won(data.reclaimedWon) })}</li>
              <li>{t('operator.programs.outstanding', { won: format.won(data.outstandingWon) })}</li>
            </ul>
            <div className="report-tables">
              <SpentTable
                title={t('operator.programs.byDistrict')}
                rows={data.spent.byDistrict.map((row) => ({
                  name: nameOf(reference.data?.districts, row.district),
                  won: row.won,
                }))}
              />
              <SpentTable
                title={t('operator.programs.byIndustry')}
                rows={data.spent.byIndustry.map((row) => ({
                  name: nameOf(reference.data?.industries, row.industryCode),
                  won: row.won,
                }))}
              />
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}
