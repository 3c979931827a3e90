import { describe, expect, it } from 'vitest';
import { toRecord, validateRecord, validateRecords } from '../../../shared/registry/subscriber';

const groups = new Set(['citizen', 'taxi']);
const ok = (record: Record<string, unknown>) => {
  const r = validateRecord(record, groups);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
const refused = (record: Record<string, unknown>) => {
  const r = validateRecord(record, groups);
  if (r.ok) throw new Error('accepted');
  return r.problem.code;
};

describe('validateRecord', () => {
  it('normalises a Danish number and fills defaults', () => {
    expect(ok({ phone: '20 12 34 56', home_lat: '55,9270', home_lon: '12.311' })).toMatchObject({
      phone: '+4520123456',
      language: 'da',
      status: 'active',
      groups: ['citizen'],
      categories: [],
      places: [{ kind: 'home', lat: 55.927, lon: 12.311, address: null }],
    });
  });

  it('reads nested places and lists from JSON', () => {
    const v = ok({
      phone: '+4520123456',
      groups: ['taxi', 'citizen'],
      categories: ['burglary'],
      places: [
        { kind: 'home', lat: 55.9, lon: 12.3, address: 'Slotsgade 1' },
        { kind: 'work', lat: 55.6, lon: 12.5 },
      ],
      quiet_start: '22:00',
      quiet_end: '07:00',
    });
    expect(v.places).toHaveLength(2);
    expect([v.quietStart, v.quietEnd]).toEqual([1320, 420]);
  });

  it.each([
    [{}, 'phone_missing'],
    [{ phone: 'call me' }, 'phone_invalid'],
    [{ phone: '20123456', status: 'deleted' }, 'bad_status'],
    [{ phone: '20123456', language: 'de' }, 'bad_language'],
    [{ phone: '20123456', groups: 'pirates' }, 'unknown_group'],
    [{ phone: '20123456', categories: 'gossip' }, 'unknown_category'],
    [{ phone: '20123456', quiet_start: '22:00' }, 'bad_quiet_hours'],
    [{ phone: '20123456', quiet_start: '25:00', quiet_end: '07:00' }, 'bad_quiet_hours'],
    [{ phone: '20123456', home_lat: '55.9' }, 'bad_place'],
    [{ phone: '20123456', home_lat: '95', home_lon: '12' }, 'bad_place'],
    [{ phone: '20123456', home_lat: 'NaN', home_lon: '12' }, 'bad_place'],
    [{ phone: '20123456', places: [{ kind: 'castle', lat: 55, lon: 12 }] }, 'bad_place'],
    [{ phone: '20123456', consent_at: 'yesterday' }, 'bad_consent_time'],
    [{ phone: '20123456', name: 'x'.repeat(201) }, 'too_long'],
    [{ __invalid: true }, 'bad_row'],
    // Found by the hostile-input campaign: all accepted before.
    [{ phone: '20123456', home_lat: '0x37', home_lon: '12' }, 'bad_place'],
    [{ phone: '20123456', home_lat: '5.5e1', home_lon: '12' }, 'bad_place'],
    [{ phone: '20123456', home_lat: '12.3', home_lon: '55.9' }, 'bad_place'],
    [{ phone: '20123456', home_lat: '40.7', home_lon: '-74' }, 'bad_place'],
    [{ phone: '20123456', name: 'An\u0000na' }, 'bad_row'],
    [{ phone: '20123456', consent_method: 'web'.repeat(40) }, 'too_long'],
    [{ phone: '20123456', consent_text_version: 'v'.repeat(65) }, 'too_long'],
    [{ phone: '20123456', some_other_column: 'x'.repeat(1001) }, 'too_long'],
  ])('refuses %j with %s', (record, code) => {
    expect(refused(record)).toBe(code);
  });

  it('says when latitude and longitude are swapped, and where Denmark is', () => {
    const r = validateRecord({ phone: '20123456', home_lat: '12,3', home_lon: '55,9' }, groups);
    expect(!r.ok && r.problem.message).toMatch(/swapped/);
    const far = validateRecord({ phone: '20123456', home_lat: 48.1, home_lon: 11.6 }, groups);
    expect(!far.ok && far.problem.message).toMatch(/not in Denmark/);
    expect(ok({ phone: '20123456', home_lat: '55,1', home_lon: '15,1' }).places[0]).toMatchObject({ lat: 55.1, lon: 15.1 }); // Bornholm
  });

  it('refuses the second row with the same number, naming the first', () => {
    const { accepted, rejected } = validateRecords(
      [
        { row: 2, record: { phone: '20123456' } },
        { row: 3, record: { phone: '+45 20 12 34 56' } },
      ],
      groups,
    );
    expect(accepted).toHaveLength(1);
    expect(rejected).toEqual([{ row: 3, code: 'duplicate_phone', field: 'phone', message: 'the same phone number as row 2' }]);
  });

  it('exports a record that validates back to the same subscriber', () => {
    const v = ok({ phone: '20123456', name: 'Bo', groups: 'taxi', quiet_start: '22:30', quiet_end: '06:00', home_lat: 55.9, home_lon: 12.3, work_lat: 55.6, work_lon: 12.5 });
    expect(ok(toRecord(v))).toEqual(v);
  });
});
