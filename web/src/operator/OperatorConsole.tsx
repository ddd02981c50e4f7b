import { Navigate, Route, Routes } from 'react-router';
import { ConsoleLayout, type NavItem } from '../app/AppShell.js';
import { NotFound } from '../app/NotFoundPage.js';
import { OperatorCommercePage } from '../commerce/OperatorCommercePage.js';
import { useLanguage } from '../i18n/i18n.js';
import { FundReviewPage } from '../merchant-funds/FundReviewPage.js';
import { OperatorGivingPage } from '../merchant-funds/OperatorGivingPage.js';
import { AuditPage } from './AuditPage.js';
import { AuditTrailPage } from './AuditTrailPage.js';
import { BudgetsPage } from './BudgetsPage.js';
import { FraudRoutes } from './fraud/FraudRoutes.js';
import { LabPage } from './lab/LabPage.js';
import { PolicyPage } from './PolicyPage.js';
import { PartnersPage } from './partners/PartnersPage.js';
import { ProgramPage } from './programs/ProgramPage.js';
import { ProgramsPage } from './programs/ProgramsPage.js';
import { ReviewPage } from './ReviewPage.js';
import { SettlementsAdminPage } from './SettlementsAdminPage.js';

/** The city's console: desktop-first, with a side bar. */
export default function OperatorConsole() {
  const { t } = useLanguage();
  const nav: NavItem[] = [
    { to: '/operator/review', label: t('operator.nav.review'), icon: 'review' },
    { to: '/operator/policy', label: t('operator.nav.policy'), icon: 'policy' },
    { to: '/operator/budgets', label: t('operator.nav.budgets'), icon: 'budget' },
    { to: '/operator/lab', label: t('lab.nav'), icon: 'budget' },
    { to: '/operator/programs', label: t('operator.nav.programs'), icon: 'program' },
    { to: '/operator/fraud', label: t('fraud.nav'), icon: 'audit' },
    { to: '/operator/settlements', label: t('operator.nav.settlements'), icon: 'settlement' },
    { to: '/operator/commerce', label: t('commerce.operator.nav'), icon: 'store' },
    { to: '/operator/funds', label: t('funds.operatorNav'), icon: 'budget' },
    { to: '/operator/giving', label: t('funds.givingNav'), icon: 'program' },
    { to: '/operator/partners', label: t('partners.nav'), icon: 'program' },
    { to: '/operator/audit', label: t('operator.nav.audit'), icon: 'audit' },
    { to: '/operator/trail', label: t('operator.nav.trail'), icon: 'trail' },
  ];
  return (
    <Routes>
      <Route element={<ConsoleLayout console="operator" nav={nav} />}>
        <Route index element={<Navigate to="review" replace />} />
        <Route path="review" element={<ReviewPage />} />
        <Route path="policy" element={<PolicyPage />} />
        <Route path="budgets" element={<BudgetsPage />} />
        <Route path="lab" element={<LabPage />} />
        <Route path="programs" element={<ProgramsPage />} />
        <Route path="programs/:programId" element={<ProgramPage />} />
        <Route path="fraud/*" element={<FraudRoutes />} />
        <Route path="settlements" element={<SettlementsAdminPage />} />
        <Route path="commerce" element={<OperatorCommercePage />} />
        <Route path="funds" element={<FundReviewPage />} />
        <Route path="giving" element={<OperatorGivingPage />} />
        <Route path="partners" element={<PartnersPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="trail" element={<AuditTrailPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
