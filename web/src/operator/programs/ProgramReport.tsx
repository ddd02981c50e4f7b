import { api, call } from '../../api/client.js';
import { useApi, useReloadOn } from '../../api/use-api.js';
import { localName, useLanguage } from '../../i18n/i18n.js';
import { byCode, useReference } from '../../reference/use-reference.js';
import { DownloadButtons } from '../../ui/DownloadButtons.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';

function SpentTable({ title, rows }: { title: string; rows: Array<{ name: string; won: number }> }) {
  const format = useFormat();
  return (
    <div className="table-scroll">
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
    </div>
  );
}

/** Where a programme's money went: paid out, spent by district and industry, reclaimed, unspent. */
export function ProgramReport({ programId, version }: { programId: string; version: number }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const reference = useReference();
  const report = useApi(`program-report-${programId}`, (signal) =>
    call(api.GET('/v1/operator/programs/{programId}/report', { signal, params: { path: { programId } } })),
  );
  useReloadOn(version, report.reload);
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
            <DownloadButtons
              name={`programme-report-${data.asOf.slice(0, 10)}`}
              header={[
                t('trust.files.columns.item'),
                t('trust.files.columns.name'),
                t('trust.files.columns.amount'),
              ]}
              rows={() => [
                [t('operator.programs.report'), t('trust.reportRows.recipients'), data.recipients.won],
                [t('operator.programs.report'), t('trust.reportRows.disbursed'), data.disbursed.won],
                [t('operator.programs.report'), t('trust.reportRows.spent'), data.spent.won],
                [t('operator.programs.report'), t('trust.reportRows.reclaimed'), data.reclaimedWon],
                [t('operator.programs.report'), t('trust.reportRows.outstanding'), data.outstandingWon],
                ...data.spent.byDistrict.map((row) => [
                  t('operator.programs.byDistrict'),
                  nameOf(reference.data?.districts, row.district),
                  row.won,
                ]),
                ...data.spent.byIndustry.map((row) => [
                  t('operator.programs.byIndustry'),
                  nameOf(reference.data?.industries, row.industryCode),
                  row.won,
                ]),
              ]}
            />
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
