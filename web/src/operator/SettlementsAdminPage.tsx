import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { FeeRules, SettlementDay } from '../api/types.js';
import { useApi, useReloadOn } from '../api/use-api.js';
import { usePaged } from '../api/use-paged.js';
import { useSubmit } from '../api/use-submit.js';
import { useSession } from '../auth/session.js';
import { addDays, parsePercentToBp, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { STATUS_TONE } from '../merchant/SettlementsPage.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { DownloadButtons } from '../ui/DownloadButtons.js';
import { TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { Loaded } from '../ui/Loaded.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { Badge, DataName, Page } from '../ui/Page.js';
import { PagedList } from '../ui/PagedList.js';

const PAGE_SIZE = 50;

function Totals({ day }: { day: SettlementDay }) {
  const { t } = useLanguage();
  const format = useFormat();
  const { totals } = day;
  return (
    <section className="card" aria-labelledby="totals-title">
      <h2 id="totals-title">{t('operator.settlements.totals')}</h2>
      <p>
        {day.run ? (
          <Badge tone={day.run.status === 'completed' ? 'good' : 'info'}>
            {t(`operator.settlements.runStatus.${day.run.status}`)}
          </Badge>
        ) : (
          <span className="muted">{t('operator.settlements.notRun')}</span>
        )}{' '}
        {t('operator.settlements.statements', { count: totals.statements })}
      </p>
      <dl className="receipt-lines">
        {(
          [
            ['merchant.settlements.gross', totals.grossWon],
            ['merchant.settlements.cancelled', totals.cancelledWon],
            ['merchant.settlements.net', totals.netWon],
            ['merchant.settlements.broughtForward', totals.broughtForwardWon],
            ['merchant.settlements.due', totals.dueWon],
            ['merchant.settlements.paid', totals.paidWon],
            ['merchant.settlements.carried', totals.carriedWon],
          ] as const
        ).map(([key, amountWon]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{format.won(amountWon)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * What running the day will do, from what the day already holds: a run pays a day once, so the
 * confirm tells what was paid and what a new run can still do, never an amount it cannot know.
 */
function RunStateNote({ day }: { day: SettlementDay | null }) {
  const { t } = useLanguage();
  const format = useFormat();
  if (!day) return <p>{t('trust.confirm.settlement.checking')}</p>;
  if (!day.run) return <p>{t('trust.confirm.settlement.notRun')}</p>;
  const done = {
    paid: format.won(day.totals.paidWon),
    statements: t('operator.settlements.statements', { count: day.totals.statements }),
  };
  return day.run.status === 'completed' ? (
    <>
      <p>{t('trust.confirm.settlement.completed', done)}</p>
      <p>{t('trust.confirm.settlement.rerun')}</p>
    </>
  ) : (
    <>
      <p>{t('trust.confirm.settlement.running', done)}</p>
      <p>{t('trust.confirm.settlement.resume')}</p>
    </>
  );
}

function Statements({ businessDate, version }: { businessDate: string; version: number }) {
  const { t } = useLanguage();
  const format = useFormat();
  const statements = usePaged(businessDate, (cursor, signal) =>
    call(
      api.GET('/v1/operator/settlements', {
        signal,
        params: { query: { businessDate, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  useReloadOn(version, statements.reload);
  return (
    <section className="card">
      <PagedList paged={statements} empty={t('operator.settlements.noStatements')}>
        {(items) => (
          <div className="table-scroll">
            <DownloadButtons
              name={`settlements-${businessDate}`}
              header={[
                t('trust.files.columns.date'),
                t('trust.files.columns.merchant'),
                t('operator.review.businessNumber'),
                t('trust.files.columns.status'),
                t('trust.files.columns.gross'),
                t('merchant.settlements.broughtForward'),
                t('trust.files.columns.due'),
                t('trust.files.columns.paid'),
              ]}
              rows={() =>
                items.map((statement) => [
                  format.calendarDate(businessDate),
                  statement.merchantName ?? '—',
                  statement.businessNumber ? format.businessNumber(statement.businessNumber) : '—',
                  t(`merchant.settlements.statuses.${statement.status}`),
                  statement.grossWon,
                  statement.broughtForwardWon,
                  statement.dueWon,
                  statement.paidWon,
                ])
              }
            />
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('operator.settlements.merchant')}</th>
                  <th scope="col">{t('merchant.settlements.status')}</th>
                  <th scope="col" className="number">
                    {t('merchant.settlements.gross')}
                  </th>
                  <th scope="col" className="number">
                    {t('merchant.settlements.broughtForward')}
                  </th>
                  <th scope="col" className="number">
                    {t('merchant.settlements.due')}
                  </th>
                  <th scope="col" className="number">
                    {t('merchant.settlements.paid')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((statement) => (
                  <tr key={statement.id}>
                    <td>
                      <DataName>{statement.merchantName ?? '—'}</DataName>
                      {statement.businessNumber && (
                        <span className="muted small mono">
                          {' '}
                          {format.businessNumber(statement.businessNumber)}
                        </span>
                      )}
                    </td>
                    <td>
                      <Badge tone={STATUS_TONE[statement.status]}>
                        {t(`merchant.settlements.statuses.${statement.status}`)}
                      </Badge>
                    </td>
                    <td className="number">{format.won(statement.grossWon)}</td>
                    <td className="number">{format.won(statement.broughtForwardWon)}</td>
                    <td className="number">{format.won(statement.dueWon)}</td>
                    <td className="number">{format.won(statement.paidWon)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
    </section>
  );
}

function FeeRuleSection({ rules, onSaved }: { rules: FeeRules; onSaved: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const [rate, setRate] = useState('');
  const [threshold, setThreshold] = useState('');
  const [fromDay, setFromDay] = useState(() => addDays(seoulParts(new Date()).date, 1));
  const [showErrors, setShowErrors] = useState(false);
  const save = useSubmit(
    (body: { rateBp: number; feeFreeAnnualRevenueUpToWon: number | null; effectiveFrom: string }) =>
      call(api.POST('/v1/operator/settlements/fee-rules', { body })),
  );
  const rateBp = parsePercentToBp(rate);
  const thresholdWon = threshold ? parseWon(threshold) : null;
  const errors = {
    rate: rateBp === null ? t('validation.percent') : null,
    threshold: threshold && thresholdWon === null ? t('validation.amount') : null,
    fromDay:
      !fromDay || Date.parse(seoulInstant(fromDay)) < Date.now() ? t('validation.effectiveFromPast') : null,
  };
  const inForce = rules.inForce;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.rate || errors.threshold || errors.fromDay || rateBp === null) return;
    if (
      await save.submit({
        rateBp,
        feeFreeAnnualRevenueUpToWon: thresholdWon,
        effectiveFrom: seoulInstant(fromDay),
      })
    ) {
      setShowErrors(false);
      onSaved();
    }
  };

  return (
    <section className="card" aria-labelledby="fee-title">
      <h2 id="fee-title">{t('operator.settlements.feeRules')}</h2>
      <p>
        {!inForce
          ? t('operator.settlements.feeNone')
          : inForce.feeFreeAnnualRevenueUpToWon !== null
            ? t('operator.settlements.feeInForce', {
                rate: format.rate(inForce.rateBp),
                threshold: format.won(inForce.feeFreeAnnualRevenueUpToWon),
              })
            : t('operator.settlements.feeInForceNoThreshold', { rate: format.rate(inForce.rateBp) })}
      </p>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('operator.settlements.feeRate')}
          value={rate}
          onValue={setRate}
          inputMode="decimal"
          error={showErrors ? errors.rate : null}
        />
        <TextField
          label={t('operator.settlements.feeFreeUpTo')}
          optional
          value={threshold}
          onValue={setThreshold}
          inputMode="numeric"
          error={showErrors ? errors.threshold : null}
        />
        <TextField
          label={t('operator.settlements.feeFrom')}
          type="date"
          value={fromDay}
          onValue={setFromDay}
          error={showErrors ? errors.fromDay : null}
        />
        <Button type="submit" variant="secondary" busy={save.busy}>
          {t('operator.settlements.feeSave')}
        </Button>
      </form>
      {save.status === 'failed' && <ErrorNotice error={save.error} />}
      {save.status === 'succeeded' && (
        <Notice tone="success">
          {t('operator.settlements.feeSaved', {
            rate: format.rate(save.result.rateBp),
            from: format.dateTime(save.result.effectiveFrom),
          })}
        </Notice>
      )}
    </section>
  );
}

/** Settle a business day (idempotent: a day pays once) and see every merchant's statement; the fee rule. */
export function SettlementsAdminPage() {
  const { t } = useLanguage();
  const format = useFormat();
  const { me } = useSession();
  const [draftDate, setDraftDate] = useState(() => addDays(seoulParts(new Date()).date, -1));
  const [businessDate, setBusinessDate] = useState(draftDate);
  const [version, setVersion] = useState(0);
  const day = useApi(`settlement-day-${businessDate}`, (signal) =>
    call(api.GET('/v1/operator/settlements', { signal, params: { query: { businessDate, limit: 1 } } })),
  );
  const feeRules = useApi('fee-rules', (signal) =>
    call(api.GET('/v1/operator/settlements/fee-rules', { signal })),
  );
  const run = useSubmit((date: string) =>
    call(api.POST('/v1/operator/settlements/runs', { body: { businessDate: date } })),
  );
  const canRun = me?.operatorRoles.includes('policy_admin') ?? false;

  const onShow = (event: FormEvent) => {
    event.preventDefault();
    if (draftDate) setBusinessDate(draftDate);
  };
  // The date run is the date in the field: showing it first, so the confirm step reads that day.
  const [confirming, setConfirming] = useState<string | null>(null);
  const onRun = () => {
    if (!draftDate) return;
    run.reset();
    setBusinessDate(draftDate);
    setConfirming(draftDate);
  };
  // What the confirm says about the day is what was read for it, after any run: never a stale answer.
  const shownDay = confirming && businessDate === confirming && day.status === 'ready' ? day.data : null;
  const openPayoutLines = (shown: SettlementDay) =>
    (['failed', 'paying'] as const)
      .filter((status) => shown.totals.byStatus[status] > 0)
      .map((status) => ({
        label: t(`trust.confirm.settlement.${status}`),
        value: t('trust.confirm.settlement.count', { count: shown.totals.byStatus[status] }),
      }));
  const onConfirmRun = async () => {
    if (!confirming) return;
    if (await run.submit(confirming)) {
      setConfirming(null);
      setVersion((current) => current + 1);
      day.reload();
    }
  };

  return (
    <Page title={t('operator.settlements.title')} intro={t('operator.settlements.intro')} wide>
      <form className="card filters" onSubmit={onShow} noValidate>
        <TextField
          label={t('operator.settlements.businessDate')}
          type="date"
          value={draftDate}
          onValue={setDraftDate}
        />
        <Button type="submit" variant="secondary">
          {t('operator.settlements.show')}
        </Button>
        {canRun && (
          <Button onClick={onRun} busy={run.busy} busyLabel={t('operator.settlements.running')}>
            {t('operator.settlements.run')}
          </Button>
        )}
      </form>
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.settlement.title')}
          lines={[
            {
              label: t('trust.confirm.settlement.date'),
              value: format.calendarDate(confirming),
              emphasis: true,
            },
            ...(shownDay ? openPayoutLines(shownDay) : []),
          ]}
          note={<RunStateNote day={shownDay} />}
          confirmLabel={t('trust.confirm.settlement.submit', { date: format.calendarDate(confirming) })}
          busy={run.busy}
          error={run.status === 'failed' ? run.error : null}
          onConfirm={onConfirmRun}
          onCancel={() => setConfirming(null)}
        />
      )}
      {run.status === 'failed' && !confirming && <ErrorNotice error={run.error} />}
      {run.status === 'succeeded' && (
        <Notice tone="success">
          <p>
            {t('operator.settlements.runDone', {
              scanned: run.result.pass.merchantsScanned,
              created: run.result.pass.statementsCreated,
              started: run.result.pass.payoutsStarted,
            })}
          </p>
          <p className="run-date">{format.calendarDate(run.result.run.businessDate)}</p>
          {run.result.pass.more && <p>{t('operator.settlements.more')}</p>}
        </Notice>
      )}
      <Loaded state={day}>{(data) => <Totals day={data} />}</Loaded>
      <Statements businessDate={businessDate} version={version} />
      <Loaded state={feeRules}>
        {(rules) => <FeeRuleSection rules={rules} onSaved={feeRules.reload} />}
      </Loaded>
    </Page>
  );
}
