import { describe, expect, it } from 'vitest';
import { withNames } from './types.js';

describe('an explanation read by an operator', () => {
  it('shows names where the detector wrote ids, longest id first, and leaves the rest as written', () => {
    const names = { usr_a: '오수상', usr_ab: '윤청과', mch_1: '대흥 청과' };
    expect(withNames('usr_ab → usr_a 송금 ₩360,000 (mch_1), usr_zz', names)).toBe(
      '윤청과 → 오수상 송금 ₩360,000 (대흥 청과), usr_zz',
    );
    expect(withNames('no ids here', undefined)).toBe('no ids here');
  });
});
