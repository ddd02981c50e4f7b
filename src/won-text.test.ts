import { describe, expect, it } from 'vitest';
import { wonEn } from './won-text.js';

describe('wonEn', () => {
  it('groups thousands and puts the won sign first', () => {
    expect(wonEn(500000)).toBe('₩500,000');
    expect(wonEn(0)).toBe('₩0');
  });
});
