import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useSearchParams } from 'react-router';
import { LogInPage } from '../auth/LogInPage.js';
import { SignUpPage } from '../auth/SignUpPage.js';
import { SessionProvider } from '../auth/session.js';
import { PublicBooksPage } from '../public-books/PublicBooksPage.js';
import { Loading } from '../ui/Loaded.js';
import { PlainLayout } from './AppShell.js';
import { HomeRedirect, RequireOperator, RequireSession } from './guards.js';
import { NotFoundPage } from './NotFoundPage.js';

// Each console is its own bundle: a citizen's phone never downloads the operator's charts.
const WalletConsole = lazy(() => import('../wallet/WalletConsole.js'));
const MerchantConsole = lazy(() => import('../merchant/MerchantConsole.js'));
const OperatorConsole = lazy(() => import('../operator/OperatorConsole.js'));

/** While a console's bundle downloads: the page frame stays, so nothing jumps. */
function ConsoleLoading() {
  return (
    <PlainLayout>
      <Loading />
    </PlainLayout>
  );
}

/** A merchant's printed QR code opens `/pay?merchant=CODE`: straight to the payment form. */
function PayLink() {
  const [params] = useSearchParams();
  return <Navigate to={`/wallet/pay?${params.toString()}`} replace />;
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Suspense fallback={<ConsoleLoading />}>
          <Routes>
            <Route path="/login" element={<LogInPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/books/:tenantId?" element={<PublicBooksPage />} />
            <Route element={<RequireSession />}>
              <Route index element={<HomeRedirect />} />
              <Route path="/pay" element={<PayLink />} />
              <Route path="/wallet/*" element={<WalletConsole />} />
              <Route path="/merchant/*" element={<MerchantConsole />} />
              <Route
                path="/operator/*"
                element={
                  <RequireOperator>
                    <OperatorConsole />
                  </RequireOperator>
                }
              />
            </Route>
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </SessionProvider>
    </BrowserRouter>
  );
}
