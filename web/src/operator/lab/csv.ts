import { api } from '../../api/client.js';
import { apiErrorOf } from '../../api/problem.js';

export type Chart =
  | 'issuanceVsPlan'
  | 'membersVsPopulation'
  | 'byMonth'
  | 'cashbackByPot'
  | 'byDistrict'
  | 'byArea'
  | 'byIndustry'
  | 'byMarket'
  | 'byAgeBand'
  | 'byHour'
  | 'byDecile'
  | 'topMerchants';

/** Fetches one chart's CSV with the session's credentials and hands it to the browser as a file. */
export async function downloadCsv(chart: Chart, period: { from: string; to: string }): Promise<void> {
  const { data, error, response } = await api.GET('/v1/operator/analytics/dashboard/{chart}.csv', {
    params: { path: { chart }, query: period },
    parseAs: 'text',
  });
  if (!response.ok || typeof data !== 'string') throw apiErrorOf(response.status, error);
  const url = URL.createObjectURL(new Blob([data], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${chart}-${period.from}-${period.to}.csv`;
  link.click();
  URL.revokeObjectURL(url);
}

/** Today's date in Seoul, 'YYYY-MM-DD': periods end no later than this. */
export function seoulToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(now);
}

export function daysBefore(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - count * 86_400_000).toISOString().slice(0, 10);
}
