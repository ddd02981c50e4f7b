import { type FormEvent, useId, useState } from 'react';
import { api, call } from '../../api/client.js';
import type { RecipientImport as ImportReport, Program } from '../../api/types.js';
import { useSubmit } from '../../api/use-submit.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { decodeSpreadsheetCsv, downloadCsv } from '../../ui/csv-file.js';
import { CheckboxField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';

/** Files above this are refused before upload: the server's own limit on the body (IMPORT_BYTES_MAX). */
const FILE_MEBIBYTES_MAX = 16;
const FILE_BYTES_MAX = FILE_MEBIBYTES_MAX * 1024 * 1024;

function ImportResult({ report }: { report: ImportReport }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  return (
    <div className="import-result">
      <Notice tone={report.imported ? 'success' : 'warning'}>
        <p>
          {t('operator.programs.reportSummary', {
            rows: format.number(report.rowCount),
            valid: format.number(report.validRowCount),
            errors: format.number(report.errorRowCount),
            won: format.won(report.validWon),
          })}
        </p>
        <p>
          {report.imported
            ? t('operator.programs.imported', {
                count: format.number(report.importedCount),
                won: format.won(report.importedWon),
              })
            : t('operator.programs.notImported')}
        </p>
      </Notice>
      {report.errors.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col" className="number">
                  {t('operator.programs.line')}
                </th>
                <th scope="col">{t('operator.programs.problem')}</th>
                <th scope="col">{t('operator.programs.value')}</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((error) => (
                <tr key={`${error.line}-${error.code}`}>
                  <td className="number">{error.line}</td>
                  <td>{language === 'en' ? error.message : error.messageKo}</td>
                  <td className="mono" translate="no">
                    {error.phone ?? error.memberId ?? error.amount ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.errorsTruncated && <p className="muted">{t('operator.programs.errorsTruncated')}</p>}
        </div>
      )}
    </div>
  );
}

/** Upload the recipient list as CSV: the server checks every row and reports each bad one by line. */
export function RecipientImport({ program, onImported }: { program: Program; onImported: () => void }) {
  const { t } = useLanguage();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [importValidRows, setImportValidRows] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const upload = useSubmit(async (input: { csv: string; importValidRows: boolean }) =>
    call(
      api.POST('/v1/operator/programs/{programId}/recipients', {
        params: { path: { programId: program.id }, query: { importValidRows: input.importValidRows } },
        body: input.csv,
        bodySerializer: (csv: string) => csv,
        headers: { 'content-type': 'text/csv' },
      }),
    ),
  );
  // A CP949 file grows when sent as UTF-8: the limit is checked on the file and again on what is sent.
  const [sentTooLarge, setSentTooLarge] = useState(false);
  const tooLarge = t('operator.programs.fileTooLarge', { max: `${FILE_MEBIBYTES_MAX}MB` });
  const fileError = !file
    ? t('validation.required')
    : file.size > FILE_BYTES_MAX || sentTooLarge
      ? tooLarge
      : null;

  const onFile = (chosen: File | null) => {
    setFile(chosen);
    setSentTooLarge(false);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (fileError || !file) return;
    // Korean Excel saves CP949 unless told otherwise: decoded here, sent as UTF-8.
    const csv = decodeSpreadsheetCsv(await file.arrayBuffer());
    if (new TextEncoder().encode(csv).byteLength > FILE_BYTES_MAX) {
      setSentTooLarge(true);
      return;
    }
    const report = await upload.submit({ csv, importValidRows });
    if (report?.imported) onImported();
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('operator.programs.importTitle')}</h2>
      <p className="field-hint">{t('trust.files.templateHint')}</p>
      <div className="file-actions">
        <Button
          variant="secondary"
          onClick={() =>
            downloadCsv(
              'recipients-template.csv',
              ['전화번호', '금액'],
              [['010-1234-5678', program.recipientAmountWon ?? program.recipientAmountMaxWon]],
            )
          }
        >
          {t('trust.files.template')}
        </Button>
      </div>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className={`field${showErrors && fileError ? ' field-invalid' : ''}`}>
          <label htmlFor={fileId}>{t('operator.programs.file')}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => onFile(event.target.files?.[0] ?? null)}
            aria-invalid={(showErrors && Boolean(fileError)) || undefined}
          />
          {showErrors && fileError && <p className="field-error">{fileError}</p>}
        </div>
        <CheckboxField
          label={t('operator.programs.importValidRows')}
          checked={importValidRows}
          onChecked={setImportValidRows}
        />
        {upload.status === 'failed' && <ErrorNotice error={upload.error} />}
        <Button type="submit" busy={upload.busy} busyLabel={t('operator.programs.uploading')}>
          {t('operator.programs.upload')}
        </Button>
      </form>
      <div aria-live="polite">{upload.status === 'succeeded' && <ImportResult report={upload.result} />}</div>
    </section>
  );
}
