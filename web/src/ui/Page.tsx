import { type ReactNode, useEffect, useRef } from 'react';
import { customBranding } from '../branding/branding.js';
import { localName, useLanguage } from '../i18n/i18n.js';

interface PageProps {
  title: ReactNode;
  intro?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}

/**
 * One screen: its heading takes focus when the screen opens, so keyboard and screen-reader users land
 * on the new content instead of staying on the link they followed.
 */
export function Page({ title, intro, actions, children, wide = false }: PageProps) {
  const { t, language } = useLanguage();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, []);
  // Each screen names the browser tab and the history entry after itself.
  const pageTitle = typeof title === 'string' ? title : headingRef.current?.textContent;
  useEffect(() => {
    // A city with its own branding names the tab after itself, not after the default city.
    const branding = customBranding();
    const suffix = branding ? localName(branding, language) : t('trust.titleSuffix');
    if (pageTitle) document.title = `${pageTitle} — ${suffix}`;
  }, [pageTitle, t, language]);
  return (
    <section className={`page${wide ? ' page-wide' : ''}`} aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {intro && <p className="page-intro">{intro}</p>}
      {children}
    </section>
  );
}

/** A proper name from the data (a shop, a policy, a person): shown as written, never translated. */
export function DataName({ children }: { children: ReactNode }) {
  return (
    <span className="data-name" translate="no">
      {children}
    </span>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'bad' | 'warn' | 'info';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
