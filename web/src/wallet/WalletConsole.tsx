import { Route, Routes } from 'react-router';
import { ConsoleLayout, type NavItem } from '../app/AppShell.js';
import { NotFound } from '../app/NotFoundPage.js';
import ShopRoutes from '../commerce/ShopPages.js';
import { FrozenNotice } from '../fraud/FrozenNotice.js';
import { GivingPage } from '../giving/GivingPage.js';
import { useLanguage } from '../i18n/i18n.js';
import { AutoChargePage } from './AutoChargePage.js';
import { ChargePage } from './ChargePage.js';
import { HistoryPage } from './HistoryPage.js';
import { HomePage } from './HomePage.js';
import { MerchantsPage } from './MerchantsPage.js';
import { PaymentCodePage } from './PaymentCodePage.js';
import { PayPage } from './PayPage.js';
import { ProgramsPage } from './ProgramsPage.js';
import { RefundPage } from './RefundPage.js';
import { TransfersPage } from './TransfersPage.js';

/** The citizen's wallet: phone-first, with a bottom tab bar. */
export default function WalletConsole() {
  const { t } = useLanguage();
  const nav: NavItem[] = [
    { to: '/wallet', label: t('wallet.nav.home'), icon: 'home', end: true },
    { to: '/wallet/pay', label: t('wallet.nav.pay'), icon: 'pay' },
    { to: '/wallet/code', label: t('wallet.nav.code'), icon: 'code' },
    { to: '/wallet/history', label: t('wallet.nav.history'), icon: 'history' },
    { to: '/wallet/merchants', label: t('wallet.nav.merchants'), icon: 'search' },
    { to: '/wallet/shop', label: t('commerce.nav'), icon: 'store' },
  ];
  return (
    <Routes>
      <Route element={<ConsoleLayout console="wallet" nav={nav} banner={<FrozenNotice />} />}>
        <Route index element={<HomePage />} />
        <Route path="charge" element={<ChargePage />} />
        <Route path="pay" element={<PayPage />} />
        <Route path="code" element={<PaymentCodePage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="merchants" element={<MerchantsPage />} />
        <Route path="transfers" element={<TransfersPage />} />
        <Route path="refund" element={<RefundPage />} />
        <Route path="auto-charge" element={<AutoChargePage />} />
        <Route path="programs" element={<ProgramsPage />} />
        <Route path="giving" element={<GivingPage />} />
        <Route path="shop/*" element={<ShopRoutes />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
