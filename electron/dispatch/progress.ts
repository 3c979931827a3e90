/**
 * Throughput over a sliding window, and the throttle that turns thousands of state changes a
 * second into a few progress events per send for the bridge.
 */

/** Counts events in one-second buckets over the last `windowMs`. */
export class ThroughputMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];
  private first: number | null = null;

  constructor(private readonly windowMs = 10_000) {
    const n = Math.max(1, Math.ceil(windowMs / 1000));
    this.buckets = new Array<number>(n).fill(0);
    this.stamps = new Array<number>(n).fill(-1);
  }

  add(nowMs: number, count = 1): void {
    if (count <= 0) return;
    const second = Math.floor(nowMs / 1000);
    const i = second % this.buckets.length;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
    this.first ??= nowMs;
  }

  /** Events per second over the window (or since the first event, when that is shorter). */
  rate(nowMs: number): number {
    if (this.first === null) return 0;
    const second = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const stamp = this.stamps[i] ?? -1;
      if (stamp >= 0 && second - stamp < this.buckets.length) sum += this.buckets[i] ?? 0;
    }
    // The current second is partly over: count it as far as it has gone.
    const span = Math.min(this.windowMs, Math.max(nowMs - this.first, 1000), (this.buckets.length - 1) * 1000 + (nowMs % 1000) + 1);
    return sum / (span / 1000);
  }
}

/**
 * Emits at most one event per key per `intervalMs`, always the latest value, and never drops
 * the last one: a burst of a thousand changes becomes one event now and one when the
 * interval ends.
 */
export class RateLimitedEmitter<K, V> {
  private readonly last = new Map<K, number>();
  private readonly pending = new Map<K, () => V>();
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: V) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** `make` is called only when an event goes out, so a change costs nothing until then. */
  push(key: K, make: () => V): void {
    const now = this.clock();
    const since = now - (this.last.get(key) ?? Number.NEGATIVE_INFINITY);
    if (since >= this.intervalMs && !this.timers.has(key)) {
      this.last.set(key, now);
      this.emit(make());
      return;
    }
    this.pending.set(key, make);
    if (!this.timers.has(key)) {
      const timer = setTimeout(() => this.flushKey(key), Math.max(0, this.intervalMs - since));
      timer.unref?.();
      this.timers.set(key, timer);
    }
  }

  private flushKey(key: K): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    const make = this.pending.get(key);
    if (make === undefined) return;
    this.pending.delete(key);
    this.last.set(key, this.clock());
    this.emit(make());
  }

  /** Emits everything pending now (on close, so the last state is never lost). */
  flush(): void {
    for (const key of [...this.timers.keys()]) this.flushKey(key);
  }
}
