import i18next from 'i18next';
import { useLanguage } from '../i18n/i18n.js';

/**
 * Korean (or English) names for the machine codes operators meet — audit-trail actions and subjects,
 * rule keys, detail fields — so no code like `settlement.run` reaches a screen. A code added later by
 * another module and not yet named here reads as "기타 …", never as the code itself.
 */
export function useOperatorLabels() {
  const { t } = useLanguage();
  // Keys are built at run time from codes the server sends: looked up untyped, with a fallback.
  const first = (keys: string[], fallback: string): string => {
    const found = keys.find((key) => i18next.exists(key));
    return found ? (i18next.t as (key: string) => string)(found) : fallback;
  };
  return {
    rule: (key: string) =>
      first([`operator.policy.rules.${key}`, `trust.rules.${key}`], t('operator.policy.rules.other')),
    action: (action: string) =>
      first(
        [`operator.trail.actions.${action}`, `trust.trail.actions.${action}`],
        t('trust.trail.otherAction'),
      ),
    subjectType: (subjectType: string) =>
      first([`trust.trail.subjects.${subjectType}`], t('trust.trail.subjects.other')),
    check: (name: string) =>
      first([`operator.audit.check.${name}`, `trust.auditChecks.${name}`], t('trust.auditChecks.other')),
    /** What a failed check means, in a sentence an official can act on. */
    problem: (check: string) => first([`trust.auditProblems.${check}`], t('trust.auditProblems.other')),
    /** A detail field's name, as the action that recorded it means it (a pledge's rate is not a fee). */
    detail: (name: string, action: string) =>
      first(
        [`trust.trail.detailsOfAction.${action}.${name}`, `trust.trail.details.${name}`],
        t('trust.trail.details.other'),
      ),
  };
}
