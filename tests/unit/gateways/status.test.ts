import { describe, expect, it } from 'vitest';
import { classifyStatus, statusOf } from '../../../electron/gateways/smpp/status';

describe('SMPP command_status classification', () => {
  it.each([
    [0x58, 'ESME_RTHROTTLED'],
    [0x14, 'ESME_RMSGQFUL'],
    [0x08, 'ESME_RSYSERR'],
    [0x45, 'ESME_RSUBMITFAIL'],
    [0x64, 'ESME_RX_T_APPN'],
    [0x04, 'ESME_RINVBNDSTS'],
    [0xff, 'ESME_RUNKNOWNERR'],
  ])('0x%s is temporary (%s)', (status, code) => {
    expect(classifyStatus(status)).toMatchObject({ code, temporary: true });
  });

  it.each([
    [0x0b, 'ESME_RINVDSTADR', 'recipient'],
    [0x50, 'ESME_RINVDSTTON', 'recipient'],
    [0x51, 'ESME_RINVDSTNPI', 'recipient'],
    [0x65, 'ESME_RX_P_APPN', 'recipient'],
    [0x66, 'ESME_RX_R_APPN', 'recipient'],
    [0x01, 'ESME_RINVMSGLEN', 'message'],
    [0x62, 'ESME_RINVEXPIRY', 'message'],
    [0x104, 'ESME_RINVDCS', 'message'],
    [0x0a, 'ESME_RINVSRCADR', 'gateway'],
    [0x0d, 'ESME_RBINDFAIL', 'gateway'],
    [0x0e, 'ESME_RINVPASWD', 'gateway'],
  ])('0x%s is permanent (%s, about the %s)', (status, code, scope) => {
    expect(classifyStatus(status)).toMatchObject({ code, temporary: false, scope });
  });

  it('treats vendor-specific and unknown statuses as temporary with a readable code', () => {
    expect(classifyStatus(0x400)).toEqual({
      code: 'SMPP_STATUS_0x00000400',
      temporary: true,
      scope: 'gateway',
      reason: 'SMSC vendor-specific error 0x00000400',
    });
    expect(classifyStatus(0x09).reason).toMatch(/Unknown SMPP status 0x00000009/);
  });

  it('maps names back to numbers, for the test SMSC and logs', () => {
    expect(statusOf('ESME_RTHROTTLED')).toBe(0x58);
    expect(statusOf('ESME_NOPE')).toBeUndefined();
    // Every name round-trips, so the table has no duplicate names or numbers.
    for (let status = 0; status < 0x200; status++) {
      const info = classifyStatus(status);
      if (!info.code.startsWith('SMPP_STATUS_')) expect(statusOf(info.code)).toBe(status);
    }
  });
});
