/** Posting amounts are signed integer won: positive credits the account (raises its balance), negative debits it. */
export interface Posting {
  accountId: string;
  amountWon: number;
}

export type TransferRequest =
  | {
      id: string;
      action: 'transfer';
      code: string;
      postings: Posting[];
      correctsId?: string;
      metadata?: Record<string, unknown>;
    }
  | {
      id: string;
      action: 'pending';
      code: string;
      postings: Posting[];
      timeoutAt: Date;
      metadata?: Record<string, unknown>;
    }
  | {
      id: string;
      action: 'post_pending';
      pendingId: string;
      amountWon?: number;
      metadata?: Record<string, unknown>;
    }
  | { id: string; action: 'void_pending'; pendingId: string; metadata?: Record<string, unknown> };

export type TransferAction = 'transfer' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';

export interface Entry {
  accountId: string;
  postedDeltaWon: number;
  pendingDebitDeltaWon: number;
  pendingCreditDeltaWon: number;
}

export interface Transfer {
  tenantId: string;
  id: string;
  action: TransferAction;
  code: string;
  pendingId: string | null;
  correctsId: string | null;
  timeoutAt: Date | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  entries: Entry[];
}

export type TransferResult =
  | { id: string; ok: true; replayed: boolean; transfer: Transfer }
  | { id: string; ok: false; code: LedgerResultCode; message: string };

export interface AccountSpec {
  id: string;
  kind: string;
  currencyCode: string;
  ownerId?: string;
  allowNegative?: boolean;
  metadata?: Record<string, unknown>;
}

export interface Account {
  tenantId: string;
  id: string;
  kind: string;
  ownerId: string | null;
  currencyCode: string;
  allowNegative: boolean;
  metadata: Record<string, unknown>;
  createdAt: Date;
  closedAt: Date | null;
  postedWon: number;
  pendingDebitWon: number;
  pendingCreditWon: number;
  /** What can be spent now: posted minus money held by open pending debits. */
  availableWon: number;
}

/** An account's balances alone, for reads over many accounts. */
export interface AccountBalance {
  postedWon: number;
  /** Posted minus money held by open pending debits, as `Account.availableWon`. */
  availableWon: number;
}

/**
 * Accounts another module names by its own query over its own table (a programme's grants, by its
 * recipients), for a sum over more accounts than a list should carry: a subquery yielding one text
 * column `account_id`, its parameters numbered from `firstParam`. The ledger joins it in its own
 * statement, so the accounts never travel through Node.
 */
export interface AccountQuery {
  sql: (firstParam: number) => string;
  params: readonly unknown[];
}

/** Stable per-transfer result codes, with the text a person reads. */
export const LEDGER_RESULT_MESSAGES = {
  INVALID_ID: [
    'id must be 1-128 characters of A-Z a-z 0-9 _ : . -',
    'id는 1~128자의 영문, 숫자, _ : . - 만 쓸 수 있습니다',
  ],
  INVALID_CODE: [
    'code must be 1-64 characters of a-z 0-9 _ . -',
    'code는 1~64자의 영문 소문자, 숫자, _ . - 만 쓸 수 있습니다',
  ],
  TOO_FEW_POSTINGS: ['a transfer needs at least two postings', '이체에는 두 개 이상의 분개가 필요합니다'],
  TOO_MANY_POSTINGS: ['a transfer has too many postings', '이체의 분개 수가 너무 많습니다'],
  DUPLICATE_ACCOUNT: ['an account appears twice in one transfer', '한 이체에 같은 계정이 두 번 나옵니다'],
  AMOUNT_NOT_INTEGER: ['amounts are whole won', '금액은 원 단위 정수여야 합니다'],
  AMOUNT_ZERO: ['a posting amount cannot be zero', '분개 금액은 0일 수 없습니다'],
  AMOUNT_NOT_POSITIVE: ['the amount must be greater than zero', '금액은 0보다 커야 합니다'],
  AMOUNT_OUT_OF_RANGE: ['the amount is too large', '금액이 너무 큽니다'],
  UNBALANCED: ['postings must sum to zero', '분개 합계가 0이어야 합니다'],
  METADATA_INVALID: [
    'metadata must be a JSON object of at most 4096 bytes',
    'metadata는 4096바이트 이하의 JSON 객체여야 합니다',
  ],
  TIMEOUT_INVALID: [
    'a pending transfer needs a timeout in the future',
    '보류 이체에는 미래의 만료 시각이 필요합니다',
  ],
  ACCOUNT_NOT_FOUND: ['no such account in this tenant', '이 테넌트에 없는 계정입니다'],
  ACCOUNT_CLOSED: ['the account is closed', '해지된 계정입니다'],
  CURRENCY_MISMATCH: [
    'all accounts of a transfer must share one currency',
    '한 이체의 계정은 통화가 같아야 합니다',
  ],
  INSUFFICIENT_FUNDS: ['insufficient funds', '잔액이 부족합니다'],
  BALANCE_OVERFLOW: ['the balance would exceed the supported range', '잔액이 허용 범위를 넘습니다'],
  IDEMPOTENCY_CONFLICT: [
    'this id was already used for a different transfer',
    '이 id는 이미 다른 이체에 사용되었습니다',
  ],
  PENDING_NOT_FOUND: ['no such pending transfer', '해당 보류 이체가 없습니다'],
  PENDING_ALREADY_POSTED: ['the pending transfer was already posted', '보류 이체가 이미 확정되었습니다'],
  PENDING_ALREADY_VOIDED: ['the pending transfer was already voided', '보류 이체가 이미 취소되었습니다'],
  PENDING_EXPIRED: ['the pending transfer has expired', '보류 이체가 만료되었습니다'],
  POST_AMOUNT_EXCEEDS_PENDING: [
    'cannot post more than the pending amount',
    '보류 금액보다 많이 확정할 수 없습니다',
  ],
  PARTIAL_POST_NEEDS_TWO_POSTINGS: [
    'a partial post needs a pending transfer of exactly two postings',
    '부분 확정은 분개가 두 개인 보류 이체에만 가능합니다',
  ],
  CORRECTED_TRANSFER_NOT_FOUND: ['the transfer to correct does not exist', '정정할 이체가 없습니다'],
} as const satisfies Record<string, readonly [string, string]>;

export type LedgerResultCode = keyof typeof LEDGER_RESULT_MESSAGES;

export function failure(id: string, code: LedgerResultCode): TransferResult {
  return { id, ok: false, code, message: LEDGER_RESULT_MESSAGES[code][0] };
}

/** Bounds: every batch, transfer and metadata blob has a fixed upper size. */
export const LEDGER_LIMITS = {
  batchTransfersMax: 8190,
  postingsPerTransferMax: 32,
  metadataBytesMax: 4096,
  idLengthMax: 128,
} as const;
