import { api, call } from '../api/client.js';
import type { PolicyRule, RuleKey } from '../api/types.js';
import { useLanguage } from '../i18n/i18n.js';
import { useFormat } from '../ui/format-hooks.js';
import { type ScheduledRuleValue, ScheduleRuleValue, useRuleText } from './ScheduleRuleValue.js';

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
  const current = inForceNow(rules, Date.now());
  return (
    <section className="card" aria-labelledby="rule-values-title">
      <h2 id="rule-values-title">{t('operator.policy.ruleValues')}</h2>
      <p className="muted">{t('operator.policy.ruleValuesIntro')}</p>
      <div className="table-scroll">
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
      </div>
      <ScheduleRuleValue inForce={current} save={scheduleRule} onSaved={onSaved} />
    </section>
  );
}

function scheduleRule(body: ScheduledRuleValue<RuleKey>) {
  return call(api.POST('/v1/operator/policies/rules', { body }));
}
