import { type FormEvent, useEffect, useState } from 'react';
import { api, call } from '../../api/client.js';
import type { ApiError } from '../../api/problem.js';
import type { OkResponse, RequestBody } from '../../api/types.js';
import { useLanguage } from '../../i18n/i18n.js';
import { Button } from '../../ui/Button.js';
import { TextField } from '../../ui/Field.js';
import { useFormat } from '../../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../../ui/Notice.js';
import { useGroupLabel } from './group-labels.js';

type WhatIfBody = RequestBody<'/v1/operator/policies/what-if', 'post'>;
type WhatIfResult = OkResponse<'/v1/operator/policies/what-if', 'post', 200>;

function optionalWon(text: string): number | null {
  const digits = text.replace(/[,\s원₩]/g, '');
  return digits === '' ? null : Number(digits);
}

/** Draft against actual, side by side, before a policy change is scheduled. */
export function SideBySide({ result }: { result: WhatIfResult }) {
  const { t } = useLanguage();
  const format = useFormat();
  const groupLabel = useGroupLabel();
  const rows: Array<[string, number, number]> = [
    [t('lab.whatIf.cost'), result.actual.cashbackWon, result.draft.cashbackWon],
    [t('lab.whatIf.requested'), result.actual.requestedWon, result.draft.requestedWon],
    ...result.actual.byDistrict.map((row): [string, number, number] => [
      groupLabel('byDistrict', row.district),
      row.cashbackWon,
      result.draft.byDistrict.find((draft) => draft.district === row.district)?.cashbackWon ?? 0,
    ]),
    ...result.actual.byDecile.map((row): [string, number, number] => [
      t('lab.whatIf.decile', { decile: row.decile }),
      row.cashbackWon,
      result.draft.byDecile.find((draft) => draft.decile === row.decile)?.cashbackWon ?? 0,
    ]),
  ];
  return (
    <>
      <p>{t('lab.whatIf.payments', { count: result.payments })}</p>
      <div className="table-scroll">
        <table className="data-table" data-testid="what-if-result">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col" className="number">
                {t('lab.whatIf.actual')}
              </th>
              <th scope="col" className="number">
                {t('lab.whatIf.draft')}
              </th>
              <th scope="col" className="number">
                {t('lab.whatIf.delta')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, actualWon, draftWon]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td className="number">{format.won(actualWon)}</td>
                <td className="number">{format.won(draftWon)}</td>
                <td className="number">{format.wonChange(draftWon - actualWon)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.draft.pots.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="what-if-pots">
            <thead>
              <tr>
                <th scope="col">{t('lab.whatIf.potRunsOutTitle')}</th>
                <th scope="col">{t('lab.whatIf.actual')}</th>
                <th scope="col">{t('lab.whatIf.draft')}</th>
              </tr>
            </thead>
            <tbody>
              {result.draft.pots.map((pot) => {
                const actual = result.actual.pots.find((candidate) => candidate.month === pot.month);
                const day = (exhaustedOn: string | null | undefined) =>
                  exhaustedOn ? format.calendarDate(exhaustedOn) : t('lab.whatIf.lasts');
                return (
                  <tr key={pot.month}>
                    <th scope="row">
                      {t('lab.whatIf.potRunsOut', { month: format.month(pot.month) })} (
                      {format.won(pot.potWon)})
                    </th>
                    <td>{day(actual?.exhaustedOn)}</td>
                    <td>{day(pot.exhaustedOn)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {result.forecast && (
        <ul>
          <li>
            {t('lab.whatIf.replayedExhaustion')}:{' '}
            {result.forecast.replayedExhaustionDate
              ? format.calendarDate(result.forecast.replayedExhaustionDate)
              : t('lab.whatIf.lasts')}
          </li>
          {result.forecast.meanAbsoluteErrorDays !== null && (
            <li>{t('lab.whatIf.backtestError', { days: result.forecast.meanAbsoluteErrorDays })}</li>
          )}
          {result.forecast.backtest.map((point) => (
            <li key={point.madeOn}>
              {t('lab.whatIf.backtest', {
                madeOn: format.calendarDate(point.madeOn),
                projected: point.projectedExhaustionDate
                  ? format.calendarDate(point.projectedExhaustionDate)
                  : '—',
                error: point.errorDays ?? '—',
              })}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function WhatIfPanel({ period }: { period: { from: string; to: string } }) {
  const { t } = useLanguage();
  const [rulesText, setRulesText] = useState('');
  const [monthlyPot, setMonthlyPot] = useState('');
  const [annualBudget, setAnnualBudget] = useState('');
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [invalidJson, setInvalidJson] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // Start from the policy in force: replaying it unchanged shows the two columns equal.
    call(api.GET('/v1/policies/current')).then(
      (current) => current.policy && setRulesText(JSON.stringify(current.policy.rules, null, 2)),
      () => undefined,
    );
  }, []);
  const run = async (event: FormEvent) => {
    event.preventDefault();
    let rules: WhatIfBody['rules'];
    try {
      rules = JSON.parse(rulesText);
    } catch {
      setInvalidJson(true);
      return;
    }
    setInvalidJson(false);
    setBusy(true);
    setError(null);
    try {
      const body: WhatIfBody = {
        ...period,
        rules,
        monthlyPotWon: optionalWon(monthlyPot),
        annualBudgetWon: optionalWon(annualBudget),
      };
      setResult(await call(api.POST('/v1/operator/policies/what-if', { body })));
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="what-if-title">
      <h2 id="what-if-title">{t('lab.whatIf.title')}</h2>
      <p>{t('lab.whatIf.intro')}</p>
      <form onSubmit={run}>
        <label className="field">
          <span>{t('lab.whatIf.rules')}</span>
          <textarea rows={10} value={rulesText} onChange={(event) => setRulesText(event.target.value)} />
        </label>
        <TextField
          label={t('lab.whatIf.monthlyPot')}
          value={monthlyPot}
          onValue={setMonthlyPot}
          inputMode="numeric"
        />
        <TextField
          label={t('lab.whatIf.annualBudget')}
          value={annualBudget}
          onValue={setAnnualBudget}
          inputMode="numeric"
        />
        <Button type="submit" busy={busy}>
          {t('lab.whatIf.run')}
        </Button>
      </form>
      {invalidJson && <Notice tone="error">{t('lab.whatIf.invalidJson')}</Notice>}
      {error && <ErrorNotice error={error} />}
      {result && <SideBySide result={result} />}
    </section>
  );
}
