import { wonEn } from '../../won-text.js';
import { normalizePhone } from '../members/phone.js';
import type { CsvDocument, CsvLine } from './csv.js';
import { ProgramErrors } from './errors.js';
import type { RowError, RowErrorCode } from './types.js';

/** The columns a recipient file may have; either phone or memberId names the member of each row. */
export interface RecipientColumns {
  phone: number | null;
  memberId: number | null;
  amount: number | null;
  count: number;
}

/** Header names as people type them, compared lower-case without spaces, '_' or '-'. */
const COLUMN_ALIASES = {
  phone: ['phone', 'phonenumber', 'mobile', '휴대전화', '휴대전화번호', '휴대폰', '전화번호', '연락처'],
  memberId: ['memberid', 'member', 'userid', '회원id', '회원번호', '회원아이디'],
  amount: ['amount', 'amountwon', '금액', '지급액', '지급금액'],
} as const;

const MEMBER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const WON_PATTERN = /^(\d+|\d{1,3}(,\d{3})+)$/;

export function recipientColumns(header: CsvDocument['header']): RecipientColumns {
  if (!header || header.fields.length === 0) {
    throw ProgramErrors.csvHeaderInvalid(
      'the first line must name the columns, e.g. phone,amountWon',
      '첫 줄에 열 이름이 있어야 합니다 (예: phone,amountWon)',
    );
  }
  const names = header.fields.map((field) => field.toLowerCase().replace(/[\s_-]/g, ''));
  const unknown = header.fields.filter((_, index) => !columnOf(names[index] ?? ''));
  if (unknown.length > 0) {
    throw ProgramErrors.csvHeaderInvalid(
      `unknown columns ${unknown.join(', ')}; use phone, memberId and amountWon`,
      `알 수 없는 열 ${unknown.join(', ')}; phone, memberId, amountWon 을 쓰세요`,
    );
  }
  const indexOf = (column: keyof typeof COLUMN_ALIASES) => {
    const indexes = names.flatMap((name, index) => (columnOf(name) === column ? [index] : []));
    if (indexes.length > 1)
      throw ProgramErrors.csvHeaderInvalid(`column ${column} appears twice`, `${column} 열이 두 번 나옵니다`);
    return indexes[0] ?? null;
  };
  const columns = {
    phone: indexOf('phone'),
    memberId: indexOf('memberId'),
    amount: indexOf('amount'),
    count: names.length,
  };
  if (columns.phone === null && columns.memberId === null) {
    throw ProgramErrors.csvHeaderInvalid(
      'a phone or a memberId column is required',
      'phone 또는 memberId 열이 필요합니다',
    );
  }
  return columns;
}

function columnOf(name: string): keyof typeof COLUMN_ALIASES | undefined {
  const entries = Object.entries(COLUMN_ALIASES) as Array<[keyof typeof COLUMN_ALIASES, readonly string[]]>;
  return entries.find(([, aliases]) => aliases.includes(name))?.[0];
}

/** A row read from the file, before members are looked up. */
export type ReadRow =
  | { line: number; ok: true; phone: string | null; memberId: string | null; amount: string }
  | { line: number; ok: false; error: RowError };

export function readRow(row: CsvLine, columns: RecipientColumns): ReadRow {
  const { line } = row;
  if ('error' in row) return rejected(line, 'MALFORMED_ROW', {}, parseErrorWhy(row.error));
  if (row.fields.length !== columns.count) {
    return rejected(line, 'MALFORMED_ROW', {}, [
      `expected ${columns.count} fields, found ${row.fields.length}`,
      `칸이 ${columns.count}개여야 하는데 ${row.fields.length}개입니다`,
    ]);
  }
  const field = (index: number | null) => (index === null ? '' : (row.fields[index] ?? ''));
  const rawPhone = field(columns.phone);
  const rawMemberId = field(columns.memberId);
  const amount = field(columns.amount);
  const echo = { phone: rawPhone, memberId: rawMemberId, amount };
  if ((rawPhone === '') === (rawMemberId === '')) {
    return rejected(line, 'MALFORMED_ROW', echo, [
      'name the member by phone or by memberId: exactly one',
      '전화번호와 회원번호 중 하나만 적으세요',
    ]);
  }
  if (rawPhone !== '') {
    const phone = normalizePhone(rawPhone);
    if (!phone) return rejected(line, 'INVALID_PHONE', echo);
    return { line, ok: true, phone, memberId: null, amount };
  }
  if (!MEMBER_ID_PATTERN.test(rawMemberId)) return rejected(line, 'UNKNOWN_MEMBER', echo);
  return { line, ok: true, phone: null, memberId: rawMemberId, amount };
}

export interface RowRules {
  defaultAmountWon: number | null;
  amountMaxWon: number;
  /** Member id by normalized phone, for the phones of the file that belong to members of this tenant. */
  memberIdByPhone: ReadonlyMap<string, string>;
  /** The member ids of the file that belong to members of this tenant. */
  knownMemberIds: ReadonlySet<string>;
  /** Members already on this programme's list from an earlier import. */
  existingRecipients: ReadonlySet<string>;
  /** The operator importing the file, who may not put themselves on the list (OPERATOR_SELF). */
  actorUserId?: string;
}

export interface ValidRow {
  line: number;
  memberId: string;
  amountWon: number;
}

