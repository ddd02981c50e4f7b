import type { EligibilityReason } from '../api/types.js';
import { useLanguage } from '../i18n/i18n.js';

/** Each eligibility rule with its verdict and the reason in the reader's language. */
export function ReasonList({ reasons }: { reasons: EligibilityReason[] }) {
  const { t, language } = useLanguage();
  return (
    <ul className="reasons">
      {reasons.map((reason) => (
        <li key={reason.rule} className={reason.passed ? 'reason-passed' : 'reason-failed'}>
          <span className="reason-mark" aria-hidden="true">
            {reason.passed ? '✓' : '✗'}
          </span>
          <span className="visually-hidden">
            {reason.passed ? t('merchant.apply.passed') : t('merchant.apply.failed')}:{' '}
          </span>
          {language === 'en' ? reason.messageEn : reason.messageKo}
        </li>
      ))}
    </ul>
  );
}
