import { describe, expect, it } from 'vitest';
import { relativeValidity } from '../../../electron/gateways/smpp/connector';

describe('relativeValidity', () => {
  it.each([
    [1, '000000000100000R'],
    [90, '000000013000000R'],
    [1440, '000001000000000R'],
    [2 * 1440 + 3 * 60 + 4, '000002030400000R'],
    [99 * 1440, '000099000000000R'],
  ])('%i minutes → %s (SMPP 3.4 relative time)', (minutes, expected) => {
    expect(relativeValidity(minutes)).toBe(expected);
    expect(relativeValidity(minutes)).toHaveLength(16);
  });
});
