import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BudgetBurn, BudgetPot } from '../api/types.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';
import { type BurnPoint, burnPoints } from './burn.js';

const COLORS = { bar: '#5b8fd6', line: '#0b4a8f', projection: '#b45309', budget: '#b91c1c' };

function useCompactWon() {
  const { language } = useLanguage();
  const compact = new Intl.NumberFormat(language === 'en' ? 'en-US' : 'ko-KR', {
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  return (amountWon: number) =>
    language === 'en' ? `₩${compact.format(amountWon)}` : `${compact.format(amountWon)}원`;
}

function BurnTable({ points }: { points: BurnPoint[] }) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <details className="chart-table">
      <summary>{t('operator.budgets.tableView')}</summary>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('operator.budgets.month')}</th>
              <th scope="col" className="number">
                {t('operator.budgets.monthlySpent')}
              </th>
              <th scope="col" className="number">
                {t('operator.budgets.cumulative')}
              </th>
            </tr>
          </thead>
          <tbody>
            {points
              .filter((point) => point.cumulativeWon !== null)
              .map((point) => (
                <tr key={point.month}>
                  <th scope="row">{format.month(point.month)}</th>
                  <td className="number">{format.won(point.spentWon ?? 0)}</td>
                  <td className="number">{format.won(point.cumulativeWon ?? 0)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Spent per month (bars) and in total (line) against the budget, with the total projected at today's pace. */
export function BurnChart({ pot, burn }: { pot: BudgetPot; burn: BudgetBurn }) {
  const { t } = useLanguage();
  const format = useFormat();
  const compactWon = useCompactWon();
  const points = burnPoints(pot, burn, new Date());
  const capacityWon = pot.spentWon + pot.remainingWon;
  const label = (point: string) => format.month(point);
  return (
    <figure className="chart">
      <figcaption className="visually-hidden">{t('operator.budgets.chartLabel')}</figcaption>
      <div className="chart-canvas" role="img" aria-label={t('operator.budgets.chartLabel')}>
        <ResponsiveContainer width="100%" height={320}>
          <ComposedChart data={points} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="month" tickFormatter={label} tick={{ fontSize: 12 }} />
            <YAxis tickFormatter={compactWon} width={72} tick={{ fontSize: 12 }} />
            <Tooltip
              formatter={(value) => format.won(Number(value))}
              labelFormatter={(value) => label(String(value))}
            />
            <Legend />
            <ReferenceLine
              y={capacityWon}
              ifOverflow="extendDomain"
              stroke={COLORS.budget}
              strokeDasharray="6 4"
              label={{
                value: t('operator.budgets.budgetLine'),
                position: 'insideTopRight',
                fill: COLORS.budget,
                fontSize: 12,
              }}
            />
            <Bar
              dataKey="spentWon"
              name={t('operator.budgets.monthlySpent')}
              fill={COLORS.bar}
              isAnimationActive={false}
            />
            <Line
              dataKey="cumulativeWon"
              name={t('operator.budgets.cumulative')}
              stroke={COLORS.line}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              dataKey="projectedWon"
              name={t('operator.budgets.exhaustionLegend')}
              stroke={COLORS.projection}
              strokeWidth={2}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <BurnTable points={points} />
    </figure>
  );
}
