import { Route, Routes } from 'react-router';
import { NotFound } from '../../app/NotFoundPage.js';
import { FraudAlertsPage } from './FraudAlertsPage.js';
import { FraudCasePage } from './FraudCasePage.js';
import { FraudFreezesPage } from './FraudFreezesPage.js';
import './fraud.css';

/** The fraud console's pages under /operator/fraud. */
export function FraudRoutes() {
  return (
    <Routes>
      <Route index element={<FraudAlertsPage />} />
      <Route path="cases/:caseId" element={<FraudCasePage />} />
      <Route path="freezes" element={<FraudFreezesPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
