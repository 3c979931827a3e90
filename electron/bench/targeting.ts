/**
 * `tryk bench targeting`: the figures issues 3 and 14 ask for. Synthetic subscribers for the
 * whole country (so Nordsjælland has its real share of the density), written into a real
 * SQLCipher store, the index built back from it, then each shape counted by the index and
 * by a naive full scan on this thread; then the same store behind a running console, counted
 * over its WebSocket bridge idle, during a large send and beside autosaves (./bridge.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../store/store';
import { buildIndexFromStore } from '../targeting/fromStore';
import { readSnapshot, registryVersion, saveIndex } from '../targeting/snapshot';
import { PlaceIndex } from '../targeting/placeIndex';
import { compileArea } from '../../shared/targeting/compile';
import { TargetingEngine } from '../targeting/engine';
import { boundaryResolver, districtByName, loadBundledBoundaries, loadDagiBoundaries } from '../demo/dagi';
import { insertSubscribers, synthesizeSubscribers } from '../demo/synthesize';
import type { TargetArea, TargetFilter } from '../../shared/targeting/area';
import type { Position } from '../../shared/geo/types';
import type { PreparedPolygon } from '../../shared/geo/pointInPolygon';
import { dagiPaths, readBoundaryFiles } from '../cli/store-commands';
import { readBundledBoundaries } from '../boundaries/bundled';
import { runBridgeBench } from './bridge';

export interface TargetingBenchOptions {
  sizes: number[];
  runs: number;
  /** Where the temporary stores go (a temp dir when absent); removed afterwards. */
  dataDir?: string;
  /** Folder with the DAGI boundary files; defaults to the console's own (simplified) boundaries. */
  boundariesDir?: string;
  seed?: number;
  /** false: only the in-process figures (no console, bridge or send). */
  bridge?: boolean;
  /** Recipients of the send the bridge counts are measured under (default 500,000). */
  sendRecipients?: number;
  /** How long bridge counts are measured during the send (15 s). */
  sendWindowMs?: number;
  print: (line: string) => void;
}

/** A wobbly 40-vertex ring around Hillerød and Frederiksborg, like a hand on a mouse draws. */
export function handDrawnHillerod(): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < 40; i++) {
    const t = (2 * Math.PI * i) / 40;
    const wobble = 1 + 0.18 * Math.sin(3 * t) + 0.07 * Math.cos(7 * t);
    ring.push([12.3 + 0.075 * wobble * Math.cos(t), 55.93 + 0.035 * wobble * Math.sin(t)]);
  }
  ring.push(ring[0]!);
  return ring;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

