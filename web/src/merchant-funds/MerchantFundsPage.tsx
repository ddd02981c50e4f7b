import { type FormEvent, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { OkResponse, RequestBody } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFieldErrors } from '../ui/field-errors.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, Page } from '../ui/Page.js';
import {
  type FundProblem,
  PURPOSE_LENGTH_MAX,
  parseTermMonths,
  TERM_MONTHS_MAX,
  TERM_MONTHS_MIN,
  validateFund,
} from './fund-draft.js';

export type FundApplication = OkResponse<'/v1/merchant/fund-applications', 'get'>['items'][number];

export const FUND_STATUS_TONE = {
  refused: 'bad',
  pending_review: 'info',
  approved: 'warn',
  disbursed: 'good',
  disbursement_failed: 'bad',
  rejected: 'bad',
} as const;

type FundBody = RequestBody<'/v1/merchant/fund-applications', 'post'>;

function ApplyForm({ onApplied }: { onApplied: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const keys = useRef(new IdempotencyKeys());
  const [amount, setAmount] = useState('');
  const [purpose, setPurpose] = useState('');
  const [term, setTerm] = useState('36');
  const [openedOn, setOpenedOn] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const send = useSubmit((body: FundBody) =>
    sendIdempotent(keys.current, body, (idempotencyKey) =>
      call(
        api.POST('/v1/merchant/fund-applications', {
          params: { header: { 'idempotency-key': idempotencyKey } },
          body,
        }),
      ),
    ),
  );
  const problems = validateFund({ amount, purpose, term, openedOn });
  const problemText = (problem: FundProblem | null): string | null =>
    problem === 'term'
      ? t('validation.wholeNumberRange', {
          min: format.number(TERM_MONTHS_MIN),
          max: format.number(TERM_MONTHS_MAX),
        })
      : problem && t(`validation.${problem}`);
  const errors = useFieldErrors(
    {
      amountWon: problemText(problems.amountWon),
      purpose: problemText(problems.purpose),
      termMonths: problemText(problems.termMonths),
      openedOn: problemText(problems.openedOn),
    },
    showErrors,
    send.error,
  );
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    const amountWon = parseWon(amount);
    const termMonths = parseTermMonths(term);
    if (Object.values(problems).some(Boolean) || amountWon === null || termMonths === null) return;
    const body = { amountWon, purpose: purpose.trim(), termMonths, ...(openedOn ? { openedOn } : {}) };
    if (await send.submit(body)) {
      setShowErrors(false);
      onApplied();
    }
  };
  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="fund-apply-title">
      <h2 id="fund-apply-title">{t('funds.apply.title')}</h2>
      <AmountField
        label={t('funds.apply.amount')}
        value={amount}
        onValue={setAmount}
        quickAmountsWon={[10_000_000]}
        error={errors.amountWon}
      />
      <TextField
        label={t('funds.apply.purpose')}
        value={purpose}
        onValue={setPurpose}
        maxLength={PURPOSE_LENGTH_MAX}
        error={errors.purpose}
      />
      <TextField
        label={t('funds.apply.term')}
        value={term}
        onValue={setTerm}
        inputMode="numeric"
        error={errors.termMonths}
      />
      <TextField
        label={t('funds.apply.openedOn')}
        hint={t('funds.apply.openedOnHint')}
        type="date"
        value={openedOn}
        onValue={setOpenedOn}
        optional
        error={errors.openedOn}
      />
      {send.status === 'failed' && <ErrorNotice error={send.error} fields={Object.keys(errors)} />}
      {send.status === 'succeeded' && (
        <Notice tone="success">
          <p>{t('funds.apply.submitted', { status: t(`funds.statuses.${send.result.status}`) })}</p>
        </Notice>
      )}
      <Button type="submit" wide busy={send.busy} busyLabel={t('funds.apply.submitting')}>
        {t('funds.apply.submit')}
      </Button>
    </form>
  );
}

export function FundSchedule({ application }: { application: FundApplication }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (application.schedule.length === 0) return null;
  return (
    <details>
      <summary>{t('funds.mine.schedule')}</summary>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col" className="number">
                #
              </th>
              <th scope="col">{t('funds.mine.due')}</th>
              <th scope="col" className="number">
                {t('funds.mine.principal')}
              </th>
              <th scope="col" className="number">
                {t('funds.mine.interest')}
              </th>
              <th scope="col" className="number">
                {t('funds.mine.subsidy')}
              </th>
              <th scope="col" className="number">
                {t('funds.mine.pays')}
              </th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {application.schedule.map((row) => (
              <tr key={row.seq}>
                <td className="number">{row.seq}</td>
                <td>{format.calendarDate(row.dueOn)}</td>
                <td className="number">{format.won(row.principalWon)}</td>
                <td className="number">{format.won(row.interestWon)}</td>
                <td className="number">{format.won(row.subsidyWon)}</td>
                <td className="number">{format.won(row.merchantPaysWon)}</td>
                <td>
                  {row.overdue ? (
                    <Badge tone="bad">{t('funds.mine.overdue')}</Badge>
                  ) : (
                    <Badge tone={row.status === 'paid' ? 'good' : 'neutral'}>
                      {t(`funds.statuses.${row.status}`)}
                    </Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function FundApplicationCard({ application }: { application: FundApplication }) {
  const { t, language } = useLanguage();
  const format = useFormat();
  return (
    <li className="card" data-testid="fund-application">
      <p>
        <strong>{format.won(application.amountWon)}</strong> ·{' '}
        {t('funds.mine.months', { count: application.termMonths })} · {application.purpose}{' '}
        <Badge tone={FUND_STATUS_TONE[application.status]}>{t(`funds.statuses.${application.status}`)}</Badge>
      </p>
      <ul className="muted small">
        {application.reasons
          .filter((reason) => application.status === 'refused' && !reason.passed)
          .map((reason) => (
            <li key={reason.rule}>{language === 'en' ? reason.messageEn : reason.messageKo}</li>
          ))}
      </ul>
      {application.reviewNote && <p>{t('funds.mine.reviewNote', { note: application.reviewNote })}</p>}
      {application.status === 'disbursed' && (
        <p className="muted small">
          {t('funds.mine.outstanding', { amount: format.won(application.outstandingWon) })} ·{' '}
          {t('funds.mine.feeRelief', { amount: format.won(application.feeReliefWon) })}
        </p>
      )}
      <FundSchedule application={application} />
    </li>
  );
}

/** A merchant applies for a management fund loan and follows its review and repayment. */
export function MerchantFundsPage() {
  const { t } = useLanguage();
  const mine = useApi('fund-applications', (signal) =>
    call(api.GET('/v1/merchant/fund-applications', { signal })),
  );
  const items = mine.data?.items ?? [];
  return (
    <Page title={t('funds.apply.title')} intro={t('funds.apply.intro')}>
      <ApplyForm onApplied={mine.reload} />
      <section className="card" aria-labelledby="fund-mine-title">
        <h2 id="fund-mine-title">{t('funds.mine.title')}</h2>
        {items.length === 0 ? (
          <p>{t('funds.mine.empty')}</p>
        ) : (
          <ul className="plain-list">
            {items.map((application) => (
              <FundApplicationCard key={application.applicationId} application={application} />
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
