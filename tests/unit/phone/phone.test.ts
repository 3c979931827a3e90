import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../../shared/phone';

describe('normalizePhone: Danish numbers', () => {
  it.each([
    ['20123456'],
    ['20 12 34 56'],
    ['2012 3456'],
    ['20-12-34-56'],
    ['20.12.34.56'],
    ['  20 12 34 56\n'],
    ['\u00a020\u00a012\u00a034\u00a056'],
    ['20–12–34–56'],
    ['+4520123456'],
    ['+45 20 12 34 56'],
    ['+45-20-12-34-56'],
    ['(+45) 20 12 34 56'],
    ['0045 20123456'],
    ['00 45 20 12 34 56'],
    ['4520123456'],
    ['45 20 12 34 56'],
  ])('reads %j as +4520123456', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164: '+4520123456' });
  });

  it('takes eight digits as a Danish number even when they start with 45', () => {
    expect(normalizePhone('45201234')).toEqual({ ok: true, e164: '+4545201234' });
    expect(normalizePhone('45 20 12 34', 'DK')).toEqual({ ok: true, e164: '+4545201234' });
  });

  it.each([['31415926'], ['40404040'], ['61234567'], ['71234567'], ['81234567'], ['91234567'], ['28000000']])(
    'accepts the fixed-or-mobile number %s',
    (input) => {
      expect(normalizePhone(input)).toEqual({ ok: true, e164: `+45${input}` });
    },
  );

  it.each([
    ['12345678', 'no Danish subscriber number starts with 1'],
    ['20012345', 'the 200 block is not allocated'],
    ['37123456', 'the 37 block is not allocated'],
    ['01234567', 'Danish numbers have no trunk 0'],
  ])('refuses %s as invalid: %s', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([['80123456'], ['+45 80 12 34 56'], ['90123456']])('refuses the toll-free or premium-rate number %s', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it.each([['2012345'], ['112'], ['+45 2012345'], ['452012345']])('refuses the short %s as invalid', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([['201234567'], ['+45 201234567'], ['0045 2012 345 678'], ['2012345678901234567890'], ['2'.repeat(300)]])(
    'refuses %s as too long',
    (input) => {
      expect(normalizePhone(input)).toEqual({ ok: false, reason: 'too_long' });
    },
  );
});

describe('normalizePhone: foreign numbers', () => {
  it.each([
    ['+46 70 123 45 67', '+46701234567'],
    ['0046 701234567', '+46701234567'],
    ['+49 1512 3456789', '+4915123456789'],
    ['+47 412 34 567', '+4741234567'],
    ['+44 7911 123456', '+447911123456'],
    ['+298 211234', '+298211234'],
    ['+299 55 12 34', '+299551234'],
  ])('accepts the mobile number %s', (input, e164) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164 });
  });

  it.each([['+46 8 123 456 78'], ['+44 20 7123 4567']])('refuses the fixed-line-only number %s', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it('does not guess a foreign country without + or 00', () => {
    expect(normalizePhone('46701234567').ok).toBe(false);
  });
});

describe('normalizePhone: what is not a number', () => {
  it.each([[''], ['   '], ['\t\n'], [' - . '], ['()']])('calls %j empty', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    ['abc'],
    ['2012345a'],
    ['20 12 34 56 ext 5'],
    ['20123456;ext=5'],
    ['+45 20 12 34 56 x12'],
    ['1-800-FLOWERS'],
    ['++4520123456'],
    ['45+20123456'],
    ['+'],
    ['20/12/34/56'],
    ['２０１２３４５６'],
    ['tel:+4520123456'],
    ['jens@example.dk'],
  ])('refuses %j as invalid', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('never throws and only answers with E.164 or a reason, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('0', '2', '4', '5', '9', '+', ' ', '-', '.') })),
        (input) => {
          const result = normalizePhone(input);
          if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
          else expect(['empty', 'invalid', 'not_mobile', 'too_long']).toContain(result.reason);
        },
      ),
    );
  });

  it('is idempotent: its own output reads back as itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{7}$/), (national) => {
        const result = normalizePhone(national);
        if (result.ok) expect(normalizePhone(result.e164)).toEqual(result);
      }),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['+4520123478', '+45 •• •• •• 78'],
    ['+46701234567', '+46 •• ••• •• 67'],
    ['+4915123456789', '+49 •••• •••••89'],
    ['+4512345678', '+45 ••••••78'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it('keeps nothing but the last two digits of something that is not E.164', () => {
    expect(maskPhone('Jens Hansen, 20 12 34 56')).toBe('••••••56');
    expect(maskPhone('20123456')).toBe('••••••56');
    expect(maskPhone('4')).toBe('••');
    expect(maskPhone('+4407911123456')).toBe('•••••••••••56');
    expect(maskPhone('')).toBe('••');
  });

  it('never shows more than the country code and two digits of a valid number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{7}$/), (national) => {
        const result = normalizePhone(national);
        if (!result.ok) return;
        const masked = maskPhone(result.e164);
        expect(masked.startsWith('+45 ')).toBe(true);
        expect(masked.slice(3).replace(/\D/g, '')).toBe(national.slice(-2));
        expect(masked.match(/•/g)).toHaveLength(6);
      }),
    );
  });
});
