import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, toCsv } from '../../../shared/registry/csv';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM, with line numbers', () => {
    const t = parseCsv('\ufeffPhone,Name\r\n12345678,"Hansen, ""Bo"""\r\n\r\n87654321,"two\nlines"\r\n11223344,x');
    expect(t.header).toEqual(['phone', 'name']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['12345678', 'Hansen, "Bo"'] },
      { line: 4, cells: ['87654321', 'two\nlines'] },
      { line: 6, cells: ['11223344', 'x'] },
    ]);
  });

  it("detects Danish Excel's semicolons", () => {
    expect(parseCsv('phone;home_lat\n12345678;55,93\n').rows[0]!.cells).toEqual(['12345678', '55,93']);
  });

  it('refuses an unclosed quote with its line', () => {
    expect(() => parseCsv('phone,name\n1,"open\n')).toThrow(/line 2/);
  });

  it('round-trips any cells through toCsv', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string().filter((s) => !/^[=+\-@\t\r']/.test(s) && s.trim() === s), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const parsed = parseCsv(toCsv(['a', 'b'], rows));
        const cells = parsed.rows.map((r) => r.cells);
        const expected = rows.filter((r) => !(r.length === 1 && r[0] === ''));
        expect(cells).toEqual(expected);
      }),
    );
  });

  it('neutralises spreadsheet formulas but keeps phone numbers and negative numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+4512345678')).toBe('+4512345678');
    expect(csvCell(-12.5)).toBe('-12.5');
  });
});
