import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useSubmit } from '../api/use-submit.js';
import { PlainLayout } from '../app/AppShell.js';
import { useCityName } from '../branding/branding.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { DemoSignIns } from './DemoSignIns.js';
import { homePathFor, useSession } from './session.js';
import { errorsOf, hasErrors, isMobilePhone } from './validation.js';

/** Only paths inside the app may follow sign-in; anything else would be an open redirect. */
function safeNext(next: string | null): string | null {
  return next?.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function LogInPage() {
  const { t } = useLanguage();
  const city = useCityName();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const logIn = useSubmit(() => signIn(phone.trim(), password));

  const errors = errorsOf({
    phone: isMobilePhone(phone) ? null : t('validation.phone'),
    password: password ? null : t('validation.required'),
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (hasErrors(errors)) return;
    const session = await logIn.submit(undefined);
    if (session) navigate(safeNext(params.get('next')) ?? homePathFor(session.role), { replace: true });
  };

  return (
    <PlainLayout>
      <Page title={t('auth.logInTitle', { city })} intro={t('auth.logInIntro')}>
        <form className="card form" onSubmit={onSubmit} noValidate>
          <TextField
            label={t('auth.phone')}
            hint={t('auth.phoneHint')}
            value={phone}
            onValue={setPhone}
            type="tel"
            inputMode="tel"
            autoComplete="username"
            error={showErrors ? errors.phone : null}
          />
          <TextField
            label={t('auth.password')}
            value={password}
            onValue={setPassword}
            type="password"
            autoComplete="current-password"
            error={showErrors ? errors.password : null}
          />
          {logIn.status === 'failed' && <ErrorNotice error={logIn.error} />}
          <Button type="submit" wide busy={logIn.busy} busyLabel={t('auth.loggingIn')}>
            {t('auth.logIn')}
          </Button>
          <p className="form-footer">
            {t('auth.noAccount')} <Link to="/signup">{t('auth.signUp')}</Link>
          </p>
        </form>
        <DemoSignIns
          onChoose={(demoPhone, demoPassword) => {
            setPhone(demoPhone);
            setPassword(demoPassword);
          }}
        />
      </Page>
    </PlainLayout>
  );
}
