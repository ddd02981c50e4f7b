import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { useFormat } from '../../ui/format-hooks.js';
import { type Chart, downloadCsv } from './csv.js';

/** The row field the axis and the table read: the key named for people. */
const LABEL = '__label';

const COLORS = ['#0b4a8f', '#5b8fd6', '#b45309', '#15803d'];

export interface BarSeries {
  key: string;
  label: string;
}

/** One dashboard chart: bars in won, a CSV of the same series, and the numbers in a table for screen readers. */
export function ChartCard({
  chart,
  title,
  rows,
  xKey,
  bars,
  period,
  unit = 'won',
  labelOf = (key) => key,
}: {
  chart: Chart;
  title: string;
  rows: ReadonlyArray<Record<string, string | number | null>>;
  xKey: string;
  bars: BarSeries[];
  period: { from: string; to: string };
  /** What the bars count: won (the default) or people. */
  unit?: 'won' | 'count';
  /** Names a row's key for people (a district code becomes 중구); the key itself when absent. */
  labelOf?: (key: string) => string;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  const [busy, setBusy] = useState(false);
  const value = (raw: unknown) =>
    unit === 'won' ? format.won(Number(raw ?? 0)) : format.number(Number(raw ?? 0));
  const download = async () => {
    setBusy(true);
    try {
      await downloadCsv(chart, period);
    } finally {
      setBusy(false);
    }
  };
  const labelled: Array<Record<string, string | number | null>> = rows.map((row) => ({
    ...row,
    [LABEL]: labelOf(String(row[xKey])),
  }));
  return (
    <section className="card" aria-label={title} data-chart={chart}>
      <header className="card-header">
        <h2>{title}</h2>
        <Button variant="secondary" busy={busy} onClick={download}>
          {t('lab.csv')}
        </Button>
      </header>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={labelled}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey={LABEL} />
          <YAxis tickFormatter={(value: number) => format.number(value)} width={90} />
          <Tooltip formatter={(raw) => value(raw)} />
          {bars.length > 1 && <Legend />}
          {bars.map((bar, index) => (
            <Bar key={bar.key} dataKey={bar.key} name={bar.label} fill={COLORS[index % COLORS.length]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <details className="chart-table">
        <summary>{title}</summary>
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('lab.groups.category')}</th>
                {bars.map((bar) => (
                  <th scope="col" className="number" key={bar.key}>
                    {bar.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labelled.map((row) => (
                <tr key={String(row[xKey])}>
                  <th scope="row">{row[LABEL]}</th>
                  {bars.map((bar) => (
                    <td className="number" key={bar.key}>
                      {value(row[bar.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
