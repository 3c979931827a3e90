import { describe, expect, it } from 'vitest';
import { chooseVariant } from '../../../electron/dispatch/release';
import { smsTextsAsSent } from '../../../shared/alerts/exercise';

describe('which text a recipient gets', () => {
  const en = [{ language: 'en' as const, text: 'Police: burglary.' }];

  it("is the variant in their registered language, else the send's own text", () => {
    expect(chooseVariant('en', en)).toBe(1);
    expect(chooseVariant('da', en)).toBe(0);
    expect(chooseVariant(null, en)).toBe(0); // no language: Danish, the send's own
    expect(chooseVariant(undefined, en)).toBe(0);
    expect(chooseVariant('en', undefined)).toBe(0); // a one-language send
    expect(chooseVariant('en', [])).toBe(0);
    expect(chooseVariant('da', [{ language: 'da', text: 'Politiet: indbrud.' }])).toBe(1); // an English alert with a Danish text
  });
});

describe("an alert's texts as sent", () => {
  it('is its own language first, the other when written, each with its exercise prefix', () => {
    const alert = { smsText: 'Politiet: Indbrud.', smsTextOther: 'Police: Burglary.', language: 'da' as const, capStatus: 'Actual' as const };
    expect(smsTextsAsSent(alert)).toEqual([
      { language: 'da', text: 'Politiet: Indbrud.' },
      { language: 'en', text: 'Police: Burglary.' },
    ]);
    expect(smsTextsAsSent({ ...alert, capStatus: 'Exercise' })).toEqual([
      { language: 'da', text: 'ØVELSE: Politiet: Indbrud.' },
      { language: 'en', text: 'EXERCISE: Police: Burglary.' },
    ]);
    expect(smsTextsAsSent({ ...alert, language: 'en', smsText: 'Police: x', smsTextOther: 'Politiet: x', capStatus: 'Exercise' })).toEqual([
      { language: 'en', text: 'EXERCISE: Police: x' },
      { language: 'da', text: 'ØVELSE: Politiet: x' },
    ]);
    // Blank is no second text.
    expect(smsTextsAsSent({ ...alert, smsTextOther: '  ' })).toEqual([{ language: 'da', text: 'Politiet: Indbrud.' }]);
  });
});
