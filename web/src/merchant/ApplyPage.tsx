import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client.js';
import type { ApplicationBody, Eligibility, Industry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { errorsOf, hasErrors } from '../auth/validation.js';
import { parseWon } from '../i18n/format.js';
import { localName, useLanguage } from '../i18n/i18n.js';
import { BANKS } from '../reference/banks.js';
import { DongField } from '../reference/DongField.js';
import { byCode, useReference } from '../reference/use-reference.js';
import { Button } from '../ui/Button.js';
import { CheckboxField, SelectField, TextField } from '../ui/Field.js';
import { Loading } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';
import { useDebounced } from '../ui/use-debounced.js';
import { useDemoMode } from '../ui/use-demo-mode.js';
import { checkBusinessNumber } from './business-number.js';
import { ReasonList } from './ReasonList.js';
import { REGIONS } from './regions.js';

interface ApplicationForm {
  businessNumber: string;
  name: string;
  industryCode: string;
  district: string;
  dong: string;
  marketId: string;
  revenue: string;
  isFranchise: boolean;
  brand: string;
  headquartersRegion: string;
  directlyOperated: boolean;
  bankCode: string;
  accountNumber: string;
  holderName: string;
}

const EMPTY_FORM: ApplicationForm = {
  businessNumber: '',
  name: '',
  industryCode: '',
  district: '',
  dong: '',
  marketId: '',
  revenue: '',
  isFranchise: false,
  brand: '',
  headquartersRegion: '',
  directlyOperated: false,
  bankCode: '',
  accountNumber: '',
  holderName: '',
};

const ELIGIBILITY_DEBOUNCE_MS = 400;

function hasSettlement(form: ApplicationForm): boolean {
  return Boolean(form.bankCode || form.accountNumber || form.holderName);
}

function useValidation(form: ApplicationForm) {
  const { t } = useLanguage();
  const businessNumber = checkBusinessNumber(form.businessNumber);
  const settlement = hasSettlement(form);
  return errorsOf({
    businessNumber:
      businessNumber === 'valid'
        ? null
        : businessNumber === 'bad_check_digit'
          ? t('validation.businessNumberCheck')
          : t('validation.businessNumber'),
    name: form.name.trim() ? null : t('validation.required'),
    industryCode: form.industryCode ? null : t('validation.required'),
    district: form.district ? null : t('validation.required'),
    dong: form.dong.trim() ? null : t('validation.required'),
    revenue: parseWon(form.revenue) === null ? t('validation.revenue') : null,
    brand: form.isFranchise && !form.brand.trim() ? t('validation.required') : null,
    headquartersRegion:
      form.isFranchise && form.directlyOperated && !form.headquartersRegion ? t('validation.required') : null,
    bankCode:
      settlement && !BANKS.some((bank) => bank.code === form.bankCode) ? t('trust.banks.choose') : null,
    accountNumber:
      settlement && !/^[0-9-]{6,20}$/.test(form.accountNumber) ? t('validation.accountNumber') : null,
    holderName: settlement && !form.holderName.trim() ? t('validation.required') : null,
  });
}

/** The API body of a valid form. */
function bodyOf(form: ApplicationForm): ApplicationBody {
  return {
    businessNumber: form.businessNumber.trim(),
    name: form.name.trim(),
    industryCode: form.industryCode,
    district: form.district,
    dong: form.dong.trim(),
    ...(form.marketId ? { marketId: form.marketId } : {}),
    annualRevenueWon: parseWon(form.revenue) ?? 0,
    franchise: form.isFranchise
      ? {
          isFranchise: true,
          brand: form.brand.trim(),
          directlyOperated: form.directlyOperated,
          ...(form.headquartersRegion
            ? { headquartersRegion: form.headquartersRegion as (typeof REGIONS)[number] }
            : {}),
        }
      : { isFranchise: false },
    ...(hasSettlement(form)
      ? {
          settlementAccount: {
            bankCode: form.bankCode,
            accountNumber: form.accountNumber,
            holderName: form.holderName.trim(),
          },
        }
      : {}),
  };
}

function IndustryRefusal({ industry }: { industry: Industry | undefined }) {
  const { language } = useLanguage();
  if (!industry?.excluded) return null;
  const reason = language === 'en' ? industry.exclusionReasonEn : industry.exclusionReasonKo;
  return <Notice tone="warning">{reason}</Notice>;
}

function EligibilityPanel({
  state,
  ready,
}: {
  state: ReturnType<typeof useApi<Eligibility>>;
  ready: boolean;
}) {
  const { t } = useLanguage();
  let content: React.ReactNode;
  if (!ready) content = <p className="muted">{t('merchant.apply.fillToCheck')}</p>;
  else if (state.status === 'failed') content = <ErrorNotice error={state.error} onRetry={state.reload} />;
  else if (state.status === 'loading' || !state.data)
    content = <Loading label={t('merchant.apply.checking')} />;
  else
    content = (
      <>
        <p className={`verdict ${state.data.eligible ? 'verdict-good' : 'verdict-bad'}`}>
          {state.data.eligible ? t('merchant.apply.eligible') : t('merchant.apply.notEligible')}
        </p>
        <ReasonList reasons={state.data.reasons} />
      </>
    );
  return (
    <section className="eligibility" aria-labelledby="eligibility-title" aria-live="polite">
      <h2 id="eligibility-title">{t('merchant.apply.eligibility')}</h2>
      {content}
    </section>
  );
}

export function ApplyPage() {
  const { t, language } = useLanguage();
  const reference = useReference();
  const [form, setForm] = useState(EMPTY_FORM);
  const [showErrors, setShowErrors] = useState(false);
  const errors = useValidation(form);
  const valid = !hasErrors(errors);
  // Ask the rules only about a complete application, and only once the applicant pauses typing.
  const eligibilityKey = useDebounced(valid ? JSON.stringify(bodyOf(form)) : null, ELIGIBILITY_DEBOUNCE_MS);
  const eligibility = useApi(eligibilityKey, (signal) =>
    call(
      api.POST('/v1/merchant-applications/eligibility', {
        signal,
        body: JSON.parse(eligibilityKey ?? '{}') as ApplicationBody,
      }),
    ),
  );
  const apply = useSubmit((body: ApplicationBody) => call(api.POST('/v1/merchant-applications', { body })));

  const set =
    <Key extends keyof ApplicationForm>(key: Key) =>
    (value: ApplicationForm[Key]) =>
      setForm((current) => ({ ...current, [key]: value, ...(key === 'district' ? { marketId: '' } : {}) }));
  const shown = showErrors ? errors : {};
  const demoMode = useDemoMode();
  const industries = reference.data?.industries ?? [];
  const markets = (reference.data?.markets ?? []).filter(
    (market) => market.district === form.district && (demoMode || !market.synthetic),
  );
  const eligible =
    valid && eligibilityKey !== null && eligibility.status === 'ready' && eligibility.data.eligible;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (!valid || !eligible) return;
    await apply.submit(bodyOf(form));
  };

  if (apply.status === 'succeeded') {
    const pending = apply.result.status === 'pending';
    return (
      <Page title={t('merchant.apply.title')}>
        <Notice
          tone={pending ? 'success' : 'error'}
          title={pending ? t('merchant.apply.submitted') : t('merchant.apply.refused')}
          action={
            <Link className="button button-primary" to="/merchant/applications">
              {t('merchant.nav.applications')}
            </Link>
          }
        >
          <ReasonList reasons={apply.result.reasons} />
        </Notice>
      </Page>
    );
  }

  return (
    <Page title={t('merchant.apply.title')} intro={t('merchant.apply.intro')}>
      {reference.status === 'failed' && <ErrorNotice error={reference.error} onRetry={reference.reload} />}
      <form className="card form apply-form" onSubmit={onSubmit} noValidate>
        <fieldset>
          <legend>{t('merchant.apply.business')}</legend>
          <TextField
            label={t('merchant.apply.businessNumber')}
            hint={t('merchant.apply.businessNumberHint')}
            value={form.businessNumber}
            onValue={set('businessNumber')}
            inputMode="numeric"
            error={shown.businessNumber}
          />
          <TextField
            label={t('merchant.apply.name')}
            value={form.name}
            onValue={set('name')}
            error={shown.name}
          />
          <SelectField
            label={t('merchant.apply.industry')}
            value={form.industryCode}
            onValue={set('industryCode')}
            placeholder={t('auth.choose')}
            options={industries.map((industry) => ({
              value: industry.code,
              label: industry.excluded
                ? t('merchant.apply.excludedIndustry', { name: localName(industry, language) })
                : localName(industry, language),
            }))}
            error={shown.industryCode}
          />
          <IndustryRefusal industry={byCode(industries, form.industryCode)} />
          <SelectField
            label={t('merchant.apply.district')}
            value={form.district}
            onValue={set('district')}
            placeholder={t('auth.choose')}
            options={(reference.data?.districts ?? []).map((district) => ({
              value: district.code,
              label: localName(district, language),
            }))}
            error={shown.district}
          />
          <DongField
            label={t('merchant.apply.dong')}
            value={form.dong}
            onValue={set('dong')}
            error={shown.dong}
            district={form.district}
          />
          <SelectField
            label={t('merchant.apply.market')}
            value={form.marketId}
            onValue={set('marketId')}
            placeholder={t('merchant.apply.noMarket')}
            options={markets.map((market) => ({ value: market.id, label: localName(market, language) }))}
            disabled={markets.length === 0}
            optional
          />
          <TextField
            label={t('merchant.apply.revenue')}
            hint={t('merchant.apply.revenueHint')}
            value={form.revenue}
            onValue={set('revenue')}
            inputMode="numeric"
            error={shown.revenue}
          />
        </fieldset>
        <EligibilityPanel state={eligibility} ready={eligibilityKey !== null} />
        <fieldset>
          <legend>{t('merchant.apply.franchise')}</legend>
          <CheckboxField
            label={t('merchant.apply.isFranchise')}
            checked={form.isFranchise}
            onChecked={set('isFranchise')}
          />
          {form.isFranchise && (
            <>
              <TextField
                label={t('merchant.apply.brand')}
                value={form.brand}
                onValue={set('brand')}
                error={shown.brand}
              />
              <CheckboxField
                label={t('merchant.apply.directlyOperated')}
                checked={form.directlyOperated}
                onChecked={set('directlyOperated')}
              />
              <SelectField
                label={t('merchant.apply.headquartersRegion')}
                value={form.headquartersRegion}
                onValue={set('headquartersRegion')}
                placeholder={t('auth.choose')}
                options={REGIONS.map((region) => ({ value: region, label: t(`regions.${region}`) }))}
                optional={!form.directlyOperated}
                error={shown.headquartersRegion}
              />
            </>
          )}
        </fieldset>
        <fieldset>
          <legend>
            {t('merchant.apply.settlement')} <span className="field-optional">({t('app.optional')})</span>
          </legend>
          <p className="field-hint">{t('merchant.apply.settlementHint')}</p>
          <SelectField
            label={t('trust.banks.label')}
            value={form.bankCode}
            onValue={set('bankCode')}
            placeholder={t('trust.banks.choose')}
            options={BANKS.map((bank) => ({
              value: bank.code,
              label: language === 'en' ? bank.nameEn : bank.nameKo,
            }))}
            error={shown.bankCode}
          />
          <TextField
            label={t('merchant.apply.accountNumber')}
            value={form.accountNumber}
            onValue={set('accountNumber')}
            inputMode="numeric"
            error={shown.accountNumber}
          />
          <TextField
            label={t('merchant.apply.holderName')}
            value={form.holderName}
            onValue={set('holderName')}
            error={shown.holderName}
          />
        </fieldset>
        {showErrors && !valid && <Notice tone="error">{t('validation.formHasErrors')}</Notice>}
        {apply.status === 'failed' && <ErrorNotice error={apply.error} />}
        {valid && !eligible && eligibility.status === 'ready' && (
          <p className="muted">{t('merchant.apply.submitDisabled')}</p>
        )}
        <Button
          type="submit"
          wide
          busy={apply.busy}
          busyLabel={t('merchant.apply.submitting')}
          disabled={valid && !eligible}
        >
          {t('merchant.apply.submit')}
        </Button>
      </form>
    </Page>
  );
}
