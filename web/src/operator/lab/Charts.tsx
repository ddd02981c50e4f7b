import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { useFormat } from '../../ui/format-hooks.js';
import { type Chart, downloadCsv } from './csv.js';

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
}: {
  chart: Chart;
  title: string;
  rows: ReadonlyArray<Record<string, string | number | null>>;
  xKey: string;
  bars: BarSeries[];
  period: { from: string; to: string };
  /** What the bars count: won (the default) or people. */
  unit?: 'won' | 'count';
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
  return (
    <section className="card" aria-label={title} data-chart={chart}>
      <header className="card-header">
        <h2>{title}</h2>
        <Button variant="secondary" busy={busy} onClick={download}>
          {t('lab.csv')}
        </Button>
      </header>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={[...rows]}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey={xKey} />
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
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{xKey}</th>
              {bars.map((bar) => (
                <th scope="col" className="number" key={bar.key}>
                  {bar.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row[xKey])}>
                <th scope="row">{row[xKey]}</th>
                {bars.map((bar) => (
                  <td className="number" key={bar.key}>
                    {value(row[bar.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
