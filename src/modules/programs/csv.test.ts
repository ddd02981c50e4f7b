import { describe, expect, it } from 'vitest';
import { countDataRows, parseCsv, parseLine } from './csv.js';
import { checkRows, readRow, recipientColumns } from './recipient-rows.js';

describe('recipient CSV lines', () => {
  it('splits fields, trims them and unquotes "" inside quotes', () => {
    expect(parseLine(' 010-1234-5678 , "1,000" ,')).toEqual(['010-1234-5678', '1,000', '']);
    expect(parseLine('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
  });

  it('names what is wrong with a broken line', () => {
    expect(parseLine('"010-1234-5678,1000')).toBe('a quoted field is not closed');
    expect(parseLine('"010"x,1000')).toBe('text after a closing quote');
    expect(parseLine('01"0,1000')).toBe('a quote inside an unquoted field');
  });

  it('numbers rows by file line, skipping a BOM and blank lines, with CRLF, LF or CR line ends', () => {
    const document = parseCsv(
      '\uFEFFphone,amountWon\r\n010-1111-2222,1000\n\n  \r"bad,1\r\n010-3333-4444,\n',
    );
    expect(document.header).toEqual({ line: 1, fields: ['phone', 'amountWon'] });
    expect(document.rows).toEqual([
      { line: 2, fields: ['010-1111-2222', '1000'] },
      { line: 5, error: 'a quoted field is not closed' },
      { line: 6, fields: ['010-3333-4444', ''] },
    ]);
    expect(
      countDataRows('\uFEFFphone,amountWon\r\n010-1111-2222,1000\n\n  \r"bad,1\r\n010-3333-4444,\n'),
    ).toBe(3);
  });
});

describe('recipient rows', () => {
  const rules = {
    defaultAmountWon: null,
    amountMaxWon: 500_000,
    memberIdByPhone: new Map([['01011112222', 'usr_a']]),
    knownMemberIds: new Set(['usr_b']),
    existingRecipients: new Set<string>(),
  };

  function check(csv: string) {
    const document = parseCsv(csv);
    const columns = recipientColumns(document.header);
    return checkRows(
      document.rows.map((row) => readRow(row, columns)),
      rules,
    );
  }

  it('reads Korean header names and amounts with thousands separators, up to the limit exactly', () => {
    const { valid, errors } = check('휴대전화,금액\n010-1111-2222,"500,000"\n');
    expect(errors).toEqual([]);
    expect(valid).toEqual([{ line: 2, memberId: 'usr_a', amountWon: 500_000 }]);
  });

  it('refuses an amount one won over the limit, a missing amount without a default, and a non-integer', () => {
    const { errors } = check('memberId,amountWon\nusr_b,500001\nusr_b,\nusr_b,1e3\n');
    expect(errors.map((error) => [error.line, error.code])).toEqual([
      [2, 'AMOUNT_OVER_LIMIT'],
      [3, 'DUPLICATE_ROW'],
      [4, 'DUPLICATE_ROW'],
    ]);
    const fresh = check('memberId,amountWon\nusr_b,\n');
    expect(fresh.errors.map((error) => error.code)).toEqual(['AMOUNT_MISSING']);
    const fraction = check('memberId,amountWon\nusr_b,1e3\n');
    expect(fraction.errors.map((error) => error.code)).toEqual(['AMOUNT_INVALID']);
  });

  it('says what is wrong with each row in Korean in messageKo and in English in message', () => {
    const { errors } = check(
      [
        'phone,memberId,amountWon',
        '010-1111-2222,,1000',
        ',usr_b,500001',
        '010-1111-2222,,1000',
        '010-1111-2222,usr_b,1',
        '1,2',
        '"010,,1',
        '"010"x,,1',
        '01"0,,1',
      ].join('\n'),
    );
    expect(errors.map(({ line, code, messageKo }) => [line, code, messageKo])).toEqual([
      [3, 'AMOUNT_OVER_LIMIT', '1인당 지급 한도를 넘는 금액입니다: 한도 500,000원'],
      [4, 'DUPLICATE_ROW', '같은 가입자가 파일에 두 번 나옵니다: 2행과 같은 가입자'],
      [5, 'MALFORMED_ROW', '형식이 올바르지 않은 행입니다: 전화번호와 회원번호 중 하나만 적으세요'],
      [6, 'MALFORMED_ROW', '형식이 올바르지 않은 행입니다: 칸이 3개여야 하는데 2개입니다'],
      [7, 'MALFORMED_ROW', '형식이 올바르지 않은 행입니다: 따옴표로 연 칸이 닫히지 않았습니다'],
      [8, 'MALFORMED_ROW', '형식이 올바르지 않은 행입니다: 닫는 따옴표 뒤에 글자가 있습니다'],
      [9, 'MALFORMED_ROW', '형식이 올바르지 않은 행입니다: 따옴표로 감싸지 않은 칸 안에 따옴표가 있습니다'],
    ]);
    expect(errors.map(({ line, message }) => [line, message])).toEqual([
      [3, "the amount is over the programme's per-recipient limit: the limit is ₩500,000"],
      [4, 'the member appears twice in the file: the same member as line 2'],
      [5, 'the row is not a well-formed CSV row: name the member by phone or by memberId: exactly one'],
      [6, 'the row is not a well-formed CSV row: expected 3 fields, found 2'],
      [7, 'the row is not a well-formed CSV row: a quoted field is not closed'],
      [8, 'the row is not a well-formed CSV row: text after a closing quote'],
      [9, 'the row is not a well-formed CSV row: a quote inside an unquoted field'],
    ]);
  });

  it('refuses a header without a member column or with an unknown one', () => {
    expect(() => recipientColumns({ line: 1, fields: ['amountWon'] })).toThrow(/phone or a memberId column/);
    expect(() => recipientColumns({ line: 1, fields: ['phone', 'name'] })).toThrow(/unknown columns name/);
    expect(() => recipientColumns(null)).toThrow(/first line/);
  });
});
