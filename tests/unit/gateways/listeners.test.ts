import { describe, expect, it } from 'vitest';
import { Listeners } from '../../../electron/gateways/gateway';

describe('Listeners', () => {
  it('delivers to every listener until it unsubscribes', () => {
    const listeners = new Listeners<number>();
    const a: number[] = [];
    const b: number[] = [];
    const offA = listeners.add((n) => a.push(n));
    listeners.add((n) => b.push(n));
    listeners.emit(1);
    offA();
    offA(); // twice is harmless
    listeners.emit(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('keeps two subscriptions of the same function independent', () => {
    const listeners = new Listeners<number>();
    const seen: number[] = [];
    const fn = (n: number) => seen.push(n);
    const off = listeners.add(fn);
    listeners.add(fn);
    off();
    listeners.emit(7);
    expect(seen).toEqual([7]);
  });

  it('reports a throwing listener and still calls the others', () => {
    const errors: unknown[] = [];
    const listeners = new Listeners<number>((e) => errors.push(e));
    const seen: number[] = [];
    listeners.add(() => {
      throw new Error('boom');
    });
    listeners.add((n) => seen.push(n));
    listeners.emit(3);
    expect(seen).toEqual([3]);
    expect(errors).toHaveLength(1);
  });
});
