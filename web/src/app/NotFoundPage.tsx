import { Link } from 'react-router';
import { useLanguage } from '../i18n/i18n.js';
import { Page } from '../ui/Page.js';
import { PlainLayout } from './AppShell.js';

/** An unknown path inside a console keeps the console around it. */
export function NotFound() {
  const { t } = useLanguage();
  return (
    <Page title={t('app.notFoundTitle')} intro={t('app.notFoundBody')}>
      <Link to="/" className="button button-primary">
        {t('app.goHome')}
      </Link>
    </Page>
  );
}

export function NotFoundPage() {
  return (
    <PlainLayout>
      <NotFound />
    </PlainLayout>
  );
}
