import { describe, expect, it } from 'vitest';
import { cellColor, cellShares, cellsBounds, paletteColor, worstFirst } from '../../renderer/features/monitor/cells';
import { barShares, etaParts, percentFinished, reasonOf, sparklinePoints } from '../../renderer/features/monitor/format';
import { makeSend } from './monitor.host';

describe('delivery cells as the map draws them', () => {
  const cell = (delivered: number, pending: number, failed: number) => ({ lon: 12.3, lat: 55.9, delivered, pending, failed });

  it('computes each cell’s shares', () => {
    expect(cellShares(cell(50, 30, 20))).toEqual({ total: 100, delivered: 0.5, pending: 0.3, failed: 0.2 });
    expect(cellShares(cell(0, 0, 0))).toEqual({ total: 0, delivered: 0, pending: 0, failed: 0 });
  });

  it('colours a pure cell with its legend colour and lets failures stand out in a mix', () => {
    expect(cellColor(cell(10, 0, 0))).toBe(paletteColor('delivered'));
    expect(cellColor(cell(0, 10, 0))).toBe(paletteColor('pending'));
    expect(cellColor(cell(0, 0, 10))).toBe(paletteColor('failed'));
    // 25 % failed weighs as much as 75 % delivered: red and green evenly mixed.
    const red = (hex: string) => parseInt(hex.slice(1, 3), 16);
    expect(red(cellColor(cell(75, 0, 25)))).toBe(Math.round((27 + 179) / 2));
    expect(red(cellColor(cell(90, 0, 10)))).toBeGreaterThan(red(cellColor(cell(95, 0, 5))));
  });

  it('frames all cells, and orders them worst first', () => {
    const grid = { cellSizeDeg: 0.1, minCount: 5, cells: [{ ...cell(5, 0, 0), lon: 12, lat: 55 }, { ...cell(1, 0, 9), lon: 12.5, lat: 56 }] };
    const b = cellsBounds(grid)!;
    expect(b[0]).toEqual([55, 12]);
    expect(b[1][0]).toBeCloseTo(56.1);
    expect(b[1][1]).toBeCloseTo(12.6);
    expect(cellsBounds({ ...grid, cells: [] })).toBeNull();
    expect(worstFirst(grid.cells).map((c) => c.failed)).toEqual([9, 0]);
  });
});

describe('monitor formatting', () => {
  it('splits the time left into the two units that matter', () => {
    expect(etaParts(0)).toEqual({ unit: 'lessThanSecond' });
    expect(etaParts(0.3)).toEqual({ unit: 'seconds', seconds: 1 });
    expect(etaParts(59)).toEqual({ unit: 'seconds', seconds: 59 });
    expect(etaParts(252)).toEqual({ unit: 'minutes', minutes: 4, seconds: 12 });
    expect(etaParts(7260)).toEqual({ unit: 'hours', hours: 2, minutes: 1 });
  });

  it('knows a reason by its code before the colon, and nothing else', () => {
    expect(reasonOf('UNDELIV:027')).toBe('UNDELIV');
    expect(reasonOf('ESME_RINVDSTADR')).toBe('ESME_RINVDSTADR');
    expect(reasonOf('SMPP_STATUS_0x45')).toBeNull();
    expect(reasonOf('constructor')).toBeNull();
    expect(reasonOf('__proto__')).toBeNull();
    expect(reasonOf('')).toBeNull();
  });

  it('stacks the bar by recipients and never past 100 %', () => {
    const s = makeSend({ sendId: 1 });
    const shares = barShares(s);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(100);
    expect(shares.delivered).toBeCloseTo((100 * 2000) / 34000);
    const over = barShares({ recipients: 10, counts: { ...s.counts, queued: 20, delivered: 0, accepted: 0, submitting: 0 } });
    expect(over.queued).toBe(100);
    expect(percentFinished({ recipients: 3, finished: 2 })).toBe(66);
    expect(percentFinished({ recipients: 0, finished: 0 })).toBe(0);
  });

  it('draws the sparkline inside its box, the largest sample at the top', () => {
    expect(sparklinePoints([], 100, 10)).toBe('');
    expect(sparklinePoints([0, 5, 10], 100, 10)).toBe('0.0,10.0 50.0,5.0 100.0,0.0');
  });
});
