import type { CashbackRuleLine } from '../api/types.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';

/** The server's reasons for less cashback (CASHBACK_LIMIT_CODES in the policy module; a test keeps them equal). */
export const KNOWN_LIMITS = [
  'MONTHLY_CAP_REACHED',
  'BUDGET_EXHAUSTED',
  'MERCHANT_REVENUE_OVER_CAP',
  'NO_POLICY',
  'SELF_DEALING',
  'RATE_CAPPED',
] as const;

function isKnownLimit(code: string): code is (typeof KNOWN_LIMITS)[number] {
  return (KNOWN_LIMITS as readonly string[]).includes(code);
}

/** Why a payment earned less cashback than its rate suggests, in words. */
export function useLimitText() {
  const { t } = useLanguage();
  return (code: string) => (isKnownLimit(code) ? t(`wallet.limitedBy.${code}`) : t('wallet.limitedBy.other'));
}

interface CashbackLinesProps {
  rules: CashbackRuleLine[];
  limitedBy: string[];
}

/** Each rule that produced cashback, as rate × base = amount, so a member can check the sum. */
export function CashbackLines({ rules, limitedBy }: CashbackLinesProps) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const limitText = useLimitText();
  return (
    <div className="cashback-lines">
      {rules.length > 0 && (
        <table className="rule-table">
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.code}>
                <th scope="row">{language === 'en' ? rule.descriptionEn : rule.descriptionKo}</th>
                <td className="muted">
                  {t('wallet.receipt.ruleLine', {
                    rate: format.rate(rule.rateBp),
                    base: format.won(rule.baseWon),
                  })}
                </td>
                <td className="amount">{format.won(rule.amountWon)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {limitedBy.map((code) => (
        <p key={code} className="note">
          {limitText(code)}
        </p>
      ))}
    </div>
  );
}
