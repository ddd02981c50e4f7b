import { describe, expect, it } from 'vitest';
import { apiErrorOf } from './problem.js';

const messages = { en: 'invalid request: body/stock must be integer', ko: '요청 형식이 올바르지 않습니다' };

describe('the fields a refusal names', () => {
  it('reads the paths of a schema refusal as the form names its fields', () => {
    const error = apiErrorOf(400, {
      status: 400,
      code: 'INVALID_INPUT',
      messages,
      errors: [
        { path: '/stock', message: 'must be integer' },
        { path: '/tiers/0/upTo', message: 'must be >= 1' },
      ],
    });
    expect(error.invalidFields).toEqual(['stock', 'tiers.0.upTo']);
  });

  it('names no field for a failure of the whole body (a missing property) or a malformed list', () => {
    const whole = apiErrorOf(400, { status: 400, code: 'INVALID_INPUT', messages, errors: [{ path: '' }] });
    expect(whole.invalidFields).toEqual([]);
    const malformed = apiErrorOf(400, { status: 400, code: 'INVALID_INPUT', messages, errors: 'stock' });
    expect(malformed.invalidFields).toEqual([]);
  });

  it('names no field for any other refusal, even one carrying errors[]', () => {
    const error = apiErrorOf(409, {
      status: 409,
      code: 'OUT_OF_STOCK',
      messages,
      errors: [{ path: '/stock' }],
    });
    expect(error.invalidFields).toEqual([]);
  });
});
