import { api, call } from '../api/client.js';
import type { AuditReport } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { Page } from '../ui/Page.js';
import { useOperatorLabels } from './labels.js';

function AuditResult({ report }: { report: AuditReport }) {
  const { t } = useLanguage();
  const format = useFormat();
  const labels = useOperatorLabels();
  const violationCount = report.checks.reduce((sum, check) => sum + check.violationCount, 0);
  return (
    <>
      <section className={`card verdict-card ${report.ok ? 'verdict-good' : 'verdict-bad'}`} role="status">
        <p className="verdict-title">
          <span aria-hidden="true">{report.ok ? '✓ ' : '✗ '}</span>
          {report.ok ? t('operator.audit.ok') : t('operator.audit.failed', { count: violationCount })}
        </p>
        <p className="muted">{t('operator.audit.checkedAt', { date: format.dateTime(report.checkedAt) })}</p>
      </section>
      <section className="card" aria-labelledby="checks-title">
        <h2 id="checks-title">{t('operator.audit.checks')}</h2>
        <ul className="reasons">
          {report.checks.map((check) => (
            <li key={check.name} className={check.ok ? 'reason-passed' : 'reason-failed'}>
              <span className="reason-mark" aria-hidden="true">
                {check.ok ? '✓' : '✗'}
              </span>
              {labels.check(check.name)}
              {!check.ok && <strong> · {t('operator.audit.failed', { count: check.violationCount })}</strong>}
            </li>
          ))}
        </ul>
      </section>
      {report.violations.length > 0 && (
        <section className="card" aria-labelledby="violations-title">
          <h2 id="violations-title">{t('operator.audit.violations')}</h2>
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('operator.audit.checks')}</th>
                  <th scope="col">{t('operator.audit.message')}</th>
                  <th scope="col">{t('trust.auditTechnical')}</th>
                </tr>
              </thead>
              <tbody>
                {report.violations.map((violation) => (
                  <tr key={`${violation.check}-${violation.subject}-${violation.message}`}>
                    <td>{labels.check(violation.check)}</td>
                    <td>{labels.problem(violation.check)}</td>
                    <td>
                      {/* Account and transfer ids are for the engineer who repairs the books, not for the page. */}
                      <details>
                        <summary>{t('trust.auditTechnical')}</summary>
                        <p className="mono" lang="en">
                          {violation.subject}: {violation.message}
                        </p>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

/** Runs the ledger audit on request and shows each check; a red result is impossible to miss. */
export function AuditPage() {
  const { t } = useLanguage();
  const audit = useApi('audit', (signal) => call(api.GET('/v1/operator/audit', { signal })));
  return (
    <Page
      title={t('operator.audit.title')}
      intro={t('operator.audit.intro')}
      wide
      actions={
        <Button
          variant="secondary"
          onClick={audit.reload}
          busy={audit.status === 'loading'}
          busyLabel={t('operator.audit.running')}
        >
          {t('operator.audit.rerun')}
        </Button>
      }
    >
      <Loaded state={audit}>{(report) => <AuditResult report={report} />}</Loaded>
    </Page>
  );
}
