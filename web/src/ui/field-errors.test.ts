import { describe, expect, it } from 'vitest';
import { fieldErrors } from './field-errors.js';

const REFUSED = 'Please check this value.';

describe('the message under each field', () => {
  const own = { name: 'Please fill this in.', stock: null, categoryId: null };

  it('shows the form’s own checks only once the person has tried to send', () => {
    expect(fieldErrors(own, false, [], REFUSED)).toEqual({ name: null, stock: null, categoryId: null });
    expect(fieldErrors(own, true, [], REFUSED)).toEqual({
      name: 'Please fill this in.',
      stock: null,
      categoryId: null,
    });
  });

  it('marks a field the server refused, in the reader’s sentence, where the form found nothing', () => {
    expect(fieldErrors(own, true, ['stock'], REFUSED)).toEqual({
      name: 'Please fill this in.',
      stock: REFUSED,
      categoryId: null,
    });
  });

  it('keeps the form’s own sentence over the refusal, and ignores a refused field it does not have', () => {
    expect(fieldErrors(own, true, ['name', 'priceWon'], REFUSED)).toEqual({
      name: 'Please fill this in.',
      stock: null,
      categoryId: null,
    });
  });
});
