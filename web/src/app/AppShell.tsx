import { type ReactNode, type RefObject, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { type Console, consolesOf, useSession } from '../auth/session.js';
import { customBranding } from '../branding/branding.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { Icon, type IconName } from '../ui/Icon.js';
import { DataName } from '../ui/Page.js';

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  /** Match the path exactly (for a console's home). */
  end?: boolean;
}

const CONSOLE_HOME: Record<Console, string> = {
  wallet: '/wallet',
  merchant: '/merchant',
  operator: '/operator',
};

function LanguageSwitch() {
  const { t, language, setLanguage } = useLanguage();
  return (
    <button
      type="button"
      className="header-button"
      lang={language === 'ko' ? 'en' : 'ko'}
      aria-label={t('app.switchLanguageLabel')}
      onClick={() => setLanguage(language === 'ko' ? 'en' : 'ko')}
    >
      {t('app.switchLanguage')}
    </button>
  );
}

/** Someone who is a member, a shop owner and an operator at once moves between their consoles here. */
function ConsoleSwitch() {
  const { t } = useLanguage();
  const { me } = useSession();
  const consoles = consolesOf(me);
  if (consoles.length < 2) return null;
  return (
    <nav className="console-switch" aria-label={t('app.consoles')}>
      {consoles.map((console) => (
        <NavLink key={console} to={CONSOLE_HOME[console]} className="console-link">
          {t(`app.console.${console}`)}
        </NavLink>
      ))}
    </nav>
  );
}

function AccountMenu() {
  const { t } = useLanguage();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  if (!me) return null;
  return (
    <div className="account">
      <span className="account-name">
        <DataName>{me.name}</DataName>
        {t('app.nameSuffix')}
      </span>
      <button
        type="button"
        className="header-button"
        onClick={async () => {
          await signOut();
          navigate('/login');
        }}
      >
        {t('app.signOut')}
      </button>
    </div>
  );
}

export function Header({ console }: { console: Console | null }) {
  const { t, language } = useLanguage();
  // A city with its own branding shows its name and logo; otherwise Hanbat's.
  const branding = customBranding();
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <div className="app-header-row">
        <NavLink to="/" className="brand">
          <img src={branding?.logoUrl ?? '/favicon.svg'} alt="" width="28" height="28" />
          <span>
            <span className="brand-name">{branding ? localName(branding, language) : t('app.brand')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </span>
        </NavLink>
        <div className="header-tools">
          <LanguageSwitch />
          <AccountMenu />
        </div>
      </div>
      {console && <ConsoleSwitch />}
    </header>
  );
}

interface ConsoleLayoutProps {
  console: Console;
  nav: NavItem[];
  /** Above the screens, e.g. the shop picker of the merchant console. */
  banner?: ReactNode;
}

/** A tab bar wider than the screen scrolls sideways: the current tab is scrolled into view, whole. */
function useCurrentTabInView(bar: RefObject<HTMLUListElement | null>) {
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the current tab changes with the path
  useEffect(() => {
    const reveal = () => {
      const list = bar.current;
      const tab = list?.querySelector<HTMLElement>('.console-nav-link.active')?.parentElement;
      if (!list || !tab || list.scrollWidth <= list.clientWidth) return;
      const start = tab.offsetLeft - list.offsetLeft;
      const end = start + tab.offsetWidth;
      if (start < list.scrollLeft) list.scrollLeft = start;
      else if (end > list.scrollLeft + list.clientWidth) list.scrollLeft = end - list.clientWidth;
    };
    reveal();
    // The labels widen once the web font arrives: measured again then.
    let current = true;
    void document.fonts?.ready.then(() => current && reveal());
    return () => {
      current = false;
    };
  }, [bar, pathname]);
}

/** A console: its own menu (a bottom tab bar on phones, a side bar for operators) around its screens. */
export function ConsoleLayout({ console, nav, banner }: ConsoleLayoutProps) {
  const { t } = useLanguage();
  const tabs = useRef<HTMLUListElement>(null);
  useCurrentTabInView(tabs);
  return (
    <div className={`console console-${console}`}>
      <Header console={console} />
      <div className="console-body">
        <nav className="console-nav" aria-label={t('app.mainNavigation')}>
          <ul ref={tabs}>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} className="console-nav-link">
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="console-main" tabIndex={-1}>
          {banner}
          <Outlet />
        </main>
      </div>
    </div>
  );
}

/** Sign-in and sign-up: the header without a console. */
export function PlainLayout({ children }: { children: ReactNode }) {
  return (
    <div className="console console-plain">
      <Header console={null} />
      <main id="main" className="console-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
