import { parsePercentToBp, parseWon } from '../../i18n/format.js';

/** The API's bound on a programme's name (POST /v1/operator/programs); a test holds it to openapi.json. */
export const PROGRAM_NAME_LENGTH_MAX = 100;

export interface ProgramDraft {
  name: string;
  budget: string;
  nationalShare: string;
  /** Optional: the grant of every recipient whose row names no amount. */
  recipientAmount: string;
  /** Optional: no recipient gets more; without it the per-recipient amount is the limit. */
  recipientAmountMax: string;
  firstDay: string;
  lastDay: string;
}

export type ProgramProblem =
  | 'required'
  | 'amount'
  | 'percent'
  | 'periodOrder'
  | 'lastDayPast'
  | 'amountOrMaxRequired'
  | 'amountOverMax'
  | 'overBudget';

/** Why a field cannot be sent, keyed as the API body names it. */
export type ProgramErrors = Record<
  | 'name'
  | 'budgetWon'
  | 'nationalShareBp'
  | 'recipientAmountWon'
  | 'recipientAmountMaxWon'
  | 'usableFrom'
  | 'expiresAt',
  ProgramProblem | null
>;

const optionalWon = (text: string): number | null | 'invalid' => {
  if (!text.trim()) return null;
  const won = parseWon(text);
  return won !== null && won >= 1 ? won : 'invalid';
};

/** The amounts' own checks, then how they relate: one of the two given, amount ≤ limit ≤ budget. */
function amountProblems(draft: ProgramDraft, budgetWon: number | null) {
  const amountWon = optionalWon(draft.recipientAmount);
  const maxWon = optionalWon(draft.recipientAmountMax);
  const overBudget = (won: number | null | 'invalid') =>
    typeof won === 'number' && budgetWon !== null && won > budgetWon;
  const amountProblem = (): ProgramProblem | null => {
    if (amountWon === 'invalid') return 'amount';
    if (amountWon === null) return maxWon === null ? 'amountOrMaxRequired' : null;
    if (typeof maxWon === 'number' && amountWon > maxWon) return 'amountOverMax';
    return maxWon === null && overBudget(amountWon) ? 'overBudget' : null;
  };
  return {
    recipientAmountWon: amountProblem(),
    recipientAmountMaxWon: maxWon === 'invalid' ? 'amount' : overBudget(maxWon) ? 'overBudget' : null,
  } as const;
}

/** What is wrong with a new programme, checked as the API would; `today` is the Seoul date. */
export function validateProgram(draft: ProgramDraft, today: string): ProgramErrors {
  const budgetWon = parseWon(draft.budget);
  const validBudgetWon = budgetWon !== null && budgetWon >= 1 ? budgetWon : null;
  return {
    name: draft.name.trim() ? null : 'required',
    budgetWon: validBudgetWon === null ? 'amount' : null,
    nationalShareBp: parsePercentToBp(draft.nationalShare) === null ? 'percent' : null,
    ...amountProblems(draft, validBudgetWon),
    usableFrom: draft.firstDay ? null : 'required',
    expiresAt: !draft.lastDay
      ? 'required'
      : draft.lastDay < draft.firstDay
        ? 'periodOrder'
        : draft.lastDay < today
          ? 'lastDayPast'
          : null,
  };
}
