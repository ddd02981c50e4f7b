import { type FormEvent, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { BudgetPot, RequestBody } from '../api/types.js';

type PotBody = RequestBody<'/v1/operator/budgets', 'post'>;

import { useApi, useReloadOn } from '../api/use-api.js';
import { useSubmit } from '../api/use-submit.js';
import { useSession } from '../auth/session.js';
import { parsePercentToBp, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { DownloadButtons } from '../ui/DownloadButtons.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { BurnChart } from './BurnChart.js';

/** The pot to show first: the annual one covering today, else the newest. */
function defaultPot(pots: BudgetPot[]): BudgetPot | undefined {
  const nowMs = Date.now();
  const covering = pots.filter((pot) => Date.parse(pot.from) <= nowMs && nowMs < Date.parse(pot.to));
  return covering.find((pot) => pot.period === 'annual') ?? covering[0] ?? pots[0];
}

function Projection({ pot }: { pot: BudgetPot }) {
  const { t } = useLanguage();
  const format = useFormat();
  const burn = useApi(`burn-${pot.id}`, (signal) =>
    call(api.GET('/v1/operator/budgets/{id}/burn', { signal, params: { path: { id: pot.id } } })),
  );
  useReloadOn(pot.spentWon, burn.reload);
  return (
    <section className="card" aria-labelledby="burn-title">
      <h2 id="burn-title">
        {t('operator.budgets.burn')} · <DataName>{pot.name}</DataName>
      </h2>
      <Loaded state={burn}>
        {(data) => (
          <>
            <div className="projection" role="status">
              <p>{t('operator.budgets.pace', { amount: format.won(data.averageDailySpentWon) })}</p>
              {data.projectedExhaustionDate ? (
                <p className={data.exhaustsBeforePeriodEnd ? 'warning-text' : ''}>
                  <strong>
                    {t('operator.budgets.exhaustion', {
                      date: format.calendarDate(data.projectedExhaustionDate),
                    })}
                  </strong>{' '}
                  {data.exhaustsBeforePeriodEnd
                    ? t('operator.budgets.exhaustsEarly')
                    : t('operator.budgets.lastsPeriod')}
                </p>
              ) : (
                <p>
                  {data.averageDailySpentWon > 0
                    ? t('operator.budgets.lastsPeriod')
                    : t('operator.budgets.noProjection')}
                </p>
              )}
            </div>
            <BurnChart pot={pot} burn={data} />
          </>
        )}
      </Loaded>
    </section>
  );
}

function PotTable({
  pots,
  selectedId,
  onSelect,
}: {
  pots: BudgetPot[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{t('operator.budgets.pots')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('operator.budgets.name')}</th>
            <th scope="col">{t('operator.budgets.period')}</th>
            <th scope="col">{t('operator.budgets.range')}</th>
            <th scope="col" className="number">
              {t('operator.budgets.funded')}
            </th>
            <th scope="col" className="number">
              {t('operator.budgets.spent')}
            </th>
            <th scope="col" className="number">
              {t('operator.budgets.remaining')}
            </th>
            <th scope="col" className="number">
              {t('operator.budgets.nationalShare')}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t('operator.budgets.select')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pots.map((pot) => (
            <tr key={pot.id} aria-current={pot.id === selectedId || undefined}>
              <th scope="row">
                <DataName>{pot.name}</DataName>
              </th>
              <td>
                <Badge>{t(`operator.budgets.periods.${pot.period}`)}</Badge>
              </td>
              <td>
                {format.date(pot.from)} – {format.lastDay(pot.to)}
              </td>
              <td className="number">{format.won(pot.fundedWon)}</td>
              <td className="number">{format.won(pot.spentWon)}</td>
              <td className="number">{format.won(pot.remainingWon)}</td>
              <td className="number">{format.rate(pot.nationalShareBp)}</td>
              <td>
                <Button variant="ghost" onClick={() => onSelect(pot.id)} aria-pressed={pot.id === selectedId}>
                  {t('operator.budgets.select')}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface PotForm {
  name: string;
  period: 'annual' | 'monthly';
  /** YYYY for an annual pot, YYYY-MM for a monthly one: a pot spans one whole calendar year or month. */
  calendarYear: string;
  calendarMonth: string;
  amount: string;
  nationalShare: string;
}

/** The pot's first day and the day after its last (Seoul dates), or null while the field is not a year or month. */
function potSpan(form: PotForm): { firstDay: string; dayAfter: string } | null {
  if (form.period === 'annual') {
    if (!/^\d{4}$/.test(form.calendarYear)) return null;
    const year = Number(form.calendarYear);
    return { firstDay: `${year}-01-01`, dayAfter: `${year + 1}-01-01` };
  }
  const match = /^(\d{4})-(\d{2})$/.exec(form.calendarMonth);
  if (!match) return null;
  const [year, month] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12) return null;
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  return { firstDay: `${form.calendarMonth}-01`, dayAfter: `${next}-01` };
}

function CreatePot({ onCreated }: { onCreated: () => void }) {
  const { t } = useLanguage();
  const thisMonth = seoulParts(new Date()).month;
  const [form, setForm] = useState<PotForm>({
    name: '',
    period: 'monthly',
    calendarYear: thisMonth.slice(0, 4),
    calendarMonth: thisMonth,
    amount: '',
    nationalShare: '0',
  });
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const create = useSubmit((body: PotBody) =>
    sendIdempotent(keys.current, body, (idempotencyKey) =>
      call(
        api.POST('/v1/operator/budgets', { body, params: { header: { 'idempotency-key': idempotencyKey } } }),
      ),
    ),
  );
  const set = (key: keyof PotForm) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const amountWon = parseWon(form.amount);
  const shareBp = parsePercentToBp(form.nationalShare);
  const span = potSpan(form);
  const errors = {
    name: form.name.trim() ? null : t('validation.required'),
    span: span ? null : t('validation.required'),
    amount: amountWon === null || amountWon < 1 ? t('validation.amount') : null,
    nationalShare: shareBp === null ? t('validation.percent') : null,
  };
  const shown = showErrors ? errors : ({} as Partial<typeof errors>);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (Object.values(errors).some(Boolean) || amountWon === null || shareBp === null || !span) return;
    const created = await create.submit({
      name: form.name.trim(),
      period: form.period,
      from: seoulInstant(span.firstDay),
      to: seoulInstant(span.dayAfter),
      amountWon,
      nationalShareBp: shareBp,
    });
    if (created) onCreated();
  };

  return (
    <section className="card" aria-labelledby="create-pot-title">
      <h2 id="create-pot-title">{t('operator.budgets.create')}</h2>
      <p className="muted">{t('operator.budgets.createIntro')}</p>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('operator.budgets.name')}
          value={form.name}
          onValue={set('name')}
          error={shown.name}
        />
        <SelectField
          label={t('operator.budgets.period')}
          value={form.period}
          onValue={set('period')}
          options={(['annual', 'monthly'] as const).map((period) => ({
            value: period,
            label: t(`operator.budgets.periods.${period}`),
          }))}
        />
        {form.period === 'annual' ? (
          <TextField
            label={t('operator.budgets.calendarYear')}
            value={form.calendarYear}
            onValue={set('calendarYear')}
            inputMode="numeric"
            error={shown.span}
          />
        ) : (
          <TextField
            label={t('operator.budgets.calendarMonth')}
            type="month"
            value={form.calendarMonth}
            onValue={set('calendarMonth')}
            error={shown.span}
          />
        )}
        <TextField
          label={t('operator.budgets.amount')}
          value={form.amount}
          onValue={set('amount')}
          inputMode="numeric"
          error={shown.amount}
        />
        <TextField
          label={t('operator.budgets.nationalSharePercent')}
          value={form.nationalShare}
          onValue={set('nationalShare')}
          inputMode="decimal"
          error={shown.nationalShare}
        />
        <Button type="submit" busy={create.busy} busyLabel={t('operator.budgets.creating')}>
          {t('operator.budgets.create')}
        </Button>
      </form>
      {create.status === 'failed' && <ErrorNotice error={create.error} />}
      {create.status === 'succeeded' && (
        <Notice tone="success">{t('operator.budgets.created', { name: create.result.name })}</Notice>
      )}
    </section>
  );
}

export function BudgetsPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { me } = useSession();
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const pots = useApi('budgets', (signal) => call(api.GET('/v1/operator/budgets', { signal })));
  const canEdit = me?.operatorRoles.includes('policy_admin') ?? false;
  return (
    <Page title={t('operator.budgets.title')} wide>
      <Loaded state={pots} isEmpty={(data) => data.items.length === 0} empty={t('operator.budgets.empty')}>
        {(data) => {
          const selected = data.items.find((pot) => pot.id === selectedId) ?? defaultPot(data.items);
          return (
            <>
              <section className="card" aria-labelledby="pots-title">
                <h2 id="pots-title">{t('operator.budgets.pots')}</h2>
                <DownloadButtons
                  name={'budgets'}
                  header={[
                    t('trust.files.columns.budget'),
                    t('trust.files.columns.from'),
                    t('trust.files.columns.to'),
                    t('trust.files.columns.funded'),
                    t('trust.files.columns.spent'),
                    t('trust.files.columns.remaining'),
                  ]}
                  rows={() =>
                    data.items.map((pot) => [
                      pot.name,
                      format.date(pot.from),
                      format.lastDay(pot.to),
                      pot.fundedWon,
                      pot.spentWon,
                      pot.remainingWon,
                    ])
                  }
                />
                <PotTable pots={data.items} selectedId={selected?.id} onSelect={setSelectedId} />
              </section>
              {selected && <Projection pot={selected} />}
            </>
          );
        }}
      </Loaded>
      {canEdit && <CreatePot onCreated={pots.reload} />}
    </Page>
  );
}
