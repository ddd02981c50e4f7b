import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';
import { type CsvCell, downloadCsv, downloadXlsx } from './csv-file.js';

interface DownloadButtonsProps {
  /** The file name without its extension, e.g. `settlements-2021-05-13`. */
  name: string;
  header: readonly string[];
  /** Built when a button is pressed: what is on screen now. */
  rows: () => ReadonlyArray<readonly CsvCell[]>;
}

/** One table, two files: CSV (UTF-8 with BOM) and Excel (.xlsx), Korean headers, amounts as numbers. */
export function DownloadButtons({ name, header, rows }: DownloadButtonsProps) {
  const { t } = useLanguage();
  return (
    <div className="file-actions">
      <Button variant="secondary" onClick={() => downloadCsv(`${name}.csv`, header, rows())}>
        {t('trust.files.csv')}
      </Button>
      <Button variant="secondary" onClick={() => downloadXlsx(`${name}.xlsx`, header, rows())}>
        {t('trust.xlsx')}
      </Button>
    </div>
  );
}
