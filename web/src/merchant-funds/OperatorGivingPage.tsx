import { useState } from 'react';
import { api, call } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { parseWon } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Page } from '../ui/Page.js';

/** Local midnight in Korea of a YYYY-MM-DD date, as the API wants instants with their offset. */
const kstMidnight = (date: string) => `${date}T00:00:00+09:00`;

function CharityForm({ onDone }: { onDone: () => void }) {
  const { t } = useLanguage();
  const [name, setName] = useState('');
  const [registrationNumber, setRegistration] = useState('');
  const [bankCode, setBankCode] = useState('SANDBOX');
  const [accountNumber, setAccount] = useState('');
  const [description, setDescription] = useState('');
  const register = useSubmit(() =>
    call(
      api.POST('/v1/operator/charities', {
        body: { name, registrationNumber, bankAccount: { bankCode, accountNumber }, description },
      }),
    ),
  );
  return (
    <section className="card form" aria-labelledby="charity-form-title">
      <h2 id="charity-form-title">{t('funds.giving.register')}</h2>
      <TextField label={t('funds.giving.name')} value={name} onValue={setName} />
      <TextField
        label={t('funds.giving.registration')}
        value={registrationNumber}
        onValue={setRegistration}
      />
      <TextField label={t('funds.giving.bankCode')} value={bankCode} onValue={setBankCode} />
      <TextField label={t('funds.giving.account')} value={accountNumber} onValue={setAccount} />
      <TextField label={t('funds.giving.description')} value={description} onValue={setDescription} />
      {register.status === 'failed' && <ErrorNotice error={register.error} />}
      <Button
        onClick={async () => {
          if (await register.submit(undefined)) onDone();
        }}
        busy={register.busy}
        disabled={!name || !registrationNumber || !accountNumber}
      >
        {t('funds.giving.register')}
      </Button>
    </section>
  );
}

function CampaignForm({ charityId, onDone }: { charityId: string; onDone: () => void }) {
  const { t } = useLanguage();
  const [title, setTitle] = useState('');
  const [goal, setGoal] = useState('');
  const [startsOn, setStarts] = useState('');
  const [endsOn, setEnds] = useState('');
  const goalWon = parseWon(goal);
  const open = useSubmit(() =>
    call(
      api.POST('/v1/operator/charities/{charityId}/campaigns', {
        params: { path: { charityId } },
        body: { title, goalWon: goalWon ?? 0, startsAt: kstMidnight(startsOn), endsAt: kstMidnight(endsOn) },
      }),
    ),
  );
  return (
    <details>
      <summary>{t('funds.giving.addCampaign')}</summary>
      <div className="form">
        <TextField label={t('funds.giving.campaign')} value={title} onValue={setTitle} />
        <AmountField label={t('funds.giving.goal')} value={goal} onValue={setGoal} quickAmountsWon={[]} />
        <TextField label={t('funds.giving.starts')} value={startsOn} onValue={setStarts} />
        <TextField label={t('funds.giving.ends')} value={endsOn} onValue={setEnds} />
        {open.status === 'failed' && <ErrorNotice error={open.error} />}
        <Button
          onClick={async () => {
            if (await open.submit(undefined)) onDone();
          }}
          busy={open.busy}
          disabled={!title || !goalWon || !startsOn || !endsOn}
        >
          {t('funds.giving.addCampaign')}
        </Button>
      </div>
    </details>
  );
}

function Charities() {
  const { t } = useLanguage();
  const format = useFormat();
  const charities = useApi('operator-charities', (signal) => call(api.GET('/v1/charities', { signal })));
  const reload = charities.reload;
  return (
    <>
      <section className="card" aria-labelledby="charities-title">
        <h2 id="charities-title">{t('funds.giving.charities')}</h2>
        <ul className="plain-list">
          {(charities.data?.items ?? []).map((charity) => (
            <li key={charity.charityId} className="card">
              <p>
                <strong>{charity.name}</strong> ·{' '}
                {t('funds.giving.donated', {
                  amount: format.won(charity.donatedWon),
                  count: charity.donationCount,
                })}
              </p>
              <ul className="muted small">
                {charity.campaigns.map((campaign) => (
                  <li key={campaign.campaignId}>
                    {campaign.title}: {format.won(campaign.raisedWon)} / {format.won(campaign.goalWon)}
                  </li>
                ))}
              </ul>
              <CampaignForm charityId={charity.charityId} onDone={reload} />
            </li>
          ))}
        </ul>
      </section>
      <CharityForm onDone={reload} />
    </>
  );
}

function lastMonth(): string {
  const now = new Date();
  const previous = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${previous.getFullYear()}-${String(previous.getMonth() + 1).padStart(2, '0')}`;
}

function DongTotals() {
  const { t } = useLanguage();
  const format = useFormat();
  const [month, setMonth] = useState(lastMonth());
  const [shown, setShown] = useState(month);
  const totals = useApi(`dong-totals:${shown}`, (signal) =>
    call(api.GET('/v1/operator/neighbourhood-giving', { signal, params: { query: { month: shown } } })),
  );
  const downloadCsv = async () => {
    const { data } = await api.GET('/v1/operator/neighbourhood-giving.csv', {
      params: { query: { month: shown } },
      parseAs: 'blob',
    });
    if (!data) return;
    const url = URL.createObjectURL(data as Blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `neighbourhood-giving-${shown}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="card" aria-labelledby="dong-totals-title">
      <h2 id="dong-totals-title">{t('funds.giving.dongs')}</h2>
      <div className="form">
        <TextField label={t('funds.giving.month')} value={month} onValue={setMonth} />
        <Button variant="ghost" onClick={() => setShown(month)}>
          {t('funds.giving.show')}
        </Button>
        <Button variant="ghost" onClick={downloadCsv}>
          {t('funds.giving.csv')}
        </Button>
      </div>
      {totals.data && (
        <>
          <p>{t('funds.giving.total', { amount: format.won(totals.data.totalGivenWon) })}</p>
          <table className="table">
            <thead>
              <tr>
                <th>{t('funds.giving.dong')}</th>
                <th>{t('funds.giving.members')}</th>
                <th>{t('funds.giving.given')}</th>
              </tr>
            </thead>
            <tbody>
              {totals.data.items.map((item) => (
                <tr key={item.dong}>
                  <td>{item.nameKo}</td>
                  <td>{item.members}</td>
                  <td>{format.won(item.givenWon)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The operator registers charities and campaigns and reads 동네사랑기부제 totals per 동. */
export function OperatorGivingPage() {
  const { t } = useLanguage();
  return (
    <Page title={t('funds.giving.title')} intro={t('funds.giving.intro')}>
      <Charities />
      <DongTotals />
    </Page>
  );
}
