import { type FormEvent, useId, useRef, useState } from 'react';
import { api, call } from '../../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../../api/idempotency.js';
import { useApi } from '../../api/use-api.js';
import { useSubmit } from '../../api/use-submit.js';
import { parseWon } from '../../i18n/format.js';
import { useLanguage } from '../../i18n/i18n.js';
import { AmountField } from '../../ui/AmountField.js';
import { Button } from '../../ui/Button.js';
import { decodeSpreadsheetCsv, downloadCsv } from '../../ui/csv-file.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { Page } from '../../ui/Page.js';
import { giftExpiresAt, sendGiftUpload } from './gift-upload.js';

interface Totals {
  pledgedWon: number;
  depositedWon: number;
  paidWon: number;
  matchedWon: number;
  giftedWon: number;
  reclaimedWon: number;
  depositBalanceWon: number;
}

function TotalsTable({ totals }: { totals: Totals }) {
  const { t } = useLanguage();
  const format = useFormat();
  const rows: Array<[string, number]> = [
    [t('partners.pledged'), totals.pledgedWon],
    [t('partners.deposited'), totals.depositedWon],
    [t('partners.matched'), totals.matchedWon],
    [t('partners.gifted'), totals.giftedWon],
    [t('partners.reclaimed'), totals.reclaimedWon],
    [t('partners.paid'), totals.paidWon],
    [t('partners.balance'), totals.depositBalanceWon],
  ];
  return (
    <table className="table">
      <tbody>
        {rows.map(([label, won]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{format.won(won)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RegisterForm({ onDone }: { onDone: () => void }) {
  const { t } = useLanguage();
  const [name, setName] = useState('');
  const [businessNumber, setBusinessNumber] = useState('');
  const [contact, setContact] = useState('');
  const register = useSubmit(() =>
    call(api.POST('/v1/operator/partners', { body: { name, businessNumber, contact } })),
  );
  return (
    <section className="card form" aria-labelledby="partner-form-title">
      <h2 id="partner-form-title">{t('partners.register')}</h2>
      <TextField label={t('partners.name')} value={name} onValue={setName} />
      <TextField label={t('partners.businessNumber')} value={businessNumber} onValue={setBusinessNumber} />
      <TextField label={t('partners.contact')} value={contact} onValue={setContact} />
      {register.status === 'failed' && <ErrorNotice error={register.error} />}
      <Button
        onClick={async () => {
          if (await register.submit(undefined)) {
            setName('');
            setBusinessNumber('');
            setContact('');
            onDone();
          }
        }}
        busy={register.busy}
        disabled={!name || !businessNumber || !contact}
      >
        {t('partners.register')}
      </Button>
    </section>
  );
}

function DepositForm({ partnerId, onDone }: { partnerId: string; onDone: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [amount, setAmount] = useState('');
  const [bankCode, setBankCode] = useState('SANDBOX');
  const [accountNumber, setAccount] = useState('');
  const keys = useRef(new IdempotencyKeys());
  const amountWon = parseWon(amount);
  const deposit = useSubmit(
    (body: { amountWon: number; bankAccount: { bankCode: string; accountNumber: string } }) =>
      sendIdempotent(keys.current, { partnerId, body }, (idempotencyKey) =>
        call(
          api.POST('/v1/operator/partners/{partnerId}/deposits', {
            params: { path: { partnerId }, header: { 'idempotency-key': idempotencyKey } },
            body,
          }),
        ),
      ),
  );
  return (
    <section className="card form" aria-labelledby="partner-deposit-title">
      <h3 id="partner-deposit-title">{t('partners.deposit.title')}</h3>
      <AmountField
        label={t('partners.deposit.amount')}
        value={amount}
        onValue={setAmount}
        quickAmountsWon={[]}
      />
      <TextField label={t('partners.deposit.bankCode')} value={bankCode} onValue={setBankCode} />
      <TextField label={t('partners.deposit.account')} value={accountNumber} onValue={setAccount} />
      {deposit.status === 'failed' && <ErrorNotice error={deposit.error} />}
      {deposit.result?.status === 'succeeded' && (
        <Notice tone="success">
          {t('partners.deposit.done', { amount: format.won(deposit.result.amountWon) })}
        </Notice>
      )}
      {deposit.result?.status === 'pending' && <Notice tone="info">{t('partners.deposit.pending')}</Notice>}
      <Button
        onClick={async () => {
          if (await deposit.submit({ amountWon: amountWon ?? 0, bankAccount: { bankCode, accountNumber } }))
            onDone();
        }}
        busy={deposit.busy}
        disabled={!amountWon || !accountNumber}
      >
        {t('partners.deposit.submit')}
      </Button>
    </section>
  );
}

function PledgeForm({ partnerId, onDone }: { partnerId: string; onDone: () => void }) {
  const { t } = useLanguage();
  const [campaignId, setCampaignId] = useState('');
  const [rate, setRate] = useState('100');
  const [cap, setCap] = useState('');
  const charities = useApi('partner-campaigns', (signal) => call(api.GET('/v1/charities', { signal })));
  const capWon = parseWon(cap);
  const rateBp = Math.round(Number(rate) * 100);
  const keys = useRef(new IdempotencyKeys());
  const pledge = useSubmit((body: { campaignId: string; rateBp: number; capWon: number }) =>
    sendIdempotent(keys.current, { partnerId, body }, (idempotencyKey) =>
      call(
        api.POST('/v1/operator/partners/{partnerId}/pledges', {
          params: { path: { partnerId }, header: { 'idempotency-key': idempotencyKey } },
          body,
        }),
      ),
    ),
  );
  const options = (charities.data?.items ?? []).flatMap((charity) =>
    charity.campaigns.map((campaign) => ({
      value: campaign.campaignId,
      label: `${charity.name} · ${campaign.title}`,
    })),
  );
  return (
    <section className="card form" aria-labelledby="partner-pledge-title">
      <h3 id="partner-pledge-title">{t('partners.pledge.title')}</h3>
      <SelectField
        label={t('partners.pledge.campaign')}
        value={campaignId}
        onValue={setCampaignId}
        options={options}
        placeholder={t('partners.pledge.choose')}
      />
      <TextField label={t('partners.pledge.rate')} value={rate} onValue={setRate} inputMode="decimal" />
      <AmountField label={t('partners.pledge.cap')} value={cap} onValue={setCap} quickAmountsWon={[]} />
      {pledge.status === 'failed' && <ErrorNotice error={pledge.error} />}
      <Button
        onClick={async () => {
          if (await pledge.submit({ campaignId, rateBp, capWon: capWon ?? 0 })) onDone();
        }}
        busy={pledge.busy}
        disabled={!campaignId || !capWon || !Number.isFinite(rateBp)}
      >
        {t('partners.pledge.submit')}
      </Button>
    </section>
  );
}

function GiftUpload({ partnerId, onDone }: { partnerId: string; onDone: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [expiresOn, setExpiresOn] = useState('');
  const [triedExpiry, setTriedExpiry] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const upload = useSubmit((gift: { csv: string; expiresAt: string }) =>
    sendGiftUpload(keys.current, { partnerId, ...gift }),
  );
  const expiresAt = giftExpiresAt(expiresOn);
  const expiryError =
    expiresAt === null && (triedExpiry || expiresOn !== '') ? t('partners.gift.expiresInvalid') : null;
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTriedExpiry(true);
    if (!file || expiresAt === null) return;
    // Korean Excel saves CP949 unless told otherwise: decoded here, sent as UTF-8.
    const csv = decodeSpreadsheetCsv(await file.arrayBuffer());
    if (await upload.submit({ csv, expiresAt })) onDone();
  };
  return (
    <section className="card" aria-labelledby="partner-gift-title">
      <h3 id="partner-gift-title">{t('partners.gift.title')}</h3>
      <p className="field-hint">{t('partners.gift.hint')}</p>
      <Button
        variant="secondary"
        onClick={() =>
          downloadCsv('partner-gift-template.csv', ['전화번호', '금액'], [['010-1234-5678', 50000]])
        }
      >
        {t('partners.gift.template')}
      </Button>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={fileId}>{t('partners.gift.file')}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        <TextField
          label={t('partners.gift.expiresOn')}
          type="date"
          value={expiresOn}
          onValue={setExpiresOn}
          error={expiryError}
        />
        {upload.status === 'failed' && <ErrorNotice error={upload.error} />}
        {upload.result && (
          <Notice tone="success">
            {t('partners.gift.done', {
              count: upload.result.recipientCount,
              amount: format.won(upload.result.amountWon),
            })}
          </Notice>
        )}
        <Button type="submit" busy={upload.busy} disabled={!file}>
          {t('partners.gift.submit')}
        </Button>
      </form>
    </section>
  );
}

function Statement({ partnerId, onChange }: { partnerId: string; onChange: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const detail = useApi(`partner:${partnerId}`, (signal) =>
    call(api.GET('/v1/operator/partners/{partnerId}', { signal, params: { path: { partnerId } } })),
  );
  // Refreshed in place, so the forms below keep what they just reported.
  const changed = () => {
    detail.reload();
    onChange();
  };
  const charities = useApi('partner-campaign-names', (signal) => call(api.GET('/v1/charities', { signal })));
  const campaignName = (campaignId: string) =>
    charities.data?.items.flatMap((charity) => charity.campaigns).find((c) => c.campaignId === campaignId)
      ?.title ?? '';
  if (!detail.data) return detail.error ? <ErrorNotice error={detail.error} /> : null;
  const partner = detail.data;
  return (
    <section className="card" aria-labelledby="partner-statement-title">
      <h2 id="partner-statement-title">{t('partners.statement', { name: partner.name })}</h2>
      <p className="muted">
        {format.businessNumber(partner.businessNumber)} · {partner.contact}
      </p>
      <TotalsTable totals={partner} />
      <ul className="plain-list">
        {partner.pledges.map((pledge) => (
          <li key={pledge.pledgeId}>
            {t('partners.pledge.row', {
              campaign: campaignName(pledge.campaignId),
              rate: pledge.rateBp / 100,
              cap: format.won(pledge.capWon),
              matched: format.won(pledge.matchedWon),
            })}
          </li>
        ))}
      </ul>
      <h3>{t('partners.deposits')}</h3>
      <ul className="plain-list">
        {partner.deposits.map((deposit) => (
          <li key={deposit.depositId}>
            {format.date(deposit.createdAt)} · {format.won(deposit.amountWon)} ·{' '}
            {t(`partners.status.${deposit.status}`)}
          </li>
        ))}
      </ul>
      <h3>{t('partners.gifts')}</h3>
      <ul className="plain-list">
        {partner.gifts.map((gift) => (
          <li key={gift.giftId}>
            {t('partners.gift.row', {
              date: format.date(gift.createdAt),
              count: gift.recipientCount,
              amount: format.won(gift.amountWon),
              expires: format.date(gift.expiresAt),
            })}
          </li>
        ))}
      </ul>
      <DepositForm partnerId={partnerId} onDone={changed} />
      <PledgeForm partnerId={partnerId} onDone={changed} />
      <GiftUpload partnerId={partnerId} onDone={changed} />
    </section>
  );
}

/** 동행협약: partner companies, their statements, deposits, matching pledges and employee gifts. */
export function PartnersPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [selected, setSelected] = useState<string | null>(null);
  const partners = useApi('partners', (signal) => call(api.GET('/v1/operator/partners', { signal })));
  const reload = partners.reload;
  const items = partners.data?.items ?? [];
  return (
    <Page title={t('partners.title')} intro={t('partners.intro')}>
      <section className="card" aria-labelledby="partners-title">
        <h2 id="partners-title">{t('partners.list')}</h2>
        {partners.error && <ErrorNotice error={partners.error} />}
        {partners.data && items.length === 0 && <p className="muted">{t('partners.empty')}</p>}
        <table className="table">
          <thead>
            <tr>
              <th>{t('partners.name')}</th>
              <th>{t('partners.businessNumber')}</th>
              <th>{t('partners.deposited')}</th>
              <th>{t('partners.matched')}</th>
              <th>{t('partners.gifted')}</th>
              <th>{t('partners.balance')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((partner) => (
              <tr key={partner.partnerId}>
                <td>{partner.name}</td>
                <td>{format.businessNumber(partner.businessNumber)}</td>
                <td>{format.won(partner.depositedWon)}</td>
                <td>{format.won(partner.matchedWon)}</td>
                <td>{format.won(partner.giftedWon)}</td>
                <td>{format.won(partner.depositBalanceWon)}</td>
                <td>
                  <Button variant="ghost" onClick={() => setSelected(partner.partnerId)}>
                    {t('partners.select')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {selected && <Statement partnerId={selected} onChange={reload} />}
      <RegisterForm onDone={reload} />
    </Page>
  );
}
