import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client.js';
import type { PolicyRule, RuleKey } from '../api/types.js';
import { useSubmit } from '../api/use-submit.js';
import { addDays, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useOperatorLabels } from './labels.js';

/** Rule keys end in their unit (`_won`, `_days`, `_bp`, …): the value is shown in it. */
function useRuleText() {
  const { t } = useLanguage();
  const format = useFormat();
  const labels = useOperatorLabels();
  return {
    name: labels.rule,
    value: (key: string, value: number) => {
      if (key.endsWith('_won')) return format.won(value);
      if (key.endsWith('_bp')) return format.rate(value);
      for (const unit of ['days', 'hours', 'minutes', 'seconds', 'years'] as const) {
        if (key.endsWith(`_${unit}`)) return t(`operator.policy.units.${unit}`, { count: value });
      }
      return format.number(value);
    },
  };
}

function inForceNow(rules: PolicyRule[], nowMs: number): PolicyRule[] {
  const latestByKey = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const started = Date.parse(rule.effectiveFrom) <= nowMs;
    const ended = rule.effectiveTo !== null && Date.parse(rule.effectiveTo) <= nowMs;
    const known = latestByKey.get(rule.key);
    if (started && !ended && (!known || Date.parse(known.effectiveFrom) < Date.parse(rule.effectiveFrom))) {
      latestByKey.set(rule.key, rule);
    }
  }
  return [...latestByKey.values()];
}

/** The value in force of each rule now, and a form to schedule a new one from a later day. */
export function RuleValues({ rules, onSaved }: { rules: PolicyRule[]; onSaved: () => void }) {
  const { t } = useLanguage();
  const format = useFormat();
  const ruleText = useRuleText();
  const nowMs = Date.now();
  const current = inForceNow(rules, nowMs);
  const [key, setKey] = useState<string>(current[0]?.key ?? '');
  const [valueText, setValueText] = useState('');
  const [fromDay, setFromDay] = useState(() => addDays(seoulParts(new Date()).date, 1));
  const [showErrors, setShowErrors] = useState(false);
  // A rule value changes what every later payment or sign-in is judged by: the operator sees before → after first.
  const [confirming, setConfirming] = useState<{ key: RuleKey; value: number; effectiveFrom: string } | null>(
    null,
  );
  const save = useSubmit((body: { key: RuleKey; value: number; effectiveFrom: string }) =>
    call(api.POST('/v1/operator/policies/rules', { body })),
  );
  const value = parseWon(valueText);
  const errors = {
    value: value === null ? t('validation.amount') : null,
    fromDay: !fromDay
      ? t('validation.required')
      : Date.parse(seoulInstant(fromDay)) < nowMs
        ? t('validation.effectiveFromPast')
        : null,
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.value || errors.fromDay || value === null) return;
    setConfirming({ key: key as RuleKey, value, effectiveFrom: seoulInstant(fromDay) });
  };

  const onConfirm = async () => {
    if (!confirming) return;
    if (await save.submit(confirming)) {
      setConfirming(null);
      setValueText('');
      setShowErrors(false);
      onSaved();
    }
  };
  const currentValue = current.find((rule) => rule.key === confirming?.key)?.value;

  return (
    <section className="card" aria-labelledby="rule-values-title">
      <h2 id="rule-values-title">{t('operator.policy.ruleValues')}</h2>
      <p className="muted">{t('operator.policy.ruleValuesIntro')}</p>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('operator.policy.ruleKey')}</th>
            <th scope="col" className="number">
              {t('operator.policy.ruleValue')}
            </th>
            <th scope="col">{t('operator.policy.ruleFrom')}</th>
          </tr>
        </thead>
        <tbody>
          {current.map((rule) => (
            <tr key={rule.id}>
              <th scope="row">{ruleText.name(rule.key)}</th>
              <td className="number">{ruleText.value(rule.key, rule.value)}</td>
              <td>{format.date(rule.effectiveFrom)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <SelectField
          label={t('operator.policy.ruleKey')}
          value={key}
          onValue={setKey}
          options={current.map((rule) => ({ value: rule.key, label: ruleText.name(rule.key) }))}
        />
        <TextField
          label={t('operator.policy.ruleValue')}
          value={valueText}
          onValue={setValueText}
          inputMode="numeric"
          error={showErrors ? errors.value : null}
        />
        <TextField
          label={t('operator.policy.ruleFrom')}
          type="date"
          value={fromDay}
          onValue={setFromDay}
          error={showErrors ? errors.fromDay : null}
        />
        <Button type="submit" variant="secondary" busy={save.busy} busyLabel={t('operator.policy.saving')}>
          {t('operator.policy.ruleSave')}
        </Button>
      </form>
      {confirming && (
        <ConfirmSheet
          title={t('trust.confirm.policy.ruleTitle')}
          lines={[
            { label: t('trust.confirm.policy.rule'), value: ruleText.name(confirming.key), emphasis: true },
            {
              label: t('trust.confirm.policy.ruleValue'),
              value: t('trust.policyChanges.change', {
                before:
                  currentValue === undefined
                    ? t('trust.policyChanges.none')
                    : ruleText.value(confirming.key, currentValue),
                after: ruleText.value(confirming.key, confirming.value),
              }),
            },
            { label: t('trust.confirm.policy.from'), value: format.dateTime(confirming.effectiveFrom) },
          ]}
          note={<p>{t('trust.confirm.policy.ruleWhat')}</p>}
          confirmLabel={t('trust.confirm.policy.submit')}
          busy={save.busy}
          error={save.status === 'failed' ? save.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {!confirming && save.status === 'failed' && <ErrorNotice error={save.error} />}
      {save.status === 'succeeded' && (
        <Notice tone="success">
          {t('operator.policy.ruleSaved', {
            key: ruleText.name(save.result.key),
            value: ruleText.value(save.result.key, save.result.value),
            from: format.dateTime(save.result.effectiveFrom),
          })}
        </Notice>
      )}
    </section>
  );
}
