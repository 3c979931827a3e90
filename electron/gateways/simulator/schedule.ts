/**
 * Timed events on one timer: a binary heap ordered by due time, with a single setTimeout
 * armed for the earliest. Tens of thousands of pending receipts cost one timer, events due
 * together run in one callback, and cancel() drops everything at once.
 */

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Date.now and the global timers, which vitest's fake timers replace together. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  at: number;
  /** Insertion order, so events due at the same time run first-in first-out. */
  order: number;
  run: () => void;
}

export class Schedule {
  private readonly heap: Entry[] = [];
  private timer: unknown;
  private armedFor = Infinity;
  private order = 0;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.heap.length;
  }

  at(time: number, run: () => void): void {
    if (this.stopped) return;
    this.push({ at: time, order: this.order++, run });
    this.arm();
  }

  after(ms: number, run: () => void): void {
    this.at(this.clock.now() + Math.max(0, ms), run);
  }

  cancel(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.at >= this.armedFor) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.armedFor = next.at;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, next.at - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    // Bounded by the heap at entry: events an event schedules for "now" wait for the next turn.
    let budget = this.heap.length;
    while (budget-- > 0 && !this.stopped) {
      const next = this.heap[0];
      if (!next || next.at > now) break;
      this.pop();
      next.run();
    }
    if (!this.stopped) this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i] as Entry, heap[parent] as Entry)) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as Entry;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.less(heap[left] as Entry, heap[smallest] as Entry)) smallest = left;
      if (right < heap.length && this.less(heap[right] as Entry, heap[smallest] as Entry)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Entry, heap[i] as Entry];
      i = smallest;
    }
  }
}
