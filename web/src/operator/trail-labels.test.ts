import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  OPERATOR_ACTIONS,
  OPERATOR_SUBJECT_TYPES,
} from '../../../src/modules/audit-trail/operator-actions.js';
import { en } from '../i18n/messages.en.js';
import { ko } from '../i18n/messages.ko.js';
import { SHOWN_DETAILS } from './trail-details.js';

const LANGUAGES = [
  ['ko', ko],
  ['en', en],
] as const;

describe('the audit trail names everything the server records', () => {
  it.each(LANGUAGES)('%s: every action the server can record has a name', (_language, messages) => {
    const names = { ...messages.operator.trail.actions, ...messages.trust.trail.actions } as Record<
      string,
      string
    >;
    const unnamed = OPERATOR_ACTIONS.filter((action) => !/\S/.test(names[action] ?? ''));
    expect(unnamed).toEqual([]);
  });

  it.each(LANGUAGES)('%s: every kind of subject and every shown detail has a name', (_language, messages) => {
    const subjects = messages.trust.trail.subjects as Record<string, string>;
    const details = messages.trust.trail.details as Record<string, string>;
    expect(OPERATOR_SUBJECT_TYPES.filter((subject) => !subjects[subject])).toEqual([]);
    expect([...SHOWN_DETAILS].filter((detail) => !details[detail])).toEqual([]);
  });

  it('says what a payout’s recipientWon is: the total for everyone, not each one’s amount', () => {
    expect(ko.trust.trail.details.recipientWon).toBe('지급 대상 전체 금액');
    expect(en.trust.trail.details.recipientWon).toBe('Total for all recipients');
    expect(en.trust.trail.details.recipientAmountWon).toBe('Per recipient');
  });

  it('finds a name under a dotted action code, and a name one action gives a field', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: en } }, lng: 'en' });
    expect(i18n.t('trust.trail.actions.partner.gift')).toBe('Sent employee gifts');
    expect(i18n.exists('trust.trail.detailsOfAction.partner.pledge.rateBp')).toBe(true);
    expect(i18n.t('trust.trail.detailsOfAction.partner.pledge.rateBp')).toBe('Matching rate');
    expect(i18n.exists('trust.trail.detailsOfAction.settlement.fee_rule_create.rateBp')).toBe(false);
  });
});
