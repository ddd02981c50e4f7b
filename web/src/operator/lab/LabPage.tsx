import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client.js';
import type { OkResponse } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { Loaded } from '../../ui/Loaded.js';
import { Notice } from '../../ui/Notice.js';
import { Page } from '../../ui/Page.js';
import { ChartCard } from './Charts.js';
import { daysBefore, seoulToday } from './csv.js';
import { type GroupedChart, useGroupLabel } from './group-labels.js';
import { WhatIfPanel } from './WhatIfPanel.js';

type Overview = OkResponse<'/v1/operator/analytics/overview', 'get'>;
type Dashboard = OkResponse<'/v1/operator/analytics/dashboard', 'get'>;

function Headline({ overview }: { overview: Overview }) {
  const { t } = useLanguage();
  const format = useFormat();
  const lag = overview.feed.head - overview.feed.position;
  const figures: Array<[string, string]> = [
    [t('lab.headline.issuance'), format.won(overview.issuance.totalWon)],
    [t('lab.headline.members'), format.number(overview.members.total)],
    [t('lab.headline.paying'), format.number(overview.members.paying)],
    [t('lab.headline.spent'), format.won(overview.payments.netWon)],
    [
      t('lab.headline.cashback'),
      `${format.won(overview.cashback.totalWon)} (${t('lab.headline.national')} ${format.won(overview.cashback.bySource.national)} · ${t('lab.headline.city')} ${format.won(overview.cashback.bySource.city)})`,
    ],
    [t('lab.headline.oldTown'), format.rate(overview.oldTownShareBp)],
  ];
  if (overview.plan)
    figures.push([
      t('lab.headline.vsPlan'),
      `${format.rate(overview.plan.vsPlanBp)} (${format.won(overview.plan.cumulativeIssuedWon)} / ${format.won(overview.plan.cumulativePlanWon)})`,
    ]);
  if (overview.members.shareOfEconomicallyActiveBp !== null && overview.members.economicallyActive !== null)
    figures.push([
      t('lab.headline.vsPopulation'),
      `${format.rate(overview.members.shareOfEconomicallyActiveBp)} (${format.number(overview.members.total)} / ${format.number(overview.members.economicallyActive)})`,
    ]);
  return (
    <section className="card" aria-label={t('lab.title')}>
      <dl className="figures">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-figure={label}>{value}</dd>
          </div>
        ))}
      </dl>
      {lag > 0 && <p className="hint">{t('lab.feedLag', { count: lag })}</p>}
    </section>
  );
}

/** Figures from generated history (the demo start, hanbat simulate) are never shown as real ones. */
function SyntheticNotice({ periods }: { periods: Overview['synthetic'] }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (periods.length === 0) return null;
  return (
    <Notice tone="warning">
      <span data-testid="synthetic-notice">
        {t('lab.synthetic', {
          periods: periods
            .map((period) => `${format.calendarDate(period.from)}–${format.calendarDate(period.to)}`)
            .join(', '),
          note: periods.map((period) => period.note).join('; '),
        })}
      </span>
    </Notice>
  );
}

/** A budget pot by the name the budgets screen gives it. */
function usePotName(): (potId: string) => string {
  const pots = useApi('budgets', (signal) => call(api.GET('/v1/operator/budgets', { signal })));
  return (potId) => pots.data?.items.find((pot) => pot.id === potId)?.name ?? potId;
}

