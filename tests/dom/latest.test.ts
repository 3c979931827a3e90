import { describe, expect, it } from 'vitest';
import { latestOnly } from '../../renderer/lib/latest';
import { deferred, flush } from './fakes';

describe('latestOnly', () => {
  it('has one request in flight, and sends only the newest of those that came meanwhile', async () => {
    const started: number[] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const superseded: boolean[] = [];
    const q = latestOnly<number>(async (n, isSuperseded) => {
      started.push(n);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      superseded.push(isSuperseded());
    });
    q.push(1);
    q.push(2);
    q.push(3);
    q.push(4);
    expect(started).toEqual([1]);
    expect(q.busy()).toBe(true);
    gates[0]!.resolve();
    await flush();
    expect(started).toEqual([1, 4]);
    expect(superseded).toEqual([true]); // 1 finished while 4 was waiting
    gates[1]!.resolve();
    await flush();
    expect(superseded).toEqual([true, false]);
    expect(q.busy()).toBe(false);
    q.push(5);
    expect(started).toEqual([1, 4, 5]);
  });

  it('keeps going after a request throws', async () => {
    const seen: number[] = [];
    const warn = console.warn;
    console.warn = () => {};
    try {
      const q = latestOnly<number>(async (n) => {
        seen.push(n);
        if (n === 1) throw new Error('boom');
      });
      q.push(1);
      q.push(2);
      await flush();
      await flush();
      expect(seen).toEqual([1, 2]);
      expect(q.busy()).toBe(false);
    } finally {
      console.warn = warn;
    }
  });
});
