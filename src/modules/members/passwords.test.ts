import { describe, expect, it } from 'vitest';
import { passwordProblem } from './passwords.js';

describe('password rules', () => {
  const phone = '01099990001';

  it.each([
    '010-9999-0001',
    '01099990001',
    '+82 10-9999-0001',
    '+821099990001',
    '010 9999 0001',
    '(010) 9999-0001',
  ])('refuses the phone number itself as a password, spelled %j, for operators and citizens', (password) => {
    expect(passwordProblem(password, 'operator', [phone])?.en).toContain('phone number');
    expect(passwordProblem(password, 'citizen', [phone])?.en).toContain('phone number');
  });

  it('still accepts a strong password that holds digits, and the phone of someone else', () => {
    expect(passwordProblem('maple-kettle-9999-orbit', 'operator', [phone])).toBeNull();
    expect(passwordProblem('010-1234-5678', 'citizen', [phone])?.en ?? '').not.toContain('phone number');
  });
});
