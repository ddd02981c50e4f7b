import type { AuditReport } from '../modules/ledger/audit.js';

/** A report an auditor can read: one line per check, then each violation. */
export function formatAuditReport(report: AuditReport): string {
  const lines = [`Ledger audit of tenant ${report.tenantId} at ${report.checkedAt.toISOString()}`];
  for (const check of report.checks) {
    const mark = check.ok ? 'PASS' : 'FAIL';
    const count = check.ok
      ? ''
      : ` (${check.violationCount} violation${check.violationCount === 1 ? '' : 's'})`;
    lines.push(`  ${mark}  ${check.name}: ${check.description}${count}`);
  }
  for (const violation of report.violations) lines.push(`  - [${violation.check}] ${violation.message}`);
  lines.push(report.ok ? 'RESULT: ledger is consistent' : 'RESULT: ledger has VIOLATIONS');
  return lines.join('\n');
}
