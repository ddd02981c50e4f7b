/** Codes with a title of their own ("비밀번호가 맞지 않습니다"): trust.errorTitles.<code>. */
const TITLED_CODES = [
  'INVALID_CREDENTIALS',
  'INSUFFICIENT_FUNDS',
  'PAYMENT_PIN_INCORRECT',
  'PAYMENT_PIN_LOCKED',
  'PAYMENT_PIN_REQUIRED',
  'MERCHANT_NOT_FOUND',
  'MONTHLY_CHARGE_CAP_EXCEEDED',
  'HOLDING_CAP_EXCEEDED',
  'BANK_DECLINED',
  'AUTO_CHARGE_FAILED',
  'RECIPIENT_NOT_FOUND',
  'PHONE_ALREADY_REGISTERED',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'NETWORK_ERROR',
] as const;

/**
 * Refusals whose status alone would mislead: a 409 reads "already done, or clashed with another
 * action", which an out-of-stock order or an exhausted budget is not. Their code says what happened.
 */
export const CODE_KINDS = {
  OUT_OF_STOCK: 'outOfStock',
  PRODUCT_NOT_AVAILABLE: 'notOnSale',
  BUDGET_INSUFFICIENT: 'notEnoughMoney',
  PROGRAM_BUDGET_EXCEEDED: 'notEnoughMoney',
  FUND_POOL_EXHAUSTED: 'notEnoughMoney',
  INSUFFICIENT_DEPOSIT: 'notEnoughMoney',
  PROGRAM_RECIPIENTS_LIMIT: 'limitReached',
  POS_KEY_LIMIT_REACHED: 'limitReached',
  TOO_MANY_IMAGES: 'limitReached',
  PROGRAM_EXPIRED: 'expired',
  ORDER_EXPIRED: 'expired',
  TRANSFER_EXPIRED: 'expired',
  CANCEL_WINDOW_CLOSED: 'expired',
  MERCHANT_NOT_ACTIVE: 'notInThisState',
  MERCHANT_NOT_APPROVED: 'notInThisState',
  MERCHANT_NO_LONGER_ELIGIBLE: 'notInThisState',
  ACCOUNT_NOT_CLOSABLE: 'notInThisState',
  PROGRAM_APPLICATION_NOT_NEEDED: 'notInThisState',
  PROGRAM_PAID_ON_APPLICATION: 'notInThisState',
  FUND_MERCHANT_FROZEN: 'notInThisState',
  DUPLICATE_BUSINESS_NUMBER: 'alreadyRegistered',
  PARTNER_ALREADY_REGISTERED: 'alreadyRegistered',
  CHARITY_ALREADY_REGISTERED: 'alreadyRegistered',
  CATEGORY_EXISTS: 'alreadyRegistered',
} as const;

const TITLED_STATUSES = [400, 401, 403, 404, 409, 422, 429] as const;

export type ErrorTitleKey =
  | `trust.errorTitles.${(typeof TITLED_CODES)[number]}`
  | `trust.errorTitles.byKind.${(typeof CODE_KINDS)[keyof typeof CODE_KINDS]}`
  | `trust.errorTitles.byStatus.status${(typeof TITLED_STATUSES)[number]}`
  | 'trust.errorTitles.byStatus.server'
  | 'errors.title';

/** The message key of an error's title: by its code where the code says what happened, else by its status. */
export function errorTitleKey(code: string, status: number): ErrorTitleKey {
  const titled = TITLED_CODES.find((known) => known === code);
  if (titled) return `trust.errorTitles.${titled}`;
  if (Object.hasOwn(CODE_KINDS, code))
    return `trust.errorTitles.byKind.${CODE_KINDS[code as keyof typeof CODE_KINDS]}`;
  const titledStatus = TITLED_STATUSES.find((known) => known === status);
  if (titledStatus) return `trust.errorTitles.byStatus.status${titledStatus}`;
  return status >= 500 ? 'trust.errorTitles.byStatus.server' : 'errors.title';
}
