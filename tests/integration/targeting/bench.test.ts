import { describe, expect, it } from 'vitest';
import { runTargetingBench } from '../../../electron/bench/targeting';

/**
 * `tryk bench targeting` is where the figures come from: a tiny run keeps it working
 * as the bridge and the console change (a run once waited forever on a refused connection).
 * Behaviour only: every count over the bridge equals the in-process count; no timing is asserted.
 */
describe('tryk bench targeting (tiny run)', () => {
  it('runs every part and the bridge counts what the index counts', async () => {
    const lines: string[] = [];
    await runTargetingBench({ sizes: [3000], runs: 3, sendRecipients: 3000, sendWindowMs: 300, print: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/snapshot counts equal the build's: yes/);
    const bridgeRows = lines.slice(lines.findIndex((l) => l.startsWith('bridge round trip')) + 1).filter((l) => /^\(\w\) /.test(l));
    expect(bridgeRows).toHaveLength(4);
    for (const row of bridgeRows) expect(row).toMatch(/ yes \(/);
    expect(text).toMatch(/bridge autosave while counts run back to back: p50 [\d.]+ ms/);
    expect(text).toMatch(/console start after the import: [\d.]+ s \(index from the snapshot\)/);
  }, 240_000);
});
