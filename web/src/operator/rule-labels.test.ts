import { describe, expect, it } from 'vitest';
import { RULE_KEYS } from '../../../src/modules/policy/types.js';
import { en } from '../i18n/messages.en.js';
import { ko } from '../i18n/messages.ko.js';

describe('every rule value an operator can see or schedule has a name in words', () => {
  it.each([
    ['ko', ko],
    ['en', en],
  ])('%s: each rule key the server accepts has a label, never the code itself', (_language, messages) => {
    const names = { ...messages.operator.policy.rules, ...messages.trust.rules } as Record<string, string>;
    const missing = RULE_KEYS.filter((key) => !/\S/.test(names[key] ?? ''));
    expect(missing).toEqual([]);
    for (const key of RULE_KEYS) expect(names[key]).not.toContain('_');
  });
});
