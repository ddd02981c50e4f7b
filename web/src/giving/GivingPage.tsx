import { useRef, useState } from 'react';
import { api, call, pinHeader } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { OkResponse } from '../api/types.js';
import { type Loadable, useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { CheckboxField, SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { DataName, Page } from '../ui/Page.js';
import {
  MONTHLY_DAY_MAX,
  MONTHLY_DAY_MIN,
  parseMonthlyDay,
  parseTaxYear,
  TAX_YEAR_MAX,
  TAX_YEAR_MIN,
} from './giving-input.js';

type Source = 'cash' | 'cashback' | 'grant';

/** The payment PIN travels beside the donation, not in it: a retry with another PIN keeps its key. */
interface Donation {
  charityId: string;
  campaignId?: string;
  amountWon: number;
  source: Source;
  monthlyDay?: number;
  pin: string | null;
}

/** Saves a downloaded file under a name, as a link click would. */
function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** A one-off donation may go to one of the charity's open campaigns, where partners may match it. */
function CampaignSelect({
  campaigns,
  value,
  onValue,
}: {
  campaigns: ReadonlyArray<{ campaignId: string; title: string; startsAt: string; endsAt: string }>;
  value: string;
  onValue: (value: string) => void;
}) {
  const { t } = useLanguage();
  const now = Date.now();
  const open = campaigns.filter(
    (campaign) => Date.parse(campaign.startsAt) <= now && now < Date.parse(campaign.endsAt),
  );
  if (open.length === 0) return null;
  return (
    <SelectField
      label={t('partners.give.campaign')}
      value={value}
      onValue={onValue}
      placeholder={t('partners.give.none')}
      options={open.map((campaign) => ({ value: campaign.campaignId, label: campaign.title }))}
    />
  );
}

function GiveForm({ onGiven }: { onGiven: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const keys = useRef(new IdempotencyKeys());
  const charities = useApi('charities', (signal) => call(api.GET('/v1/charities', { signal })));
  const [charityId, setCharityId] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [amount, setAmount] = useState('');
  const [source, setSource] = useState<Source>('cash');
  const [monthly, setMonthly] = useState(false);
  const [day, setDay] = useState('25');
  const [confirming, setConfirming] = useState(false);
  const give = useSubmit(({ pin, ...body }: Donation) =>
    sendIdempotent(keys.current, body, (idempotencyKey) =>
      call(
        api.POST('/v1/me/donations', {
          params: {
            header: { 'idempotency-key': idempotencyKey, ...pinHeader(pin) },
          },
          body,
        }),
      ),
    ),
  );
  const amountWon = parseWon(amount);
  const monthlyDay = monthly ? parseMonthlyDay(day) : null;
  const dayMissing = monthly && monthlyDay === null;
  const charityName =
    charities.data?.items.find((charity) => charity.charityId === charityId)?.name ?? charityId;
  const onConfirm = async (pin: string | null) => {
    if (!charityId || !amountWon || dayMissing) return;
    const given = await give.submit({
      charityId,
      amountWon,
      source,
      ...(monthlyDay !== null ? { monthlyDay } : campaignId ? { campaignId } : {}),
      pin,
    });
    if (given) {
      setConfirming(false);
      onGiven();
      charities.reload();
    }
  };
  return (
    <section className="card form" aria-labelledby="give-title">
      <h2 id="give-title">{t('giving.give.title')}</h2>
      <SelectField
        label={t('giving.give.charity')}
        value={charityId}
        onValue={(value) => {
          setCharityId(value);
          setCampaignId('');
        }}
        placeholder={t('giving.give.choose')}
        options={(charities.data?.items ?? []).map((charity) => ({
          value: charity.charityId,
          label: `${charity.name} · ${format.won(charity.donatedWon)}`,
        }))}
      />
      {!monthly && (
        <CampaignSelect
          campaigns={
            charities.data?.items.find((charity) => charity.charityId === charityId)?.campaigns ?? []
          }
          value={campaignId}
          onValue={setCampaignId}
        />
      )}
      <AmountField
        label={t('giving.give.amount')}
        value={amount}
        onValue={setAmount}
        quickAmountsWon={[5_000, 10_000]}
      />
      <SelectField
        label={t('giving.give.source')}
        value={source}
        onValue={(value) => setSource(value as Source)}
        options={(['cash', 'cashback', 'grant'] as const).map((value) => ({
          value,
          label: t(`giving.give.sources.${value}`),
        }))}
      />
      <CheckboxField label={t('giving.give.monthly')} checked={monthly} onChecked={setMonthly} />
      {monthly && (
        <TextField
          label={t('giving.give.monthlyDay')}
          value={day}
          onValue={setDay}
          inputMode="numeric"
          error={
            dayMissing
              ? t('giving.give.monthlyDayInvalid', { min: MONTHLY_DAY_MIN, max: MONTHLY_DAY_MAX })
              : null
          }
        />
      )}
      {give.status === 'failed' && !confirming && <ErrorNotice error={give.error} />}
      {give.status === 'succeeded' && (
        <Notice tone="success">
          <p>
            {give.result.monthlyGift
              ? t('giving.give.monthlyStarted', {
                  amount: format.won(give.result.monthlyGift.amountWon),
                  day: give.result.monthlyGift.monthlyDay,
                  month: format.month(give.result.monthlyGift.firstMonth),
                })
              : t('giving.give.given', { amount: format.won(give.result.donation?.amountWon ?? 0) })}
          </p>
        </Notice>
      )}
      <Button
        wide
        onClick={() => {
          give.reset();
          setConfirming(true);
        }}
        disabled={!charityId || !amountWon || dayMissing}
      >
        {t('giving.give.submit')}
      </Button>
      {confirming && amountWon && !dayMissing && (
        <ConfirmSheet
          title={t('giving.give.confirmTitle')}
          lines={[
            { label: t('giving.give.charity'), value: <DataName>{charityName}</DataName> },
            { label: t('giving.give.amount'), value: format.won(amountWon), emphasis: true },
            { label: t('giving.give.source'), value: t(`giving.give.sources.${source}`) },
            ...(monthlyDay !== null
              ? [
                  {
                    label: t('giving.give.monthlyDay'),
                    value: t('giving.give.everyMonth', { day: monthlyDay }),
                  },
                ]
              : []),
          ]}
          note={t('giving.give.confirmNote')}
          confirmLabel={t('giving.give.confirmSubmit', { amount: format.won(amountWon) })}
          busy={give.busy}
          error={give.status === 'failed' ? give.error : null}
          askPin
          onConfirm={(pin) => void onConfirm(pin)}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

type MyDonationsList = Loadable<OkResponse<'/v1/me/donations', 'get'>> & { reload: () => void };

/** The codes a month of a monthly gift fails with, each told in words; any other reads as not given. */
const GIFT_FAILURE_CODES = ['INSUFFICIENT_FUNDS', 'ACCOUNT_FROZEN', 'DONATION_SOURCE_NOT_ALLOWED'] as const;

function useGiftFailureReason() {
  const { t } = useLanguage();
  return (code: string): string => {
    const known = GIFT_FAILURE_CODES.find((failure) => failure === code);
    return t(`giving.mine.failures.${known ?? 'other'}`);
  };
}

function MyDonations({ mine }: { mine: MyDonationsList }) {
  const { t } = useLanguage();
  const failureReason = useGiftFailureReason();
  const format = useFormat();
  const year = new Date().getFullYear();
  const charities = useApi('charities', (signal) => call(api.GET('/v1/charities', { signal })));
  const nameOf = (id: string) =>
    charities.data?.items.find((charity) => charity.charityId === id)?.name ?? id;
  const stop = async (monthlyGiftId: string) => {
    await call(
      api.POST('/v1/me/monthly-gifts/{monthlyGiftId}/stop', { params: { path: { monthlyGiftId } } }),
    );
    mine.reload();
  };
  const record = async () => {
    const { data } = await api.GET('/v1/me/donation-records/{year}.pdf', {
      params: { path: { year: String(year) } },
      parseAs: 'blob',
    });
    if (data) saveFile(data as Blob, `donations-${year}.pdf`);
  };
  const items = mine.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="mine-title">
      <h2 id="mine-title">{t('giving.mine.title')}</h2>
      {items.length === 0 ? (
        <p>{t('giving.mine.empty')}</p>
      ) : (
        <ul className="list">
          {items.map((donation) => (
            <li key={donation.donationId}>
              {format.date(donation.createdAt)} · {nameOf(donation.charityId)} ·{' '}
              {format.won(donation.amountWon)}
            </li>
          ))}
        </ul>
      )}
      <p>{t('giving.mine.total', { amount: format.won(mine.data?.totalWon ?? 0) })}</p>
      {(mine.data?.monthlyGifts ?? []).length > 0 && <h3>{t('giving.mine.monthly')}</h3>}
      <ul className="list">
        {(mine.data?.monthlyGifts ?? []).map((gift) => (
          <li key={gift.monthlyGiftId}>
            {nameOf(gift.charityId)} · {format.won(gift.amountWon)} ·{' '}
            {t('giving.give.everyMonth', { day: gift.monthlyDay })}
            {gift.lastFailure &&
              ` · ${t('giving.mine.failed', {
                month: format.month(gift.lastFailure.month),
                reason: failureReason(gift.lastFailure.code),
              })}`}
            {gift.status === 'active' ? (
              <Button variant="secondary" onClick={() => stop(gift.monthlyGiftId)}>
                {t('giving.mine.stop')}
              </Button>
            ) : (
              ` · ${t('giving.mine.stopped')}`
            )}
          </li>
        ))}
      </ul>
      <Button variant="secondary" onClick={record}>
        {t('giving.mine.record', { year })}
      </Button>
    </section>
  );
}

function MyDong() {
  const { t } = useLanguage();
  const format = useFormat();
  const dongs = useApi('dongs', (signal) => call(api.GET('/v1/neighbourhood-giving/dongs', { signal })));
  const mine = useApi('my-dong', (signal) => call(api.GET('/v1/me/neighbourhood-giving', { signal })));
  const [dong, setDong] = useState('');
  const save = useSubmit((body: { dong: string }) => call(api.PUT('/v1/me/neighbourhood-giving', { body })));
  const nameOf = (code: string) => dongs.data?.items.find((item) => item.code === code)?.nameKo ?? code;
  const onSave = async () => {
    if (dong && (await save.submit({ dong }))) mine.reload();
  };
  const view = mine.data;
  return (
    <section className="card form" aria-labelledby="dong-title">
      <h2 id="dong-title">{t('giving.dong.title')}</h2>
      <p className="field-hint">{t('giving.dong.hint')}</p>
      {view?.currentDong ? (
        <p>{t('giving.dong.current', { dong: nameOf(view.currentDong) })}</p>
      ) : (
        <p>{t('giving.dong.none')}</p>
      )}
      {view?.nextDong && (
        <p>
          {t('giving.dong.next', { month: view.nextDong.effectiveMonth, dong: nameOf(view.nextDong.dong) })}
        </p>
      )}
      <p>{t('giving.dong.gave', { amount: format.won(view?.totalGivenWon ?? 0) })}</p>
      <SelectField
        label={t('giving.dong.choose')}
        value={dong}
        onValue={setDong}
        placeholder={t('giving.dong.choose')}
        options={(dongs.data?.items ?? []).map((item) => ({ value: item.code, label: item.nameKo }))}
      />
      {save.status === 'failed' && <ErrorNotice error={save.error} />}
      <Button onClick={onSave} busy={save.busy} disabled={!dong}>
        {t('giving.dong.save')}
      </Button>
    </section>
  );
}

function TaxStatement() {
  const { t } = useLanguage();
  const format = useFormat();
  const [yearText, setYearText] = useState(String(new Date().getFullYear()));
  const year = parseTaxYear(yearText);
  const statement = useApi(year === null ? null : `tax:${year}`, (signal) =>
    call(api.GET('/v1/me/tax-statements/{year}', { params: { path: { year: String(year) } }, signal })),
  );
  const download = async () => {
    if (year === null) return;
    const { data } = await api.GET('/v1/me/tax-statements/{year}.pdf', {
      params: { path: { year: String(year) } },
      parseAs: 'blob',
    });
    if (data) saveFile(data as Blob, `tax-statement-${year}.pdf`);
  };
  const totals = statement.data?.totals;
  return (
    <section className="card form" aria-labelledby="tax-title">
      <h2 id="tax-title">{t('giving.tax.title')}</h2>
      <TextField
        label={t('giving.tax.year')}
        value={yearText}
        onValue={setYearText}
        inputMode="numeric"
        error={year === null ? t('giving.tax.yearInvalid', { min: TAX_YEAR_MIN, max: TAX_YEAR_MAX }) : null}
      />
      {statement.status === 'failed' && <ErrorNotice error={statement.error} onRetry={statement.reload} />}
      {totals && (
        <dl className="facts">
          <div>
            <dt>{t('giving.tax.market')}</dt>
            <dd>{format.won(totals.traditionalMarketWon)}</dd>
          </div>
          <div>
            <dt>{t('giving.tax.general')}</dt>
            <dd>{format.won(totals.generalWon)}</dd>
          </div>
          <div>
            <dt>{t('giving.tax.total')}</dt>
            <dd>{format.won(totals.totalWon)}</dd>
          </div>
        </dl>
      )}
      {totals && <p>{t('giving.tax.base', { amount: format.won(totals.deductionBaseWon) })}</p>}
      <p className="field-hint">{t('giving.tax.note')}</p>
      <Button variant="secondary" onClick={download} disabled={year === null || !totals}>
        {t('giving.tax.download')}
      </Button>
    </section>
  );
}

/** The citizen's giving: donate once or monthly, their donations, their 동, and the tax statement. */
export function GivingPage() {
  const { t } = useLanguage();
  const mine = useApi('donations', (signal) => call(api.GET('/v1/me/donations', { signal })));
  return (
    <Page title={t('giving.title')}>
      <GiveForm onGiven={mine.reload} />
      <MyDonations mine={mine} />
      <MyDong />
      <TaxStatement />
    </Page>
  );
}
