import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../shared/registry/csv';
import { parseCsvTable, recordsFromText } from '../../../electron/registry/files';

const parse = (text: string) => parseCsvTable(text, 'f.csv');

describe('CSV import (csv-parse, strict)', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM, with line numbers', () => {
    const t = parse('\ufeffPhone,Name\r\n12345678,"Hansen, ""Bo"""\r\n\r\n87654321,"Ib; ""x"""\r\n11223344,x');
    expect(t.header).toEqual(['phone', 'name']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['12345678', 'Hansen, "Bo"'] },
      { line: 4, cells: ['87654321', 'Ib; "x"'] },
      { line: 5, cells: ['11223344', 'x'] },
    ]);
  });

  it("detects Danish Excel's semicolons", () => {
    expect(parse('phone;home_lat\n12345678;55,93\n').rows[0]!.cells).toEqual(['12345678', '55,93']);
  });

  // Before csv-parse: the open quote ran on, the next people became part of one person's
  // consent_method, and the import reported every row imported.
  it('refuses an unbalanced quote, naming its line, instead of swallowing the next people', () => {
    const file = ['phone,name,consent_method', '20123456,Anna,web', '20123457,Bo,"web', '20123458,Carl,web', '20123459,Dorte,web'].join('\n');
    expect(() => recordsFromText(file, 'csv', 'f.csv')).toThrow(/f\.csv: line 3 opens a quoted field it does not close.*nothing was imported/);
  });

  it('refuses a quoted field that spans lines, with its lines', () => {
    const file = ['phone,name,consent_method', '20123456,"Anna', '20123457",web', '20123458,Carl,web'].join('\n');
    expect(() => recordsFromText(file, 'csv', 'f.csv')).toThrow(/line 2 opens a quoted field it does not close/);
  });

  it('refuses a row with more or fewer cells than the header, with its line', () => {
    expect(() => recordsFromText('phone,name\n20123456,Anna\n20123457,Bo,extra\n', 'csv', 'f.csv')).toThrow(/line 3 has a different number of cells than the header \(3, not 2\)/);
    expect(() => recordsFromText('phone,name\n20123456\n', 'csv', 'f.csv')).toThrow(/line 2 has a different number of cells/);
  });

  it('refuses a quote closing mid-field, an over-long record, NUL bytes and text that was not UTF-8', () => {
    expect(() => recordsFromText('phone,name\n20123456,"An"na\n', 'csv', 'f.csv')).toThrow(/line 2: a quote closes in the middle of a field/);
    expect(() => recordsFromText(`phone,name\n20123456,${'x'.repeat(70_000)}\n`, 'csv', 'f.csv')).toThrow(/line 2 is longer than 65536 characters/);
    expect(() => recordsFromText('phone,name\n20123456,An\0na\n', 'csv', 'f.csv')).toThrow(/line 2 holds a NUL byte/);
    // What a browser makes of Windows-1252 "Søren" read as UTF-8.
    expect(() => recordsFromText('phone,name\n20123456,S\ufffdren\n', 'json', 'f.json')).toThrow(/not UTF-8 text.*CSV UTF-8/);
  });

  it('round-trips any single-line cells through toCsv', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string().filter((s) => !/^[=+\-@\t\r']/.test(s) && s.trim() === s && !/[\u0000-\u001f\ufffd]/.test(s)), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const parsed = parse(toCsv(['a', 'b'], rows));
        const cells = parsed.rows.map((r) => r.cells);
        expect(cells).toEqual(rows);
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
