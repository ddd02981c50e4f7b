import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROGRAM_NAME_LENGTH_MAX, type ProgramDraft, validateProgram } from './program-draft.js';

const spec = JSON.parse(readFileSync(new URL('../../api/openapi.json', import.meta.url), 'utf8'));

const TODAY = '2021-05-13';
const draft: ProgramDraft = {
  name: '긴급재난생계지원금',
  budget: '1,000,000',
  nationalShare: '80',
  recipientAmount: '100,000',
  recipientAmountMax: '',
  firstDay: TODAY,
  lastDay: '2021-08-31',
};
const NONE = {
  name: null,
  budgetWon: null,
  nationalShareBp: null,
  recipientAmountWon: null,
  recipientAmountMaxWon: null,
  usableFrom: null,
  expiresAt: null,
};

describe('a new programme, checked as the API would before it is sent', () => {
  it('uses the bound of the API contract on the name', () => {
    const body = spec.paths['/v1/operator/programs'].post.requestBody.content['application/json'].schema;
    expect(body.properties.name.maxLength).toBe(PROGRAM_NAME_LENGTH_MAX);
  });

  it('passes a programme with one amount for everyone, or with a limit, or both with amount ≤ limit', () => {
    expect(validateProgram(draft, TODAY)).toEqual(NONE);
    expect(validateProgram({ ...draft, recipientAmount: '', recipientAmountMax: '300,000' }, TODAY)).toEqual(
      NONE,
    );
    expect(validateProgram({ ...draft, recipientAmountMax: '100,000' }, TODAY)).toEqual(NONE);
  });

  it('refuses a per-recipient amount above the maximum per recipient', () => {
    expect(
      validateProgram({ ...draft, recipientAmount: '100,001', recipientAmountMax: '100,000' }, TODAY),
    ).toEqual({
      ...NONE,
      recipientAmountWon: 'amountOverMax',
    });
  });

  it('asks for one of the two amounts', () => {
    expect(validateProgram({ ...draft, recipientAmount: '' }, TODAY).recipientAmountWon).toBe(
      'amountOrMaxRequired',
    );
  });

  it('refuses a limit above the budget, on the field that sets the limit', () => {
    expect(validateProgram({ ...draft, recipientAmountMax: '1,000,001' }, TODAY)).toEqual({
      ...NONE,
      recipientAmountMaxWon: 'overBudget',
    });
    expect(validateProgram({ ...draft, recipientAmount: '1,000,001' }, TODAY)).toEqual({
      ...NONE,
      recipientAmountWon: 'overBudget',
    });
  });

  it('refuses amounts that are not whole won, a rate over 100% and a window that has ended', () => {
    expect(
      validateProgram(
        {
          ...draft,
          budget: 'abc',
          nationalShare: '101',
          recipientAmount: '0',
          lastDay: '2021-05-12',
          firstDay: '2021-05-01',
        },
        TODAY,
      ),
    ).toEqual({
      ...NONE,
      budgetWon: 'amount',
      nationalShareBp: 'percent',
      recipientAmountWon: 'amount',
      expiresAt: 'lastDayPast',
    });
    expect(validateProgram({ ...draft, lastDay: '2021-05-12', firstDay: TODAY }, TODAY).expiresAt).toBe(
      'periodOrder',
    );
    expect(validateProgram({ ...draft, lastDay: TODAY }, TODAY).expiresAt).toBeNull();
  });
});
