import { describe, expect, it } from 'vitest';
import { CASHBACK_LIMIT_CODES } from '../../../src/modules/policy/types.js';
import { en } from '../i18n/messages.en.js';
import { ko } from '../i18n/messages.ko.js';
import { KNOWN_LIMITS } from './CashbackLines.js';

describe('why cashback was limited, in words', () => {
  it('the app knows every reason the server can give', () => {
    expect([...KNOWN_LIMITS].sort()).toEqual([...CASHBACK_LIMIT_CODES].sort());
  });

  it.each([
    ['ko', ko],
    ['en', en],
  ])('every reason has a %s sentence, and the fallback shows no machine code', (_language, messages) => {
    const limitedBy = messages.wallet.limitedBy as Record<string, string>;
    for (const code of KNOWN_LIMITS) expect(limitedBy[code]).toMatch(/\S/);
    expect(limitedBy.other).not.toContain('{{');
  });
});
