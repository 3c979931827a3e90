/**
 * Generators of hostile inputs (no fixtures): shapes built to be worst cases for geometry
 * code, and a probe of what a call cost the process (longest main-thread block, CPU, memory).
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Position } from '../../shared/geo/types';

/**
 * A comb: `teeth` long, thin, nearly parallel teeth joined at a spine. Simple (a valid
 * polygon), so it passes every check but the vertex limit; every tooth spans the whole width
 * (`vertical: false`) or height, the worst case for window sweeps and latitude bands.
 */
export function comb(vertices: number, opts: { vertical?: boolean; x0?: number; y0?: number; w?: number; h?: number } = {}): Position[] {
  const { vertical = false, x0 = 12.2, y0 = 55.9, w = 0.3, h = 0.15 } = opts;
  const teeth = Math.max(2, Math.floor((vertices - 3) / 4));
  const pts: Position[] = [];
  // Along one axis, each tooth is an up-and-back of two long edges with a gap between teeth.
  const step = (vertical ? w : h) / teeth;
  for (let i = 0; i < teeth; i++) {
    const a = i * step;
    const b = a + step * 0.5;
    // Tooth tip alternates slightly so edges are nearly but not exactly parallel.
    const tip = 1 - (i % 7) * 1e-4;
    if (vertical) {
      pts.push([x0 + a, y0], [x0 + a, y0 + h * tip], [x0 + b, y0 + h * tip], [x0 + b, y0 + h * 0.02]);
    } else {
      pts.push([x0, y0 + a], [x0 + w * tip, y0 + a], [x0 + w * tip, y0 + b], [x0 + w * 0.02, y0 + b]);
    }
  }
  // Close along the spine side.
  if (vertical) pts.push([x0 + w, y0], [x0 + w, y0 - h * 0.01], [x0, y0 - h * 0.01]);
  else pts.push([x0, y0 + h], [x0 - w * 0.01, y0 + h], [x0 - w * 0.01, y0]);
  pts.push([...pts[0]!] as Position);
  return pts;
}

export interface Cost {
  /** The longest the event loop was blocked while the work ran, in ms. */
  blockedMs: number;
  wallMs: number;
  /** CPU of the whole process (every thread: the workers' too). */
  cpuMs: number;
  /** CPU of the main thread alone (Linux: /proc/thread-self/schedstat; elsewhere the process's). */
  mainCpuMs: number;
  /** Resident set size at its highest sample, in MiB. */
  rssMiB: number;
}

/**
 * CPU time of the calling thread in ms. Linux keeps it per thread in nanoseconds; the process's
 * figure (process.cpuUsage) would count the parse and targeting workers as the main thread.
 */
export function threadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

/** Runs `work` and reports what it cost; the loop-delay histogram has a 1 ms resolution. */
export async function measure<T>(work: () => Promise<T> | T): Promise<{ value: T; cost: Cost }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let rss = process.memoryUsage.rss();
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 5);
  h.enable();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const t0 = performance.now();
  // The synchronous part of work() counts too: time it by itself.
  const s0 = performance.now();
  const pending = work();
  const syncMs = performance.now() - s0;
  const value = await pending;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const main1 = threadCpuMs();
  await new Promise((r) => setTimeout(r, 2));
  h.disable();
  clearInterval(sampler);
  rss = Math.max(rss, process.memoryUsage.rss());
  const blockedMs = Math.max(syncMs, (h.max - 1e6) / 1e6);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mainCpuMs = main0 !== null && main1 !== null ? main1 - main0 : cpuMs;
  return { value, cost: { blockedMs, wallMs, cpuMs, mainCpuMs, rssMiB: rss / 1048576 } };
}

/** Costs of several steps of one class (an upload's pieces): times and CPU add up, the longest block is the longest. */
export const addCosts = (a: Cost, b: Cost): Cost => ({
  blockedMs: Math.max(a.blockedMs, b.blockedMs),
  wallMs: a.wallMs + b.wallMs,
  cpuMs: a.cpuMs + b.cpuMs,
  mainCpuMs: a.mainCpuMs + b.mainCpuMs,
  rssMiB: Math.max(a.rssMiB, b.rssMiB),
});

export const describeCost = (name: string, c: Cost) =>
  `hostile: ${name.padEnd(52)} main cpu ${c.mainCpuMs.toFixed(1).padStart(6)} ms  blocked ${c.blockedMs.toFixed(1).padStart(6)} ms  wall ${c.wallMs
    .toFixed(0)
    .padStart(5)} ms  all threads cpu ${c.cpuMs.toFixed(0).padStart(5)} ms  rss ${c.rssMiB.toFixed(0).padStart(4)} MiB`;
