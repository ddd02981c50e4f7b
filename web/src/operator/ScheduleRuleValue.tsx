import { type FormEvent, useState } from 'react';
import { useSubmit } from '../api/use-submit.js';
import { addDays, parsePercentToBp, parseWon, seoulInstant, seoulParts } from '../i18n/format.js';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from '../ui/Button.js';
import { ConfirmSheet } from '../ui/ConfirmSheet.js';
import { SelectField, TextField } from '../ui/Field.js';
import { useFormat } from '../ui/format-hooks.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useOperatorLabels } from './labels.js';

export interface ScheduledRuleValue<Key extends string> {
  key: Key;
  value: number;
  effectiveFrom: string;
}

/**
 * The largest value a rule in basis points takes (a ratio rule's thousandfold); each rule's own range
 * is the server's to enforce, and its refusal names it.
 */
const RULE_BP_MAX = 10_000_000;

/** A rule in basis points (`_bp`): shown as a percentage, and typed as one. */
function inBasisPoints(key: string): boolean {
  return key.endsWith('_bp');
}

/** Rule keys end in their unit (`_won`, `_days`, `_bp`, …): the value is shown in it, the key by its name. */
export function useRuleText() {
  const { t } = useLanguage();
  const format = useFormat();
  const labels = useOperatorLabels();
  return {
    name: labels.rule,
    value: (key: string, value: number) => {
      if (key.endsWith('_won')) return format.won(value);
      if (inBasisPoints(key)) return format.rate(value);
      for (const unit of ['days', 'hours', 'minutes', 'seconds', 'years'] as const) {
        if (key.endsWith(`_${unit}`)) return t(`operator.policy.units.${unit}`, { count: value });
      }
      return format.number(value);
    },
  };
}

/**
 * Schedules a new value of one rule from a later day. A rule value changes what every later payment,
 * order or sign-in is judged by, so the operator confirms the value in force → the new one first.
 */
export function ScheduleRuleValue<Key extends string>({
  inForce,
  save,
  onSaved,
  hint,
}: {
  inForce: ReadonlyArray<{ key: Key; value: number }>;
  save: (body: ScheduledRuleValue<Key>) => Promise<ScheduledRuleValue<Key>>;
  onSaved: () => void;
  hint?: string;
}) {
  const { t } = useLanguage();
  const format = useFormat();
  const ruleText = useRuleText();
  const [key, setKey] = useState<string>(inForce[0]?.key ?? '');
  const [valueInput, setValueInput] = useState('');
  const [fromDay, setFromDay] = useState(() => addDays(seoulParts(new Date()).date, 1));
  const [showErrors, setShowErrors] = useState(false);
  const [confirming, setConfirming] = useState<ScheduledRuleValue<Key> | null>(null);
  const saving = useSubmit(save);
  // An operator reads rates as percentages: 50 typed for a rate is 50% (5000 bp), never 0.5%.
  const percent = inBasisPoints(key);
  const value = percent ? parsePercentToBp(valueInput, RULE_BP_MAX) : parseWon(valueInput);
  const errors = {
    value: value !== null ? null : percent ? t('validation.percent') : t('validation.amount'),
    fromDay: !fromDay
      ? t('validation.required')
      : Date.parse(seoulInstant(fromDay)) < Date.now()
        ? t('validation.effectiveFromPast')
        : null,
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (errors.value || errors.fromDay || value === null) return;
    setConfirming({ key: key as Key, value, effectiveFrom: seoulInstant(fromDay) });
  };
  const onConfirm = async () => {
    if (!confirming) return;
    if (await saving.submit(confirming)) {
      setConfirming(null);
      setValueInput('');
      setShowErrors(false);
      onSaved();
    }
  };
  const before = inForce.find((rule) => rule.key === confirming?.key)?.value;

  return (
    <>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <SelectField
          label={t('operator.policy.ruleKey')}
          value={key}
          onValue={setKey}
          options={inForce.map((rule) => ({ value: rule.key, label: ruleText.name(rule.key) }))}
        />
        <TextField
          label={percent ? t('operator.policy.ruleValuePercent') : t('operator.policy.ruleValue')}
          hint={percent ? t('operator.policy.percentHint') : hint}
          value={valueInput}
          onValue={setValueInput}
          inputMode={percent ? 'decimal' : 'numeric'}
          error={showErrors ? errors.value : null}
        />
        <TextField
          label={t('operator.policy.ruleFrom')}
          type="date"
          value={fromDay}
          onValue={setFromDay}
          error={showErrors ? errors.fromDay : null}
        />
        <Button type="submit" variant="secondary" busy={saving.busy} busyLabel={t('operator.policy.saving')}>
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
                  before === undefined
                    ? t('trust.policyChanges.none')
                    : ruleText.value(confirming.key, before),
                after: ruleText.value(confirming.key, confirming.value),
              }),
            },
            ...(inBasisPoints(confirming.key)
              ? [
                  {
                    label: t('trust.confirm.policy.ruleValueBp'),
                    value: t('operator.policy.bp', { bp: format.number(confirming.value) }),
                  },
                ]
              : []),
            { label: t('trust.confirm.policy.from'), value: format.dateTime(confirming.effectiveFrom) },
          ]}
          note={<p>{t('trust.confirm.policy.ruleWhat')}</p>}
          confirmLabel={t('trust.confirm.policy.submit')}
          busy={saving.busy}
          error={saving.status === 'failed' ? saving.error : null}
          onConfirm={onConfirm}
          onCancel={() => setConfirming(null)}
        />
      )}
      {!confirming && saving.status === 'failed' && <ErrorNotice error={saving.error} />}
      {saving.status === 'succeeded' && (
        <Notice tone="success">
          {t('operator.policy.ruleSaved', {
            key: ruleText.name(saving.result.key),
            value: ruleText.value(saving.result.key, saving.result.value),
            from: format.dateTime(saving.result.effectiveFrom),
          })}
        </Notice>
      )}
    </>
  );
}
