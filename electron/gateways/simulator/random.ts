/**
 * Deterministic randomness for the simulator. A recipient's fate is a hash of the seed and
 * the number, not a draw from a sequence, so it does not depend on the order or concurrency
 * of submits, and a retried message meets the same fate (an invalid number stays invalid).
 */

/** A uniform number in [0, 1) from a seed and a key (FNV-1a, then murmur3's finaliser). */
export function hashUniform(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** mulberry32: a small seeded generator for jitter, where only reproducibility matters. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
