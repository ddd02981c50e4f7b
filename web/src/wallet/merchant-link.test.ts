import { describe, expect, it } from 'vitest';
import { merchantCodeFromScan, merchantPayLink } from './merchant-link.js';

describe('the merchant payment QR code', () => {
  it('carries a link that opens the payment form for the merchant', () => {
    expect(merchantPayLink('https://pay.example', 'DJ-000123')).toBe(
      'https://pay.example/pay?merchant=DJ-000123',
    );
  });

  it('reads back the merchant code from the link or from a bare code', () => {
    expect(merchantCodeFromScan('https://pay.example/pay?merchant=DJ-000123')).toBe('DJ-000123');
    expect(merchantCodeFromScan(' DJ-000123 ')).toBe('DJ-000123');
  });

  it('refuses codes that are neither', () => {
    expect(merchantCodeFromScan('https://pay.example/other')).toBeNull();
    expect(merchantCodeFromScan('not a code at all!')).toBeNull();
  });
});
