import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alternativeIds,
  parseReceipt,
  parseReceiptDate,
  parseReceiptText,
  stateOfStat,
} from '../../../electron/gateways/smpp/receipt';

const standard =
  'id:0123456789 sub:001 dlvrd:001 submit date:2611240355 done date:2611240356 stat:DELIVRD err:000 text:Rigspolitiet adv';

describe('parseReceiptText', () => {
  it('reads every field of the SMPP 3.4 Appendix B form', () => {
    expect(parseReceiptText(standard)).toEqual({
      id: '0123456789',
      sub: 1,
      dlvrd: 1,
      submittedAt: new Date(Date.UTC(2026, 10, 24, 3, 55)),
      doneAt: new Date(Date.UTC(2026, 10, 24, 3, 56)),
      stat: 'DELIVRD',
      err: '000',
    });
  });

  it('is case-insensitive in names and values', () => {
    const parsed = parseReceiptText('ID:abc123 SUB:001 DLVRD:000 SUBMIT DATE:2611240355 DONE DATE:2611240356 STAT:undeliv ERR:001 TEXT:x');
    expect(parsed).toMatchObject({ id: 'abc123', stat: 'UNDELIV', err: '001', dlvrd: 0 });
    expect(parsed.doneAt).toEqual(new Date(Date.UTC(2026, 10, 24, 3, 56)));
  });

  it('accepts 12-digit dates with seconds and underscore field names', () => {
    const parsed = parseReceiptText('id:7 submit_date:261124035501 done_date:261124035659 stat:EXPIRED');
    expect(parsed.submittedAt).toEqual(new Date(Date.UTC(2026, 10, 24, 3, 55, 1)));
    expect(parsed.doneAt).toEqual(new Date(Date.UTC(2026, 10, 24, 3, 56, 59)));
  });

  it('tolerates missing fields and extra spaces', () => {
    expect(parseReceiptText('id:42   stat:DELIVRD')).toEqual({ id: '42', stat: 'DELIVRD' });
    expect(parseReceiptText('stat:DELIVRD')).toEqual({ stat: 'DELIVRD' });
    expect(parseReceiptText('')).toEqual({});
    expect(parseReceiptText('id: 42 stat: ACCEPTD')).toEqual({ id: '42', stat: 'ACCEPTD' });
  });

  it('never reads fields out of the message text after text:', () => {
    const parsed = parseReceiptText('id:1 stat:UNDELIV err:005 text:id:999 stat:DELIVRD err:000');
    expect(parsed).toMatchObject({ id: '1', stat: 'UNDELIV', err: '005' });
  });

  it('does not mistake a field name inside another word for the field', () => {
    expect(parseReceiptText('xid:5 id:6').id).toBe('6');
    expect(parseReceiptText('substat:DELIVRD').stat).toBeUndefined();
  });

  it('drops values that are not what the field holds', () => {
    const parsed = parseReceiptText(`id:${'9'.repeat(65)} sub:abc dlvrd:-1 submit date:26112403 done date:2613240356 stat:DELIV-RD err:0x0!`);
    expect(parsed).toEqual({});
  });
});

describe('parseReceiptDate', () => {
  it.each([
    ['2602281200', new Date(Date.UTC(2026, 1, 28, 12, 0))],
    ['2402291200', new Date(Date.UTC(2024, 1, 29, 12, 0))],
    ['991231235959', new Date(Date.UTC(2099, 11, 31, 23, 59, 59))],
  ])('reads %s', (value, date) => {
    expect(parseReceiptDate(value)).toEqual(date);
  });

  it.each(['2602291200', '2613011200', '2600011200', '2601012400', '2601011260', '260101120060', '26010112', '26010112000', 'abcdefghij', undefined])(
    'rejects %s',
    (value) => {
      expect(parseReceiptDate(value)).toBeUndefined();
    },
  );
});

describe('stat words', () => {
  it.each([
    ['DELIVRD', 'delivered', true],
    ['EXPIRED', 'expired', true],
    ['DELETED', 'failed', true],
    ['UNDELIV', 'failed', true],
    ['ACCEPTD', 'accepted', true],
    ['UNKNOWN', 'unknown', true],
    ['REJECTD', 'failed', true],
    ['ENROUTE', 'enroute', false],
    ['delivrd', 'delivered', true],
    ['BUFFRED', 'enroute', false],
    ['SOMETHNG', 'unknown', false],
  ] as const)('%s → %s (final %s)', (stat, state, final) => {
    expect(stateOfStat(stat)).toEqual({ state, final });
  });
});

