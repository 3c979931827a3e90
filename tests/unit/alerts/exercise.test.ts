import { describe, expect, it } from 'vitest';
import { isExercise, smsAsSent } from '../../../shared/alerts/exercise';
import { analyzeSms } from '../../../shared/sms';

describe('exercise alerts', () => {
  it('prefix the SMS with ØVELSE in Danish and EXERCISE in English, and nothing else', () => {
    expect(smsAsSent({ smsText: 'Politiet: Indbrud.', capStatus: 'Exercise', language: 'da' })).toBe('ØVELSE: Politiet: Indbrud.');
    expect(smsAsSent({ smsText: 'Police: Burglary.', capStatus: 'Exercise', language: 'en' })).toBe('EXERCISE: Police: Burglary.');
    for (const capStatus of ['Actual', 'Test', 'Draft'] as const) {
      expect(smsAsSent({ smsText: 'Politiet: Indbrud.', capStatus, language: 'da' })).toBe('Politiet: Indbrud.');
      expect(isExercise({ capStatus })).toBe(false);
    }
  });

  it('keep a GSM-7 text in GSM-7 (Ø is in the basic alphabet), so the prefix costs characters, not the encoding', () => {
    const sent = analyzeSms(smsAsSent({ smsText: 'x'.repeat(152), capStatus: 'Exercise', language: 'da' }));
    expect(sent.encoding).toBe('GSM-7');
    expect(sent.segments).toBe(1);
    expect(analyzeSms(smsAsSent({ smsText: 'x'.repeat(153), capStatus: 'Exercise', language: 'da' })).segments).toBe(2);
  });
});
