import { describe, expect, it } from 'vitest';
import { LEDGER_AUDIT_CHECK_NAMES } from '../../../src/modules/ledger/audit.js';
import { CHECKPOINT_CHECK_NAME } from '../../../src/modules/public-books/audit.js';
import { en } from '../i18n/messages.en.js';
import { ko } from '../i18n/messages.ko.js';

const CHECK_NAMES = [...LEDGER_AUDIT_CHECK_NAMES, CHECKPOINT_CHECK_NAME];

describe('the audit page explains every check in words', () => {
  it.each([
    ['ko', ko],
    ['en', en],
  ])(
    '%s: every check the server runs has a name and a sentence saying what a failure means',
    (_language, messages) => {
      const names = { ...messages.operator.audit.check, ...messages.trust.auditChecks } as Record<
        string,
        string
      >;
      const problems = messages.trust.auditProblems as Record<string, string>;
      for (const check of CHECK_NAMES) {
        expect(names[check], check).toMatch(/\S/);
        expect(problems[check], check).toMatch(/\S/);
      }
    },
  );
});
