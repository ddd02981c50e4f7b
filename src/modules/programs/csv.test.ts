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

  it('refuses a header without a member column or with an unknown one', () => {
    expect(() => recipientColumns({ line: 1, fields: ['amountWon'] })).toThrow(/phone or a memberId column/);
    expect(() => recipientColumns({ line: 1, fields: ['phone', 'name'] })).toThrow(/unknown columns name/);
    expect(() => recipientColumns(null)).toThrow(/first line/);
  });
});
