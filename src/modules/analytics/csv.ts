import { type CsvValue, csvRow } from '../../csv-cell.js';
import { type CHARTS, DashboardSchema } from './schemas.js';

export type Chart = (typeof CHARTS)[number];

/**
 * The columns of a chart's download: the fields of one point in the order DashboardSchema declares
 * them (the dashboard's OpenAPI documents them), whatever order a row's keys come in. Rows read back
 * from jsonb have their keys in jsonb's order, not the order they were written in.
 */
export function chartColumns(chart: Chart): readonly string[] {
  return Object.keys(DashboardSchema.properties[chart].items.properties);
}

/** One chart's points as RFC 4180 CSV with CRLF line ends, the header first (alone when there are none). */
export function chartCsv(chart: Chart, rows: ReadonlyArray<object>): string {
  const columns = chartColumns(chart);
  const cells = (row: object) => columns.map((column) => (row as Record<string, CsvValue>)[column]);
  return `${[csvRow(columns), ...rows.map((row) => csvRow(cells(row)))].join('\r\n')}\r\n`;
}
