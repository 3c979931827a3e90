import { TrykError } from '../../shared/bridge/result';
import type { AreaResult } from '../../shared/targeting/compile';

/** Density cells with fewer places than this are never sent to the renderer. */
export const DENSITY_MIN_COUNT = 5;

/** Targeting errors are the officer's to fix (a bowtie, an unknown postcode): a bad request with the reason. */
export function unwrapArea<T>(r: AreaResult<T>): T {
  if (!r.ok) throw new TrykError('bad_request', r.error.message, { area: r.error.code });
  return r.value;
}
