import { type FormEvent, useRef, useState } from 'react';
import { api, call } from '../api/client.js';
import { IdempotencyKeys, sendIdempotent } from '../api/idempotency.js';
import type { Cancellation, Sale, Sales } from '../api/types.js';
import { usePaged } from '../api/use-paged.js';
import { useSubmit } from '../api/use-submit.js';
import { addDays, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { AmountField } from '../ui/AmountField.js';
import { Button } from '../ui/Button.js';
import { DownloadButtons } from '../ui/DownloadButtons.js';
import { EmptyState } from '../ui/EmptyState.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Empty } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';

const RANGE_DAYS_MAX = 92;
const DEFAULT_RANGE_DAYS = 7;
const PAGE_SIZE = 20;

interface Range {
  from: string;
  to: string;
}

function defaultRange(): Range {
  const today = seoulParts(new Date()).date;
  return { from: addDays(today, 1 - DEFAULT_RANGE_DAYS), to: today };
}

function daysBetween(range: Range): number {
  return (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 + 1;
}

function DailyTotals({ totals }: { totals: Sales['dailyTotals'] }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (totals.length === 0) return <Empty>{t('merchant.sales.empty')}</Empty>;
  const sum = (pick: (day: Sales['dailyTotals'][number]) => number) =>
    totals.reduce((total, day) => total + pick(day), 0);
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{t('merchant.sales.daily')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('merchant.sales.date')}</th>
            <th scope="col" className="number">
              {t('merchant.sales.count')}
            </th>
            <th scope="col" className="number wide-only">
              {t('merchant.sales.gross')}
            </th>
            <th scope="col" className="number wide-only">
              {t('merchant.sales.cancelled')}
            </th>
            <th scope="col" className="number">
              {t('merchant.sales.net')}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map((day) => (
            <tr key={day.date}>
              <th scope="row" className="nowrap">
                {format.calendarDate(day.date)}
              </th>
              <td className="number">{day.count}</td>
              <td className="number wide-only">{format.won(day.grossWon)}</td>
              <td className="number wide-only">{format.won(day.cancelledWon)}</td>
              <td className="number">{format.won(day.netWon)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('merchant.sales.total')}</th>
            <td className="number">{sum((day) => day.count)}</td>
            <td className="number wide-only">{format.won(sum((day) => day.grossWon))}</td>
            <td className="number wide-only">{format.won(sum((day) => day.cancelledWon))}</td>
            <td className="number">{format.won(sum((day) => day.netWon))}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

interface CancelFormProps {
  sale: Sale;
  onDone: (cancellation: Cancellation) => void;
  onClose: () => void;
}

/** Cancel all of what is left of a payment, or part of it; the customer's cashback is taken back in proportion. */
function CancelForm({ sale, onDone, onClose }: CancelFormProps) {
  const { t } = useLanguage();
  const format = useFormat();
  const [mode, setMode] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const cancel = useSubmit((amountWon: number | null) =>
    sendIdempotent(keys.current, { paymentId: sale.paymentId, amountWon }, (idempotencyKey) =>
      call(
        api.POST('/v1/merchant/payments/{paymentId}/cancellations', {
          params: { path: { paymentId: sale.paymentId }, header: { 'idempotency-key': idempotencyKey } },
          body: amountWon === null ? {} : { amountWon },
        }),
      ),
    ),
  );
  const amountWon = parseWon(amountText);
  const amountError =
    mode === 'full'
      ? null
      : amountWon === null || amountWon < 1
        ? t('validation.amount')
        : amountWon > sale.netWon
          ? t('validation.amountMax', { max: format.won(sale.netWon) })
          : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (amountError) return;
    const done = await cancel.submit(mode === 'full' ? null : amountWon);
    if (done) onDone(done);
  };

  return (
    <form className="cancel-form" onSubmit={onSubmit} noValidate aria-label={t('merchant.sales.cancelTitle')}>
      <fieldset>
        <legend>{t('merchant.sales.cancelTitle')}</legend>
        <label className="radio">
          <input
            type="radio"
            name={`mode-${sale.paymentId}`}
            checked={mode === 'full'}
            onChange={() => setMode('full')}
          />
          {t('merchant.sales.cancelFull', { amount: format.won(sale.netWon) })}
        </label>
        <label className="radio">
          <input
            type="radio"
            name={`mode-${sale.paymentId}`}
            checked={mode === 'partial'}
            onChange={() => setMode('partial')}
          />
          {t('merchant.sales.cancelPartial')}
        </label>
      </fieldset>
      {mode === 'partial' && (
        <AmountField
          label={t('merchant.sales.cancelAmount')}
          value={amountText}
          onValue={setAmountText}
          error={showErrors ? amountError : null}
          autoFocus
        />
      )}
      {cancel.status === 'failed' && <ErrorNotice error={cancel.error} />}
      <div className="button-row">
        <Button
          type="submit"
          variant="danger"
          busy={cancel.busy}
          busyLabel={t('merchant.sales.cancelSubmitting')}
        >
          {t('merchant.sales.cancelSubmit')}
        </Button>
        <Button variant="ghost" onClick={onClose}>
          {t('app.close')}
        </Button>
      </div>
    </form>
  );
}

function SaleStatus({ sale }: { sale: Sale }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (sale.netWon === 0) return <Badge tone="bad">{t('merchant.sales.fullyCancelled')}</Badge>;
  if (sale.cancelledWon > 0) {
    return (
      <Badge tone="warn">
        {t('merchant.sales.partlyCancelled', { amount: format.won(sale.cancelledWon) })}
      </Badge>
    );
  }
  return <Badge tone="good">{t('merchant.sales.completed')}</Badge>;
}

function SaleRow({ sale, onCancelled }: { sale: Sale; onCancelled: (cancellation: Cancellation) => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [cancelling, setCancelling] = useState(false);
  const channel =
    sale.channel === 'merchant_presented' || sale.channel === 'customer_presented' ? sale.channel : 'other';
  return (
    <li className="sale">
      <div className="sale-main">
        <div>
          <p className="sale-amount">{format.won(sale.amountWon)}</p>
          <p className="muted small">
            {format.dateTime(sale.at)} · {t(`merchant.sales.channels.${channel}`)} ·{' '}
            {t('trust.history.approval')}{' '}
            <span className="mono">{format.approvalNumber(sale.paymentId)}</span>
          </p>
        </div>
        <div className="sale-side">
          <SaleStatus sale={sale} />
          {sale.netWon > 0 && !cancelling && (
            <Button variant="secondary" onClick={() => setCancelling(true)}>
              {t('merchant.sales.cancel')}
            </Button>
          )}
        </div>
      </div>
      {cancelling && (
        <CancelForm
          sale={sale}
          onClose={() => setCancelling(false)}
          onDone={(cancellation) => {
            setCancelling(false);
            onCancelled(cancellation);
          }}
        />
      )}
    </li>
  );
}

export function SalesPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const [draft, setDraft] = useState<Range>(defaultRange);
  const [range, setRange] = useState<Range>(draft);
  const [dailyTotals, setDailyTotals] = useState<Sales['dailyTotals'] | null>(null);
  const [lastCancellation, setLastCancellation] = useState<Cancellation | null>(null);
  const sales = usePaged(JSON.stringify(range), async (cursor, signal) => {
    const page = await call(
      api.GET('/v1/merchant/sales', {
        signal,
        params: {
          query: {
            from: seoulInstant(range.from),
            to: seoulInstant(addDays(range.to, 1)),
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    );
    // Every page carries the day totals of the whole range; the latest is the freshest.
    setDailyTotals(page.dailyTotals);
    return page;
  });
  const rangeError =
    !draft.from || !draft.to || daysBetween(draft) < 1
      ? t('validation.periodOrder')
      : daysBetween(draft) > RANGE_DAYS_MAX
        ? t('validation.dateRange')
        : null;

  const onShow = (event: FormEvent) => {
    event.preventDefault();
    if (!rangeError) setRange(draft);
  };

  return (
    <Page title={t('merchant.sales.title')} wide>
      <form className="card filters" onSubmit={onShow} noValidate>
        <TextField
          label={t('merchant.sales.from')}
          type="date"
          value={draft.from}
          onValue={(from) => setDraft({ ...draft, from })}
        />
        <TextField
          label={t('merchant.sales.to')}
          type="date"
          value={draft.to}
          onValue={(to) => setDraft({ ...draft, to })}
          error={rangeError}
        />
        <Button type="submit" variant="secondary">
          {t('merchant.sales.show')}
        </Button>
      </form>
      {lastCancellation && (
        <Notice tone="success">
          {t('merchant.sales.cancelDone', {
            amount: format.won(lastCancellation.amountWon),
            remaining: format.won(lastCancellation.payment.remainingWon),
          })}
          {lastCancellation.cashbackClawback.amountWon > 0 &&
            ` ${t('merchant.sales.clawback', { amount: format.won(lastCancellation.cashbackClawback.amountWon) })}`}
        </Notice>
      )}
      <section className="card" aria-labelledby="daily-title">
        <h2 id="daily-title">{t('merchant.sales.daily')}</h2>
        {dailyTotals && <DailyTotals totals={dailyTotals} />}
      </section>
      <section className="card" aria-labelledby="payments-title">
        <h2 id="payments-title">{t('merchant.sales.payments')}</h2>
        <PagedList
          paged={sales}
          empty={
            <EmptyState
              title={t('trust.empty.sales')}
              next={t('trust.empty.salesNext')}
              action={{ to: '/merchant/pos', label: t('trust.empty.toPos') }}
            />
          }
        >
          {(items) => (
            <>
              <DownloadButtons
                name={'sales'}
                header={[
                  t('trust.files.columns.date'),
                  t('trust.history.approval'),
                  t('trust.files.columns.gross'),
                  t('trust.files.columns.cancelled'),
                  t('trust.files.columns.amount'),
                ]}
                rows={() =>
                  items.map((sale) => [
                    format.dateTime(sale.at),
                    format.approvalNumber(sale.paymentId),
                    sale.amountWon,
                    sale.cancelledWon,
                    sale.netWon,
                  ])
                }
              />
              <ul className="sale-list">
                {items.map((sale) => (
                  <SaleRow
                    key={sale.paymentId}
                    sale={sale}
                    onCancelled={(cancellation) => {
                      setLastCancellation(cancellation);
                      sales.reload();
                    }}
                  />
                ))}
              </ul>
            </>
          )}
        </PagedList>
      </section>
    </Page>
  );
}
