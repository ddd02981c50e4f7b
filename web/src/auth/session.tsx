import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, call, forgetCsrfToken, setCredentials } from '../api/client.js';
import { ApiError } from '../api/problem.js';
import type { Me, Session } from '../api/types.js';

const SESSION_STORAGE_KEY = 'hanbat.session';
const MERCHANT_STORAGE_KEY = 'hanbat.merchant';

/** What the app remembers of a sign-in; the token itself is an HttpOnly cookie, out of every script's reach. */
type StoredSession = Pick<Session, 'role' | 'memberId' | 'expiresAt'>;

export type Console = 'wallet' | 'merchant' | 'operator';

interface SessionState {
  session: StoredSession | null;
  /** Who is signed in, with their operator roles and shops; null until loaded. */
  me: Me | null;
  /** Why `me` could not be loaded (the network, say); the screens offer to retry. */
  meError: ApiError | null;
  /** The shop merchant screens act for, among the ones this person owns. */
  merchantId: string | null;
  signIn: (phone: string, password: string) => Promise<StoredSession>;
  signOut: () => Promise<void>;
  refreshMe: () => Promise<void>;
  chooseMerchant: (merchantId: string) => void;
}

const SessionContext = createContext<SessionState | null>(null);

function readStoredSession(): StoredSession | null {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY) ?? 'null') as StoredSession | null;
    // Earlier versions kept the bearer token here: drop it, and sign in again to get the cookie.
    if (stored && 'token' in stored) {
      localStorage.removeItem(SESSION_STORAGE_KEY);
      return null;
    }
    return stored && Date.parse(stored.expiresAt) > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

function storeSession(session: StoredSession | null): void {
  if (session) localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_STORAGE_KEY);
}

/** The console a role opens first; a person may switch to any console they have. */
export function homePathFor(role: StoredSession['role']): string {
  if (role === 'operator') return '/operator';
  if (role === 'merchant') return '/merchant';
  return '/wallet';
}

export function consolesOf(me: Me | null): Console[] {
  if (!me) return [];
  return [
    'wallet',
    ...(me.merchantIds.length > 0 ? (['merchant'] as const) : []),
    ...(me.operatorRoles.length > 0 ? (['operator'] as const) : []),
  ];
}

export function SessionProvider({ children }: { children: ReactNode }) {
  // Credentials are set before the first render, so the screens' first changes carry a CSRF token.
  const [session, setSession] = useState<StoredSession | null>(() => {
    const stored = readStoredSession();
    setCredentials({ signedIn: stored !== null });
    return stored;
  });
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<ApiError | null>(null);
  const [merchantId, setMerchantId] = useState<string | null>(() => {
    const chosen = localStorage.getItem(MERCHANT_STORAGE_KEY);
    setCredentials({ merchantId: chosen });
    return chosen;
  });

  const forget = useCallback(() => {
    storeSession(null);
    setCredentials({ signedIn: false });
    forgetCsrfToken();
    setSession(null);
    setMe(null);
  }, []);

  const refreshMe = useCallback(async () => {
    setMeError(null);
    try {
      setMe(await call(api.GET('/v1/me')));
    } catch (error) {
      setMeError(error instanceof ApiError ? error : new ApiError(0, 'UNREADABLE_RESPONSE', null));
    }
  }, []);

  useEffect(() => {
    setCredentials({ onUnauthorized: forget });
    if (session) void refreshMe();
  }, [session, forget, refreshMe]);

  // Act for the chosen shop while this person still owns it, else for their first one.
  useEffect(() => {
    if (!me) return;
    const next = merchantId && me.merchantIds.includes(merchantId) ? merchantId : (me.merchantIds[0] ?? null);
    setCredentials({ merchantId: next });
    if (next !== merchantId) setMerchantId(next);
  }, [me, merchantId]);

  const signIn = useCallback(async (phone: string, password: string) => {
    const granted = await call(api.POST('/v1/sessions', { body: { phone, password } }));
    const stored = {
      role: granted.role,
      memberId: granted.memberId,
      expiresAt: granted.expiresAt,
    };
    storeSession(stored);
    forgetCsrfToken();
    setCredentials({ signedIn: true });
    setSession(stored);
    return stored;
  }, []);

  const signOut = useCallback(async () => {
    // Revoke on the server when it answers; the local session goes either way.
    await call(api.DELETE('/v1/sessions/current')).catch(() => undefined);
    forget();
  }, [forget]);

  const chooseMerchant = useCallback((chosen: string) => {
    localStorage.setItem(MERCHANT_STORAGE_KEY, chosen);
    setCredentials({ merchantId: chosen });
    setMerchantId(chosen);
  }, []);

  const value = useMemo(
    () => ({ session, me, meError, merchantId, signIn, signOut, refreshMe, chooseMerchant }),
    [session, me, meError, merchantId, signIn, signOut, refreshMe, chooseMerchant],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
