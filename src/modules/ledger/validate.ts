import { LEDGER_LIMITS, type LedgerResultCode, type Posting, type TransferRequest } from './types.js';

const ID_PATTERN = /^[A-Za-z0-9_:.-]{1,128}$/;
const CODE_PATTERN = /^[a-z0-9_.-]{1,64}$/;

export function isValidLedgerId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** Shape checks that need no database; returns the first problem or null. */
export function checkRequestShape(request: TransferRequest, now: Date): LedgerResultCode | null {
  if (!isValidLedgerId(request.id)) return 'INVALID_ID';
  if (!metadataFits(request.metadata)) return 'METADATA_INVALID';
  switch (request.action) {
    case 'transfer':
      if (request.correctsId !== undefined && !isValidLedgerId(request.correctsId)) return 'INVALID_ID';
      return checkCode(request.code) ?? checkPostings(request.postings);
    case 'pending':
      if (!(request.timeoutAt instanceof Date) || !(request.timeoutAt.getTime() > now.getTime())) {
        return 'TIMEOUT_INVALID';
      }
      return checkCode(request.code) ?? checkPostings(request.postings);
    case 'post_pending':
      if (!isValidLedgerId(request.pendingId)) return 'PENDING_NOT_FOUND';
      if (request.amountWon === undefined) return null;
      return checkPositiveAmount(request.amountWon);
    case 'void_pending':
      return isValidLedgerId(request.pendingId) ? null : 'PENDING_NOT_FOUND';
  }
}

function checkCode(code: unknown): LedgerResultCode | null {
  return typeof code === 'string' && CODE_PATTERN.test(code) ? null : 'INVALID_CODE';
}

function checkPostings(postings: readonly Posting[]): LedgerResultCode | null {
  if (!Array.isArray(postings) || postings.length < 2) return 'TOO_FEW_POSTINGS';
  if (postings.length > LEDGER_LIMITS.postingsPerTransferMax) return 'TOO_MANY_POSTINGS';
  const seen = new Set<string>();
  let sumWon = 0n;
  for (const posting of postings) {
    if (!isValidLedgerId(posting.accountId)) return 'ACCOUNT_NOT_FOUND';
    if (seen.has(posting.accountId)) return 'DUPLICATE_ACCOUNT';
    seen.add(posting.accountId);
    const problem = checkAmount(posting.amountWon);
    if (problem) return problem;
    sumWon += BigInt(posting.amountWon);
  }
  return sumWon === 0n ? null : 'UNBALANCED';
}

function checkAmount(amountWon: unknown): LedgerResultCode | null {
  if (typeof amountWon !== 'number' || !Number.isInteger(amountWon)) return 'AMOUNT_NOT_INTEGER';
  if (!Number.isSafeInteger(amountWon)) return 'AMOUNT_OUT_OF_RANGE';
  return amountWon === 0 ? 'AMOUNT_ZERO' : null;
}

function checkPositiveAmount(amountWon: unknown): LedgerResultCode | null {
  const problem = checkAmount(amountWon);
  if (problem === 'AMOUNT_ZERO') return 'AMOUNT_NOT_POSITIVE';
  if (problem) return problem;
  return (amountWon as number) > 0 ? null : 'AMOUNT_NOT_POSITIVE';
}

function metadataFits(metadata: unknown): boolean {
  if (metadata === undefined) return true;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return false;
  try {
    const json = JSON.stringify(metadata);
    // jsonb refuses NUL and unpaired surrogates; JSON.stringify escapes exactly those as \u0000 / \udXXX.
    if (/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(json)) return false;
    return Buffer.byteLength(json) <= LEDGER_LIMITS.metadataBytesMax;
  } catch {
    return false;
  }
}