export async function runTargetingBench(opts: TargetingBenchOptions): Promise<void> {
  const { print } = opts;
  const boundaries = opts.boundariesDir ? loadDagiBoundaries(opts.boundariesDir) : loadBundledBoundaries();
  const district = districtByName(boundaries, 'Nordsjællands Politi');
  if (!district) throw new Error('Nordsjællands Politi is missing from the boundary files');
  const shapes: { name: string; area: TargetArea }[] = [
    { name: '(a) district Nordsjælland', area: { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'district', code: district.code } }] } },
    { name: '(b) postcode 3400 Hillerød', area: { parts: [{ mode: 'include', shape: { type: 'boundary', kind: 'postcode', code: '3400' } }] } },
    { name: '(c) 2 km circle Hillerød', area: { parts: [{ mode: 'include', shape: { type: 'circle', center: [12.311, 55.927], radiusM: 2000 } }] } },
    { name: '(d) 40-vertex polygon', area: { parts: [{ mode: 'include', shape: { type: 'polygon', coordinates: [handDrawnHillerod()] } }] } },
  ];
  const filter: TargetFilter = { statuses: ['active'] };
  for (const size of opts.sizes) {
    const base = opts.dataDir ?? tmpdir();
    const dir = mkdtempSync(join(base, 'tryk-bench-'));
    try {
      // A district-sized set is the district itself (34,000 is Nordsjælland's real figure);
      // larger sets cover the country, weighted by population.
      const scope = size <= 100_000 ? district.name : null;
      print(`\n== ${size.toLocaleString('en')} subscribers (${scope ?? 'whole country'}, seed ${opts.seed ?? 1}) ==`);
      const key = { kind: 'passphrase' as const, passphrase: 'bench-passphrase' };
      let store = await createStore({ dataDir: join(dir, 'store'), key, kdf: 'fast' });
      try {
        const t0 = performance.now();
        const ins = await insertSubscribers(store.db, synthesizeSubscribers({ count: size, district: scope, seed: opts.seed ?? 1, boundaries }));
        const wrote = performance.now() - t0;
        print(
          `synthesize + write to store: ${(wrote / 1000).toFixed(1)} s (${ins.subscribers.toLocaleString('en')} subscribers, ${ins.places.toLocaleString('en')} places, ${Math.round(ins.subscribers / (wrote / 1000)).toLocaleString('en')} subscribers/s)`,
        );
        globalThis.gc?.();
        const rssBefore = process.memoryUsage().rss;
        const version = await registryVersion(store.db);
        let stats;
        let builtCounts: number[];
        {
          // In a block so the built index and its arrays can be collected before the load.
          const built = await buildIndexFromStore(store.db);
          stats = built.stats;
          print(`index build from store: ${(stats.ms / 1000).toFixed(2)} s (${stats.places.toLocaleString('en')} places)`);
          print(`  of which: ${Object.entries(stats.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
          // The snapshot path of start-up (electron/targeting/snapshot.ts): write once after a
          // build, then load as the next start would, and check it counts what the build counts.
          builtCounts = shapes.map((s) => {
            const c = compileArea(s.area, { resolveBoundary: boundaryResolver(boundaries) });
            if (!c.ok) throw new Error(c.error.message);
            return built.index.count(c.value, filter).total;
          });
          const written = await saveIndex(store.db, built.index, built.arrays, version);
          print(`snapshot write: ${(written.ms / 1000).toFixed(2)} s (${(written.bytes / 2 ** 20).toFixed(0)} MiB of arrays in the store)`);
        }
        globalThis.gc?.();
        const t1 = performance.now();
        const read = await readSnapshot(store.db);
        if (!read.ok) throw new Error(`snapshot not loaded: ${read.reason}: ${read.detail}`);
        const t2 = performance.now();
        const index = PlaceIndex.fromArrays(read.arrays, {}, read.grid);
        const t3 = performance.now();
        print(
          `index load from snapshot: ${((t3 - t1) / 1000).toFixed(2)} s (read and check ${((t2 - t1) / 1000).toFixed(2)} s, index from arrays ${((t3 - t2) / 1000).toFixed(2)} s, saved grid ${index.loadedWithGrid ? 'used' : 'NOT used'}) vs build from store ${(stats.ms / 1000).toFixed(2)} s`,
        );
        const engine = new TargetingEngine(index, boundaryResolver(boundaries));
        const loadedCounts = shapes.map((s) => engine.count(s.area, filter)).map((c) => (c.ok ? c.value.total : -1));
        print(`snapshot counts equal the build's: ${loadedCounts.every((c, i) => c === builtCounts[i]) ? 'yes' : `NO (${loadedCounts.join(', ')} vs ${builtCounts.join(', ')})`}`);
        print(`resident memory: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (before build ${(rssBefore / 2 ** 20).toFixed(0)} MiB)`);
        const expected: number[] = [];
        // p50/p95: the same area counted again and again (a filter change, a recount after a
        // registry change: its cell classes are kept). "new area": a fresh compile each run, as
        // a moved vertex or another boundary is, so the classes are computed every time.
        print(`${pad('shape', 28)}${lpad('count', 10)}${lpad('p50 ms', 9)}${lpad('p95 ms', 9)}${lpad('new area p50/p95', 18)}${lpad('naive p50', 11)}${lpad('ratio', 8)}  same`);
        const boundaryCache = new Map<string, PreparedPolygon[]>();
        for (const s of shapes) {
          const compiled = engine.compile(s.area);
          if (!compiled.ok) throw new Error(compiled.error.message);
          engine.count(s.area, filter); // warm-up: JIT and the boundary cache
          const times: number[] = [];
          let total = 0;
          for (let r = 0; r < opts.runs; r++) {
            const t = performance.now();
            const c = engine.count(s.area, filter);
            times.push(performance.now() - t);
            if (!c.ok) throw new Error(c.error.message);
            total = c.value.total;
          }
          const fresh: number[] = [];
          for (let r = 0; r < opts.runs; r++) {
            const t = performance.now();
            const c = compileArea(s.area, { resolveBoundary: boundaryResolver(boundaries), boundaryCache });
            if (!c.ok) throw new Error(c.error.message);
            if (index.count(c.value, filter).total !== total) throw new Error(`${s.name}: a new area counted differently`);
            fresh.push(performance.now() - t);
          }
          fresh.sort((a, b) => a - b);
          const naiveRuns = Math.max(3, Math.min(opts.runs, Math.ceil(2e7 / Math.max(1, stats.places))));
          const naive: number[] = [];
          let naiveTotal = 0;
          for (let r = 0; r < naiveRuns; r++) {
            const t = performance.now();
            naiveTotal = index.naiveCount(compiled.value, filter).total;
            naive.push(performance.now() - t);
          }
          times.sort((a, b) => a - b);
          naive.sort((a, b) => a - b);
          expected.push(total);
          const p50 = quantile(times, 0.5);
          print(
            `${pad(s.name, 28)}${lpad(total.toLocaleString('en'), 10)}${lpad(ms(p50), 9)}${lpad(ms(quantile(times, 0.95)), 9)}${lpad(`${ms(quantile(fresh, 0.5))} / ${ms(quantile(fresh, 0.95))}`, 18)}${lpad(ms(quantile(naive, 0.5)), 11)}${lpad(`${Math.round(quantile(naive, 0.5) / p50)}x`, 8)}  ${total === naiveTotal ? 'yes' : `NO (naive ${naiveTotal})`}`,
          );
        }
        // Timings on a busy machine mean little without how busy it was.
        print(`(${opts.runs} runs per shape; naive scan: fewer runs at large sizes; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
        if (opts.bridge !== false) {
          store = await runBridgeBench({
            store,
            key,
            // The same boundaries the in-process counts used, imported into the console's store.
            boundaries: opts.boundariesDir ? readBoundaryFiles(dagiPaths(opts.boundariesDir)) : readBundledBoundaries(),
            shapes,
            filter,
            expected,
            runs: opts.runs,
            sendRecipients: opts.sendRecipients ?? 500_000,
            ...(opts.sendWindowMs !== undefined ? { sendWindowMs: opts.sendWindowMs } : {}),
            print,
          });
        }
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
