import type { ApiError } from '../api/problem.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';
import { DataName } from '../ui/Page.js';

export interface FoundMerchant {
  merchantCode: string;
  name: string;
  industry: { nameKo: string; nameEn: string };
  district: { nameKo: string; nameEn: string };
  dong: string;
  market: { nameKo: string; nameEn: string } | null;
  extraCashback: Array<{ code: string; nameKo: string; nameEn: string; rateBp: number }>;
}

/** The shop a merchant code pays, as the server names it (never a name taken from a link). */
export function MerchantCard({ merchant }: { merchant: FoundMerchant }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  const local = (item: { nameKo: string; nameEn: string }) => (language === 'en' ? item.nameEn : item.nameKo);
  return (
    <section className="merchant-found" aria-label={t('trust.lookup.shop')} aria-live="polite">
      <p className="merchant-name">
        <DataName>{merchant.name}</DataName>
      </p>
      <p className="muted">
        {local(merchant.industry)} · {local(merchant.district)} <DataName>{merchant.dong}</DataName>
        {merchant.market && (
          <>
            {' '}
            · <DataName>{local(merchant.market)}</DataName>
          </>
        )}
      </p>
      {merchant.extraCashback.map((extra) => (
        <p key={extra.code} className="cashback-earned">
          {t('trust.lookup.extra', { name: local(extra), rate: format.rate(extra.rateBp) })}
        </p>
      ))}
    </section>
  );
}

export function isUnknownMerchant(error: ApiError | null): boolean {
  return error?.status === 404 || error?.status === 400;
}
