import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { Notice } from '../ui/Notice.js';
import { DataName } from '../ui/Page.js';

/** The demo preset's sign-ins, from the server, which lists them in demo mode only (never in production). */
export function DemoSignIns({ onChoose }: { onChoose: (phone: string, password: string) => void }) {
  const { t, language } = useLanguage();
  const mode = useApi('mode', (signal) => call(api.GET('/v1/mode', { signal })));
  const signIns = mode.data?.mode === 'demo' ? mode.data.demoSignIns : [];
  if (signIns.length === 0) return null;
  return (
    <Notice tone="info" title={t('firstRun.demoSignInsTitle')}>
      <p>{t('firstRun.demoSignInsIntro')}</p>
      <ul className="demo-sign-ins">
        {signIns.map((person) => {
          // The name is data (never translated); what the account is for, in the page's language.
          const role = language === 'en' ? person.roleEn : person.roleKo;
          return (
            <li key={person.phone}>
              <Button
                variant="secondary"
                aria-label={t('firstRun.useDemoSignIn', { who: `${person.name} (${role})` })}
                onClick={() => onChoose(person.phone, person.password)}
              >
                <DataName>{person.name}</DataName> ({role})
              </Button>{' '}
              <span>
                {person.phone} / {person.password}
              </span>
            </li>
          );
        })}
      </ul>
    </Notice>
  );
}
