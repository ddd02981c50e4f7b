import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { PlainLayout } from '../app/AppShell.js';
import { useCityName } from '../branding/branding.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { DongField } from '../reference/DongField.js';
import { Button } from '../ui/Button.js';
import { SelectField, TextField } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { useSession } from './session.js';
import { errorsOf, hasErrors, isMobilePhone, isPassword } from './validation.js';

interface SignUpForm {
  name: string;
  phone: string;
  password: string;
  birthDate: string;
  district: string;
  dong: string;
}

const EMPTY_FORM: SignUpForm = { name: '', phone: '', password: '', birthDate: '', district: '', dong: '' };

export function SignUpPage() {
  const { t, language } = useLanguage();
  const city = useCityName();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState(EMPTY_FORM);
  const [showErrors, setShowErrors] = useState(false);
  const districts = useApi('districts', (signal) => call(api.GET('/v1/districts', { signal })));
  const signUp = useSubmit(async (input: SignUpForm) => {
    await call(
      api.POST('/v1/members', { body: { ...input, phone: input.phone.trim(), name: input.name.trim() } }),
    );
    return signIn(input.phone.trim(), input.password);
  });

  const set = (key: keyof SignUpForm) => (value: string) =>
    setForm((current) => ({ ...current, [key]: value }));
  const errors = errorsOf({
    name: form.name.trim() ? null : t('validation.required'),
    phone: isMobilePhone(form.phone) ? null : t('validation.phone'),
    password: isPassword(form.password) ? null : t('validation.password'),
    birthDate: form.birthDate ? null : t('validation.birthDate'),
    district: form.district ? null : t('validation.required'),
    dong: form.dong.trim() ? null : t('validation.required'),
  });
  const shown = showErrors ? errors : {};

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (hasErrors(errors)) return;
    if (await signUp.submit(form)) navigate('/wallet', { replace: true });
  };

  const districtOptions = (districts.data?.items ?? []).map((district) => ({
    value: district.code,
    label: localName(district, language),
  }));

  return (
    <PlainLayout>
      <Page title={t('auth.signUpTitle', { city })} intro={t('auth.signUpIntro')}>
        <form className="card form" onSubmit={onSubmit} noValidate>
          <TextField
            label={t('auth.name')}
            value={form.name}
            onValue={set('name')}
            autoComplete="name"
            error={shown.name}
          />
          <TextField
            label={t('auth.phone')}
            hint={t('auth.phoneHint')}
            value={form.phone}
            onValue={set('phone')}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            error={shown.phone}
          />
          <TextField
            label={t('auth.password')}
            hint={t('auth.passwordHint')}
            value={form.password}
            onValue={set('password')}
            type="password"
            autoComplete="new-password"
            error={shown.password}
          />
          <TextField
            label={t('auth.birthDate')}
            value={form.birthDate}
            onValue={set('birthDate')}
            type="date"
            autoComplete="bday"
            error={shown.birthDate}
          />
          <SelectField
            label={t('auth.district')}
            value={form.district}
            onValue={set('district')}
            options={districtOptions}
            placeholder={t('auth.choose')}
            error={shown.district}
          />
          {districts.status === 'failed' && (
            <ErrorNotice error={districts.error} onRetry={districts.reload} />
          )}
          <DongField
            label={t('auth.dong')}
            hint={t('auth.dongHint')}
            value={form.dong}
            onValue={set('dong')}
            error={shown.dong}
            district={form.district}
          />
          {signUp.status === 'failed' && <ErrorNotice error={signUp.error} />}
          <Button type="submit" wide busy={signUp.busy} busyLabel={t('auth.signingUp')}>
            {t('auth.signUp')}
          </Button>
          <p className="form-footer">
            {t('auth.haveAccount')} <Link to="/login">{t('auth.logIn')}</Link>
          </p>
        </form>
      </Page>
    </PlainLayout>
  );
}