describe('parseReceipt', () => {
  it('builds a receipt from the text form', () => {
    expect(parseReceipt({ text: standard })).toEqual({
      messageId: '0123456789',
      altMessageIds: expect.arrayContaining(['75bcd15', '123456789']),
      state: 'delivered',
      final: true,
      stat: 'DELIVRD',
      errorCode: '000',
      submittedAt: new Date(Date.UTC(2026, 10, 24, 3, 55)),
      doneAt: new Date(Date.UTC(2026, 10, 24, 3, 56)),
    });
  });

  it('prefers the TLVs over the text when both are there', () => {
    const receipt = parseReceipt({ text: standard, receiptedMessageId: 'A1B2\0', messageState: 5 });
    expect(receipt).toMatchObject({ messageId: 'A1B2', state: 'failed', stat: 'UNDELIV', final: true });
    // Dates only exist in the text and are still read.
    expect(receipt?.doneAt).toEqual(new Date(Date.UTC(2026, 10, 24, 3, 56)));
  });

  it('works from TLVs alone', () => {
    expect(parseReceipt({ receiptedMessageId: 'abc', messageState: 2 })).toMatchObject({ messageId: 'abc', state: 'delivered', final: true });
    expect(parseReceipt({ receiptedMessageId: 'abc', messageState: 1 })).toMatchObject({ state: 'enroute', final: false });
    expect(parseReceipt({ receiptedMessageId: 'abc', messageState: 3 })).toMatchObject({ state: 'expired' });
    expect(parseReceipt({ receiptedMessageId: 'abc', messageState: 8 })).toMatchObject({ state: 'failed', stat: 'REJECTD' });
    expect(parseReceipt({ receiptedMessageId: 'abc' })).toMatchObject({ state: 'unknown', final: false });
  });

  it('falls back to the text when a TLV is unusable', () => {
    expect(parseReceipt({ text: standard, receiptedMessageId: '', messageState: 200 })).toMatchObject({
      messageId: '0123456789',
      state: 'delivered',
    });
  });

  it('formats network_error_code as type:code and prefers it to err:', () => {
    expect(parseReceipt({ text: standard, networkErrorCode: Uint8Array.of(3, 0x00, 0x22) })?.errorCode).toBe('3:34');
    expect(parseReceipt({ text: standard, networkErrorCode: Uint8Array.of(3) })?.errorCode).toBe('000');
  });

  it('returns null when no id can be found', () => {
    expect(parseReceipt({ text: 'stat:DELIVRD' })).toBeNull();
    expect(parseReceipt({})).toBeNull();
    expect(parseReceipt({ text: 'id:\u0000\u0001 stat:DELIVRD' })).toBeNull();
  });

  it('survives hostile input without throwing or hanging', () => {
    const hostile = [
      'id:' + 'A'.repeat(100_000),
      'id:1 '.repeat(50_000),
      'stat:'.repeat(10_000),
      '\u0000'.repeat(1000),
      'id:1 stat:DELIVRD\u0000text:',
      'id:1 done date:9999999999 stat:DELIVRD',
      'id:💥 stat:💥',
      'id:1 stat:__proto__',
      'id:1 stat:constructor',
    ];
    for (const text of hostile) {
      const start = performance.now();
      const receipt = parseReceipt({ text });
      expect(performance.now() - start).toBeLessThan(200);
      if (receipt) expect(receipt.messageId.length).toBeLessThanOrEqual(64);
    }
    expect(parseReceipt({ text: 'id:1 stat:__proto__' })).toMatchObject({ state: 'unknown', final: false });
    expect(parseReceipt({ text: 'id:1 stat:constructor' })).toMatchObject({ state: 'unknown', final: false });
  });

  it('never throws, and any id it returns is short printable ASCII (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.option(fc.string({ maxLength: 80 })), fc.option(fc.integer({ min: -5, max: 300 })), (text, tlvId, state) => {
        const receipt = parseReceipt({ text, receiptedMessageId: tlvId ?? undefined, messageState: state ?? undefined });
        if (receipt) expect(receipt.messageId).toMatch(/^[\x21-\x7e]{1,64}$/);
      }),
    );
  });
});

describe('alternativeIds', () => {
  it('offers the hex form of a decimal id and the decimal form of a hex id', () => {
    expect(alternativeIds('255')).toEqual(expect.arrayContaining(['ff', 'FF', '597']));
    expect(alternativeIds('1A2B')).toEqual(expect.arrayContaining(['6699', '1a2b']));
    expect(alternativeIds('1A2B')).not.toContain('1A2B');
  });

  it('offers the id without zero padding', () => {
    expect(alternativeIds('000123')).toContain('123');
  });

  it('offers nothing for ids that are neither number nor too long', () => {
    expect(alternativeIds('msg-42x')).toEqual([]);
    expect(alternativeIds('9'.repeat(40))).toEqual([]);
  });
});
