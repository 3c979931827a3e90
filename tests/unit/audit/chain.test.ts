import { describe, expect, it } from 'vitest';
import { canonicalEntry, canonicalJson, entryHash, GENESIS_HASH } from '../../../electron/audit/chain';
import type { ChainFields } from '../../../electron/audit/chain';

const entry: ChainFields = {
  seq: 1,
  at: '2026-11-24T09:00:00.000Z',
  officer: 'anna',
  action: 'sign_in',
  subject: null,
  details: '{"ip":"local"}',
  prev_hash: GENESIS_HASH,
};

describe('the audit hash chain', () => {
  it('hashes a fixed serialisation, so stored hashes stay valid across versions of the code', () => {
    expect(canonicalEntry(entry)).toBe('["tryk-audit-v1",1,"2026-11-24T09:00:00.000Z","anna","sign_in",null,"{\\"ip\\":\\"local\\"}","' + '0'.repeat(64) + '"]');
    expect(entryHash(entry)).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...entry })).toBe(entryHash(entry));
  });

  it('changes the hash when any one field changes', () => {
    const variants: ChainFields[] = [
      { ...entry, seq: 2 },
      { ...entry, at: '2026-11-24T09:00:00.001Z' },
      { ...entry, officer: null },
      { ...entry, officer: 'Anna' },
      { ...entry, action: 'sign_out' },
      { ...entry, subject: '' },
      { ...entry, details: '{"ip": "local"}' },
      { ...entry, details: null },
      { ...entry, prev_hash: 'f'.repeat(64) },
    ];
    const hashes = new Set([entryHash(entry), ...variants.map(entryHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('cannot be fooled by moving text between fields', () => {
    // With naive concatenation these two would serialise the same.
    expect(entryHash({ ...entry, officer: 'an', action: 'nasign_in' })).not.toBe(entryHash({ ...entry, officer: 'anna', action: 'sign_in' }));
    expect(entryHash({ ...entry, subject: 'null' })).not.toBe(entryHash({ ...entry, subject: null }));
  });

  it('writes details with sorted keys at every level and without undefined members', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: { y: undefined, x: 'æ' } })).toBe('{"a":{"x":"æ"},"b":[{"a":2,"z":1}]}');
  });
});
