import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../shared/phone';

/** The full parse, without the per-prefix shortcut normalizePhone takes for Danish numbers. */
function fullParse(national: string): boolean {
  const p = parsePhoneNumberFromString(`+45${national}`);
  if (!p?.isValid()) return false;
  const type = p.getType();
  return !['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'UAN', 'VOICEMAIL'].includes(type ?? '');
}

describe('the Danish prefix shortcut', () => {
  it('agrees with the full parse for every 3-digit prefix, whatever the last five digits', () => {
    const tails = ['00000', '00001', '12345', '50000', '98765', '99999'];
    for (let prefix = 200; prefix <= 999; prefix++) {
      for (const tail of tails) {
        const national = `${prefix}${tail}`;
        const r = normalizePhone(national);
        expect(r.ok, national).toBe(fullParse(national));
        if (r.ok) expect(r.e164).toBe(`+45${national}`);
      }
    }
  });
});
