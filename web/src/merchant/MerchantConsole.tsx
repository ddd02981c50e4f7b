import { Navigate, Route, Routes } from 'react-router';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { ConsoleLayout, type NavItem } from '../app/AppShell.js';
import { NotFound } from '../app/NotFoundPage.js';
import { useSession } from '../auth/session.js';
import { CataloguePage, OrderQueuePage } from '../commerce/MerchantShopPages.js';
import { FrozenNotice } from '../fraud/FrozenNotice.js';
import { useLanguage } from '../i18n/i18n.js';
import { MerchantFundsPage } from '../merchant-funds/MerchantFundsPage.js';
import { SelectField } from '../ui/Field.js';
import { ApplicationsPage } from './ApplicationsPage.js';
import { ApplyPage } from './ApplyPage.js';
import { MerchantQrPage } from './MerchantQrPage.js';
import { PosPage } from './PosPage.js';
import { SalesPage } from './SalesPage.js';
import { SettlementsPage, StatementPage } from './SettlementsPage.js';

/** An owner of several shops picks the one the till, sales and QR screens act for. */
function ShopPicker() {
  const { t } = useLanguage();
  const { me, merchantId, chooseMerchant } = useSession();
  const owned = me?.merchantIds ?? [];
  const applications = useApi(owned.length > 1 ? 'my-applications' : null, (signal) =>
    call(api.GET('/v1/me/merchant-applications', { signal })),
  );
  if (owned.length < 2) return null;
  const nameOf = (id: string) =>
    applications.data?.items.find((application) => application.id === id)?.name ?? id;
  return (
    <div className="shop-picker">
      <SelectField
        label={t('merchant.choose')}
        value={merchantId ?? ''}
        onValue={chooseMerchant}
        options={owned.map((id) => ({ value: id, label: nameOf(id) }))}
        translate="no"
      />
    </div>
  );
}

/** The merchant console: the till first; a person without an approved shop sees how to apply. */
export default function MerchantConsole() {
  const { t } = useLanguage();
  const { me } = useSession();
  const approved = (me?.merchantIds.length ?? 0) > 0;
  const nav: NavItem[] = approved
    ? [
        { to: '/merchant/pos', label: t('merchant.nav.pos'), icon: 'pay' },
        { to: '/merchant/sales', label: t('merchant.nav.sales'), icon: 'sales' },
        { to: '/merchant/settlements', label: t('merchant.nav.settlements'), icon: 'settlement' },
        { to: '/merchant/qr', label: t('merchant.nav.qr'), icon: 'code' },
        { to: '/merchant/orders', label: t('commerce.merchant.navOrders'), icon: 'history' },
        { to: '/merchant/catalogue', label: t('commerce.merchant.navCatalogue'), icon: 'store' },
        { to: '/merchant/funds', label: t('funds.nav'), icon: 'budget' },
        { to: '/merchant/applications', label: t('merchant.nav.applications'), icon: 'review' },
      ]
    : [
        { to: '/merchant/applications', label: t('merchant.nav.applications'), icon: 'review' },
        { to: '/merchant/apply', label: t('merchant.nav.apply'), icon: 'apply' },
        { to: '/wallet', label: t('app.console.wallet'), icon: 'home' },
      ];
  return (
    <Routes>
      <Route
        element={
          <ConsoleLayout console="merchant" nav={nav} banner={<FrozenNotice before={<ShopPicker />} />} />
        }
      >
        <Route index element={<Navigate to={approved ? 'pos' : 'applications'} replace />} />
        <Route path="apply" element={<ApplyPage />} />
        <Route path="applications" element={<ApplicationsPage />} />
        {approved && <Route path="pos" element={<PosPage />} />}
        {approved && <Route path="sales" element={<SalesPage />} />}
        {approved && <Route path="qr" element={<MerchantQrPage />} />}
        {approved && <Route path="orders" element={<OrderQueuePage />} />}
        {approved && <Route path="catalogue" element={<CataloguePage />} />}
        {approved && <Route path="funds" element={<MerchantFundsPage />} />}
        {approved && <Route path="settlements" element={<SettlementsPage />} />}
        {approved && <Route path="settlements/:statementId" element={<StatementPage />} />}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
