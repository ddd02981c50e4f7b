import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { homePathFor, useSession } from '../auth/session.js';
import { Loading } from '../ui/Loaded.js';
import { ErrorNotice } from '../ui/Notice.js';
import { PlainLayout } from './AppShell.js';

/** Screens behind sign-in: a visitor goes to the sign-in page and comes back where they were headed. */
export function RequireSession() {
  const { session, me, meError, refreshMe } = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (meError) {
    return (
      <PlainLayout>
        <ErrorNotice error={meError} onRetry={() => void refreshMe()} />
      </PlainLayout>
    );
  }
  if (!me) {
    return (
      <PlainLayout>
        <Loading />
      </PlainLayout>
    );
  }
  return <Outlet />;
}

/** `/` opens the console of the role the person signed in with. */
export function HomeRedirect() {
  const { session } = useSession();
  return <Navigate to={session ? homePathFor(session.role) : '/login'} replace />;
}

/** Operator screens for operators only; anyone else lands in their wallet. */
export function RequireOperator({ children }: { children: ReactNode }) {
  const { me } = useSession();
  if (!me || me.operatorRoles.length === 0) return <Navigate to="/wallet" replace />;
  return children;
}