function Dashboards({ dashboard, period }: { dashboard: Dashboard; period: { from: string; to: string } }) {
  const { t } = useLanguage();
  const format = useFormat();
  const groupLabel = useGroupLabel();
  const potName = usePotName();
  const net = [{ key: 'netWon', label: t('lab.series.net') }];
  const grouped = (chart: GroupedChart) => (
    <ChartCard
      chart={chart}
      title={t(`lab.charts.${chart}`)}
      rows={dashboard[chart]}
      xKey="key"
      labelOf={(key) => groupLabel(chart, key)}
      bars={net}
      period={period}
    />
  );
  const { concentration } = dashboard;
  return (
    <div className="dashboard-grid">
      <ChartCard
        chart="issuanceVsPlan"
        title={t('lab.charts.issuanceVsPlan')}
        rows={dashboard.issuanceVsPlan}
        xKey="month"
        bars={[
          { key: 'cumulativeIssuedWon', label: t('lab.series.cumulativeIssued') },
          { key: 'cumulativePlanWon', label: t('lab.series.cumulativePlan') },
        ]}
        period={period}
      />
      <ChartCard
        chart="membersVsPopulation"
        title={t('lab.charts.membersVsPopulation')}
        rows={dashboard.membersVsPopulation}
        xKey="district"
        labelOf={(key) => groupLabel('membersVsPopulation', key)}
        bars={[
          { key: 'members', label: t('lab.series.members') },
          { key: 'economicallyActive', label: t('lab.series.economicallyActive') },
        ]}
        period={period}
        unit="count"
      />
      <ChartCard
        chart="byMonth"
        title={t('lab.charts.byMonth')}
        rows={dashboard.byMonth}
        xKey="month"
        bars={[
          { key: 'chargedWon', label: t('lab.series.charged') },
          { key: 'grantedWon', label: t('lab.series.granted') },
          { key: 'spentWon', label: t('lab.series.spent') },
          { key: 'cashbackWon', label: t('lab.series.cashback') },
        ]}
        period={period}
      />
      <ChartCard
        chart="cashbackByPot"
        title={t('lab.charts.cashbackByPot')}
        rows={dashboard.cashbackByPot.map((row) => ({
          pot: `${potName(row.potId)} · ${t(`lab.headline.${row.source === 'national' ? 'national' : 'city'}`)}`,
          amountWon: row.amountWon,
        }))}
        xKey="pot"
        bars={[{ key: 'amountWon', label: t('lab.series.cashback') }]}
        period={period}
      />
      {grouped('byArea')}
      {grouped('byDistrict')}
      {grouped('byIndustry')}
      {grouped('byMarket')}
      {grouped('byAgeBand')}
      {grouped('byHour')}
      <ChartCard
        chart="byDecile"
        title={t('lab.charts.byDecile')}
        rows={dashboard.byDecile}
        xKey="decile"
        bars={[
          { key: 'netWon', label: t('lab.series.net') },
          { key: 'cashbackWon', label: t('lab.series.cashback') },
        ]}
        period={period}
      />
      <p className="hint">
        {t('lab.concentration', {
          spend: format.rate(concentration.top1pctSpendShareBp),
          cashback: format.rate(concentration.top1pctCashbackShareBp),
          gini: (concentration.giniBp / 10_000).toFixed(3),
        })}
      </p>
      <section className="card" aria-label={t('lab.charts.topMerchants')}>
        <h2>{t('lab.charts.topMerchants')}</h2>
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('lab.merchant')}</th>
                <th scope="col" className="number">
                  {t('lab.series.net')}
                </th>
                <th scope="col" className="number">
                  {t('lab.declared')}
                </th>
                <th scope="col" className="number">
                  {t('lab.annualised')}
                </th>
              </tr>
            </thead>
            <tbody>
              {dashboard.topMerchants.map((merchant) => (
                <tr key={merchant.merchantId}>
                  <th scope="row">{merchant.name}</th>
                  <td className="number">{format.won(merchant.netWon)}</td>
                  <td className="number">{format.won(merchant.declaredAnnualRevenueWon)}</td>
                  <td className="number">
                    {merchant.annualisedVsDeclaredBp === null
                      ? '—'
                      : format.rate(merchant.annualisedVsDeclaredBp)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

/** The policy lab: headline figures, every dashboard with its CSV, and what-if on the real engine. */
export function LabPage() {
  const { t } = useLanguage();
  const today = seoulToday();
  const [draft, setDraft] = useState({ from: daysBefore(today, 89), to: today });
  const [period, setPeriod] = useState(draft);
  const key = `${period.from}:${period.to}`;
  const overview = useApi(`overview-${key}`, (signal) =>
    call(api.GET('/v1/operator/analytics/overview', { signal, params: { query: period } })),
  );
  const dashboard = useApi(`dashboard-${key}`, (signal) =>
    call(api.GET('/v1/operator/analytics/dashboard', { signal, params: { query: period } })),
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPeriod(draft);
  };
  return (
    <Page title={t('lab.title')} intro={t('lab.intro')} wide>
      <form className="filters" onSubmit={apply}>
        <TextField
          label={t('lab.from')}
          type="date"
          value={draft.from}
          onValue={(from) => setDraft({ ...draft, from })}
        />
        <TextField
          label={t('lab.to')}
          type="date"
          value={draft.to}
          onValue={(to) => setDraft({ ...draft, to })}
        />
        <Button type="submit">{t('lab.apply')}</Button>
      </form>
      <Loaded state={overview}>
        {(data) => (
          <>
            <SyntheticNotice periods={data.synthetic} />
            <Headline overview={data} />
          </>
        )}
      </Loaded>
      <Loaded state={dashboard}>{(data) => <Dashboards dashboard={data} period={period} />}</Loaded>
      <WhatIfPanel period={period} />
    </Page>
  );
}
