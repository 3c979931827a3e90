/**
 * `tryk bench import`: how long importing a subscriber file takes (issue 3: 100,000 rows in
 * seconds, not minutes), split into reading, validating and writing, and a re-import that
 * updates every row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordsFromText } from '../registry/files';
import { registryService } from '../registry/service';
import { createStore } from '../store/store';
import { validateRecords } from '../../shared/registry/subscriber';

export interface ImportBenchOptions {
  rows: number[];
  print: (line: string) => void;
}

/** A CSV like a municipality's export: Danish separators, decimal commas, two places for some. */
export function syntheticCsv(rows: number, seed = 1): string {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['phone;name;groups;categories;quiet_start;quiet_end;home_lat;home_lon;home_address;work_lat;work_lon'];
  for (let i = 0; i < rows; i++) {
    const phone = `${26 + (i % 3)} ${String(Math.floor(i / 3)).padStart(6, '0').replace(/(\d\d)(\d\d)(\d\d)/, '$1 $2 $3')}`;
    const lat = (55.6 + rnd() * 0.5).toFixed(6).replace('.', ',');
    const lon = (12.0 + rnd() * 0.6).toFixed(6).replace('.', ',');
    const work = rnd() < 0.3 ? `${(55.6 + rnd() * 0.2).toFixed(6)};${(12.4 + rnd() * 0.2).toFixed(6)}` : ';';
    lines.push(`${phone};Borger ${i};${rnd() < 0.05 ? 'citizen|taxi' : 'citizen'};burglary|fraud;${rnd() < 0.2 ? '22:00;07:00' : ';'};${lat};${lon};Skolevej ${i % 120};${work}`);
  }
  return lines.join('\n');
}

export async function runImportBench(opts: ImportBenchOptions): Promise<void> {
  const { print } = opts;
  print('rows        read CSV   validate   import (all or nothing)   re-import (update)   rows/s');
  for (const n of opts.rows) {
    const dir = mkdtempSync(join(tmpdir(), 'tryk-bench-import-'));
    try {
      const store = await createStore({ dataDir: join(dir, 'data'), key: { kind: 'passphrase', passphrase: 'benchmark passphrase' }, kdf: 'fast' });
      const registry = registryService(store.db);
      const csv = syntheticCsv(n);
      let t = performance.now();
      const records = recordsFromText(csv, 'csv', 'bench.csv');
      const read = performance.now() - t;
      t = performance.now();
      const checked = validateRecords(records, new Set(['citizen', 'taxi']));
      const validate = performance.now() - t;
      if (checked.rejected.length) throw new Error(`the synthetic file has ${checked.rejected.length} bad rows: ${checked.rejected[0]?.message}`);
      t = performance.now();
      const first = await registry.importRecords(records, 'all_or_nothing', { officer: null, via: 'cli' });
      const imported = performance.now() - t;
      t = performance.now();
      const second = await registry.importRecords(records, 'all_or_nothing', { officer: null, via: 'cli' });
      const reimported = performance.now() - t;
      if (first.created !== n || second.updated !== n) throw new Error('the import did not take every row');
      await store.close();
      const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
      print(
        `${n.toLocaleString('en').padEnd(11)} ${s(read).padStart(8)} ${s(validate).padStart(10)} ${s(imported).padStart(25)} ${s(reimported).padStart(20)} ${Math.round(n / (imported / 1000)).toLocaleString('en').padStart(8)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  print('(import includes reading and validating again; every row is validated, normalised and written in one transaction)');
}