/** Checks each row against the members and the programme: the valid rows and one reason per bad row. */
export function checkRows(
  rows: readonly ReadRow[],
  rules: RowRules,
): { valid: ValidRow[]; errors: RowError[] } {
  const valid: ValidRow[] = [];
  const errors: RowError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    if (!row.ok) {
      errors.push(row.error);
      continue;
    }
    const checked = checkRow(row, rules, firstLineOf);
    if ('code' in checked) errors.push(checked);
    else valid.push(checked);
  }
  return { valid, errors };
}

function checkRow(
  row: Extract<ReadRow, { ok: true }>,
  rules: RowRules,
  firstLineOf: Map<string, number>,
): ValidRow | RowError {
  const echo = {
    ...(row.phone === null ? {} : { phone: row.phone }),
    ...(row.memberId === null ? {} : { memberId: row.memberId }),
    amount: row.amount,
  };
  const memberId =
    row.phone === null
      ? rules.knownMemberIds.has(row.memberId ?? '')
        ? row.memberId
        : undefined
      : rules.memberIdByPhone.get(row.phone);
  if (!memberId) return rejected(row.line, 'UNKNOWN_MEMBER', echo).error;
  if (memberId === rules.actorUserId) return rejected(row.line, 'OPERATOR_SELF', echo).error;
  const firstLine = firstLineOf.get(memberId);
  if (firstLine !== undefined) {
    return rejected(row.line, 'DUPLICATE_ROW', echo, [
      `the same member as line ${firstLine}`,
      `${firstLine}행과 같은 가입자`,
    ]).error;
  }
  firstLineOf.set(memberId, row.line);
  if (rules.existingRecipients.has(memberId)) return rejected(row.line, 'ALREADY_RECIPIENT', echo).error;
  const amount = amountOf(row.amount, rules);
  if (amount === 'AMOUNT_OVER_LIMIT') {
    return rejected(row.line, amount, echo, [
      `the limit is ${wonEn(rules.amountMaxWon)}`,
      `한도 ${WON_KO.format(rules.amountMaxWon)}원`,
    ]).error;
  }
  if (typeof amount === 'string') return rejected(row.line, amount, echo).error;
  return { line: row.line, memberId, amountWon: amount };
}

function amountOf(raw: string, rules: RowRules): number | RowErrorCode {
  if (raw === '') return rules.defaultAmountWon ?? 'AMOUNT_MISSING';
  if (!WON_PATTERN.test(raw)) return 'AMOUNT_INVALID';
  const amountWon = Number(raw.replaceAll(',', ''));
  if (!Number.isSafeInteger(amountWon) || amountWon <= 0) return 'AMOUNT_INVALID';
  if (amountWon > rules.amountMaxWon) return 'AMOUNT_OVER_LIMIT';
  return amountWon;
}

const ROW_MESSAGES: Record<RowErrorCode, readonly [string, string]> = {
  MALFORMED_ROW: ['the row is not a well-formed CSV row', '형식이 올바르지 않은 행입니다'],
  INVALID_PHONE: ['not a Korean mobile number like 010-1234-5678', '휴대전화 번호 형식이 올바르지 않습니다'],
  UNKNOWN_MEMBER: [
    'no member of this city has this phone number or member id (members of other cities are not residents here)',
    '이 지역의 가입자가 아닙니다 (다른 지역 가입자는 대상이 될 수 없습니다)',
  ],
  DUPLICATE_ROW: ['the member appears twice in the file', '같은 가입자가 파일에 두 번 나옵니다'],
  OPERATOR_SELF: [
    'the operator importing the file cannot make themselves a recipient; another operator must',
    '파일을 올리는 담당자 본인은 지급 대상이 될 수 없습니다 (다른 담당자가 등록해야 합니다)',
  ],
  ALREADY_RECIPIENT: [
    'the member is already a recipient of this programme',
    '이미 이 사업의 지급 대상자입니다',
  ],
  AMOUNT_MISSING: [
    'the programme has no default amount, so every row needs one',
    '기본 지급액이 없는 사업이므로 금액이 필요합니다',
  ],
  AMOUNT_INVALID: ['the amount must be a positive whole number of won', '금액은 1원 이상의 정수여야 합니다'],
  AMOUNT_OVER_LIMIT: [
    "the amount is over the programme's per-recipient limit",
    '1인당 지급 한도를 넘는 금액입니다',
  ],
};

/** What exactly is wrong with a row, in English and in Korean, each added to its own message. */
type Why = readonly [en: string, ko: string | undefined];

const WON_KO = new Intl.NumberFormat('ko-KR');

/** The CSV reader's reasons for a broken line (parseLine in csv.ts), in Korean. */
const PARSE_ERRORS_KO: Readonly<Record<string, string>> = {
  'a quoted field is not closed': '따옴표로 연 칸이 닫히지 않았습니다',
  'text after a closing quote': '닫는 따옴표 뒤에 글자가 있습니다',
  'a quote inside an unquoted field': '따옴표로 감싸지 않은 칸 안에 따옴표가 있습니다',
};

/** A reason without a Korean text is left out of the Korean message rather than shown in English. */
function parseErrorWhy(error: string): Why {
  return [error, PARSE_ERRORS_KO[error]];
}

function rejected(
  line: number,
  code: RowErrorCode,
  echo: { phone?: string; memberId?: string; amount?: string },
  why?: Why,
): { line: number; ok: false; error: RowError } {
  const [message, messageKo] = ROW_MESSAGES[code];
  const present = Object.fromEntries(Object.entries(echo).filter(([, value]) => value !== ''));
  return {
    line,
    ok: false,
    error: {
      line,
      code,
      message: why ? `${message}: ${why[0]}` : message,
      messageKo: why?.[1] ? `${messageKo}: ${why[1]}` : messageKo,
      ...present,
    },
  };
}
