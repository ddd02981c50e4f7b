import { describe, expect, it } from 'vitest';
import { formatSeconds, groupPaymentCode, localDeadlineMs, paymentCodeFrom } from './payment-code.js';

describe('one-time payment codes', () => {
  it('are shown in groups of four digits', () => {
    expect(groupPaymentCode('12345678901234567890')).toBe('1234 5678 9012 3456 7890');
  });

  it('are read back from what a cashier typed, spaces and dashes allowed', () => {
    expect(paymentCodeFrom('1234 5678 9012 3456 7890')).toBe('12345678901234567890');
    expect(paymentCodeFrom('1234-5678-9012-3456-789')).toBeNull();
    expect(paymentCodeFrom('1234567890123456789a')).toBeNull();
  });

  it('count down the server lifetime from when the answer arrived, whatever the device clock says', () => {
    const receivedAtMs = Date.parse('2030-01-01T00:00:00Z');
    const deadline = localDeadlineMs('2021-05-13T03:01:00Z', 'Thu, 13 May 2021 03:00:00 GMT', receivedAtMs);
    expect(deadline - receivedAtMs).toBe(60_000);
  });

  it('fall back to the device clock without a server date, and never count below zero', () => {
    expect(localDeadlineMs('2021-05-13T03:01:00Z', null, Date.parse('2021-05-13T03:00:30Z'))).toBe(
      Date.parse('2021-05-13T03:01:00Z'),
    );
    expect(localDeadlineMs('2021-05-13T03:01:00Z', null, Date.parse('2021-05-13T03:05:00Z'))).toBe(
      Date.parse('2021-05-13T03:05:00Z'),
    );
  });

  it('show the time left as minutes and seconds', () => {
    expect(formatSeconds(60)).toBe('1:00');
    expect(formatSeconds(9)).toBe('0:09');
  });
});
