import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import type { DirectoryEntry } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { byCode, type Reference, useReference } from '../reference/use-reference.js';
import { EmptyState } from '../ui/EmptyState.js';
import { SelectField, TextField } from '../ui/Field.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';
import { useDebounced } from '../ui/use-debounced.js';
import { useDemoMode } from '../ui/use-demo-mode.js';

interface Filters {
  q: string;
  district: string;
  industryCode: string;
  marketId: string;
}

const NO_FILTERS: Filters = { q: '', district: '', industryCode: '', marketId: '' };
const SEARCH_DEBOUNCE_MS = 300;
const PAGE_SIZE = 20;

function MerchantCard({
  merchant,
  reference,
}: {
  merchant: DirectoryEntry;
  reference: Reference | undefined;
}) {
  const { t, language } = useLanguage();
  const industry = byCode(reference?.industries, merchant.industryCode);
  const district = byCode(reference?.districts, merchant.district);
  const payLink = `/wallet/pay?${new URLSearchParams({ merchant: merchant.merchantCode, name: merchant.name })}`;
  return (
    <li className="card merchant-card">
      <div>
        <h2 className="merchant-name">
          <DataName>{merchant.name}</DataName>
        </h2>
        <p className="muted">
          {[
            industry ? localName(industry, language) : merchant.industryCode,
            district ? localName(district, language) : merchant.district,
          ].join(' · ')}{' '}
          <DataName>{merchant.dong}</DataName>
        </p>
        <p className="badges">
          {merchant.isTraditionalMarket && (
            <Badge tone="good">{t('wallet.merchants.traditionalMarket')}</Badge>
          )}
          {merchant.isBookstore && <Badge tone="good">{t('wallet.merchants.bookstore')}</Badge>}
          {/* Only a demo server lists made-up shops, and it says so. */}
          {merchant.demo && <Badge tone="neutral">{t('trust.demo')}</Badge>}
        </p>
        <p className="muted small">{t('wallet.merchants.code', { code: merchant.merchantCode })}</p>
      </div>
      <Link to={payLink} className="button button-primary">
        {t('wallet.merchants.payHere')}
      </Link>
    </li>
  );
}

export function MerchantsPage() {
  const { t, language } = useLanguage();
  const reference = useReference();
  const [filters, setFilters] = useState(NO_FILTERS);
  const query = useDebounced(filters, SEARCH_DEBOUNCE_MS);
  const directory = usePaged(JSON.stringify(query), (cursor, signal) =>
    call(
      api.GET('/v1/merchants', {
        signal,
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
            ...(query.q.trim() ? { q: query.q.trim() } : {}),
            ...(query.district ? { district: query.district } : {}),
            ...(query.industryCode ? { industryCode: query.industryCode } : {}),
            ...(query.marketId ? { marketId: query.marketId } : {}),
          },
        },
      }),
    ),
  );
  const demoMode = useDemoMode();
  const set = (key: keyof Filters) => (value: string) =>
    setFilters((current) => ({ ...current, [key]: value, ...(key === 'district' ? { marketId: '' } : {}) }));
  // Made-up markets exist for the demo: a citizen on a real server never sees them.
  const markets = (reference.data?.markets ?? []).filter(
    (market) =>
      (!filters.district || market.district === filters.district) && (demoMode || !market.synthetic),
  );

  return (
    <Page title={t('wallet.merchants.title')} intro={t('wallet.merchants.intro')}>
      <search>
        <form className="card filters" onSubmit={(event) => event.preventDefault()}>
          <TextField
            label={t('wallet.merchants.search')}
            type="search"
            value={filters.q}
            onValue={set('q')}
          />
          <SelectField
            label={t('wallet.merchants.district')}
            value={filters.district}
            onValue={set('district')}
            placeholder={t('wallet.merchants.anyDistrict')}
            options={(reference.data?.districts ?? []).map((district) => ({
              value: district.code,
              label: localName(district, language),
            }))}
          />
          <SelectField
            label={t('wallet.merchants.industry')}
            value={filters.industryCode}
            onValue={set('industryCode')}
            placeholder={t('wallet.merchants.anyIndustry')}
            options={(reference.data?.industries ?? [])
              .filter((industry) => !industry.excluded)
              .map((industry) => ({ value: industry.code, label: localName(industry, language) }))}
          />
          <SelectField
            label={t('wallet.merchants.market')}
            value={filters.marketId}
            onValue={set('marketId')}
            placeholder={t('wallet.merchants.anyMarket')}
            options={markets.map((market) => ({
              value: market.id,
              label: market.synthetic
                ? `${localName(market, language)} · ${t('trust.demo')}`
                : localName(market, language),
            }))}
          />
        </form>
      </search>
      <PagedList
        paged={directory}
        empty={<EmptyState title={t('trust.empty.merchants')} next={t('trust.empty.merchantsNext')} />}
      >
        {(items) => (
          <ul className="merchant-list">
            {items.map((merchant) => (
              <MerchantCard key={merchant.id} merchant={merchant} reference={reference.data} />
            ))}
          </ul>
        )}
      </PagedList>
    </Page>
  );
}
