import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { bankName } from '../reference/banks.js';

/** The member's linked account as a person reads it: "KB국민은행 ****1234". */
export function useBankAccountText(): string {
  const { t, language } = useLanguage();
  const account = useApi('bank-account', (signal) => call(api.GET('/v1/me/bank-account', { signal })));
  if (!account.data) return '';
  const name = bankName(account.data.bankCode, language, t('trust.banks.sandbox'));
  return [name, account.data.accountNumberMasked].filter(Boolean).join(' ');
}
