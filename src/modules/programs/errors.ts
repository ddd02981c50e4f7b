import { DomainError } from '../../errors.js';
import { wonEn } from '../../won-text.js';

function programError(
  code: string,
  httpStatus: number,
  message: string,
  messageKo: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError({ code, httpStatus, message, messageKo, ...(details ? { details } : {}) });
}

export const ProgramErrors = {
  notFound: (programId: string) =>
    programError(
      'PROGRAM_NOT_FOUND',
      404,
      `programme ${programId} not found`,
      `정책발행 사업 ${programId}을(를) 찾을 수 없습니다`,
    ),
  invalid: (message: string, messageKo: string) => programError('INVALID_PROGRAM', 400, message, messageKo),
  unknownDistrict: (codes: string[]) =>
    programError(
      'UNKNOWN_DISTRICT',
      400,
      `not districts of this city: ${codes.join(', ')}`,
      `이 지역의 구가 아닙니다: ${codes.join(', ')}`,
      { codes },
    ),
  expired: (expiresAt: Date) =>
    programError(
      'PROGRAM_EXPIRED',
      409,
      `the programme's usage window ended at ${expiresAt.toISOString()}`,
      '사용 기간이 끝난 사업입니다',
      { expiresAt: expiresAt.toISOString() },
    ),
  disbursementRunning: () =>
    programError(
      'DISBURSEMENT_RUNNING',
      409,
      'recipients cannot be imported while a disbursement is running; wait until it completes',
      '지급이 진행 중에는 대상자를 등록할 수 없습니다. 지급이 끝난 뒤 다시 시도하세요',
    ),
  paidOnApplication: () =>
    programError(
      'PROGRAM_PAID_ON_APPLICATION',
      409,
      'this programme pays each recipient when they apply; there is nothing to disburse',
      '신청제 사업은 대상자가 신청할 때 지급됩니다',
    ),
  budgetExceeded: (budgetWon: number, alreadyWon: number, fileWon: number) =>
    programError(
      'PROGRAM_BUDGET_EXCEEDED',
      409,
      `the valid rows total ${wonEn(fileWon)}; with ${wonEn(alreadyWon)} already allotted that exceeds the budget of ${wonEn(budgetWon)}`,
      `유효한 행의 합계 ${fileWon.toLocaleString('ko-KR')}원과 기존 배정액 ${alreadyWon.toLocaleString('ko-KR')}원이 예산 ${budgetWon.toLocaleString('ko-KR')}원을 넘습니다`,
      { budgetWon, alreadyWon, fileWon },
    ),
  tooManyRecipients: (recipientsMax: number) =>
    programError(
      'PROGRAM_RECIPIENTS_LIMIT',
      409,
      `a programme has at most ${recipientsMax} recipients`,
      `한 사업의 대상자는 최대 ${recipientsMax.toLocaleString('ko-KR')}명입니다`,
      { recipientsMax },
    ),
  csvTooLarge: (bytesMax: number) =>
    programError(
      'CSV_TOO_LARGE',
      413,
      `the CSV file is larger than ${bytesMax} bytes; split it into several imports`,
      `CSV 파일이 ${bytesMax.toLocaleString('ko-KR')}바이트를 넘습니다. 나누어 등록하세요`,
      { bytesMax },
    ),
  csvTooManyRows: (rowsMax: number, rowCount: number) =>
    programError(
      'CSV_TOO_MANY_ROWS',
      413,
      `the CSV file has ${rowCount} rows; at most ${rowsMax} per import, split it into several imports`,
      `CSV 파일의 행이 ${rowCount.toLocaleString('ko-KR')}개입니다. 한 번에 ${rowsMax.toLocaleString('ko-KR')}행까지 등록할 수 있습니다`,
      { rowsMax, rowCount },
    ),
  csvHeaderInvalid: (why: string, whyKo: string) =>
    programError(
      'CSV_HEADER_INVALID',
      400,
      `the CSV header is not usable: ${why}`,
      `CSV 머리글 오류: ${whyKo}`,
    ),
  notEligible: () =>
    programError(
      'PROGRAM_NOT_ELIGIBLE',
      403,
      'you are not on the recipient list of this programme',
      '이 사업의 지급 대상자가 아닙니다',
    ),
  applicationNotNeeded: () =>
    programError(
      'PROGRAM_APPLICATION_NOT_NEEDED',
      409,
      'this programme pays its recipients without an application',
      '신청 없이 지급되는 사업입니다',
    ),
};
