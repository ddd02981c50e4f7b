/** RFC 4180 CSV of flat rows; the header is the first row's keys. */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const [first] = rows;
  if (!first) return '\r\n';
  const columns = Object.keys(first);
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\r\n')}\r\n`;
}
