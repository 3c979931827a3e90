import { describe, expect, it } from 'vitest';
import { checkMultiPolygon, checkPolygon } from '../../../shared/geo/validate';

const sq = [[12, 55], [12.01, 55], [12.01, 55.01], [12, 55.01], [12, 55]];

describe('polygon validation', () => {
  it('accepts a clean counter-clockwise square unchanged', () => {
    const c = checkPolygon([sq]);
    expect(c.ok && c.repairs).toEqual([]);
    expect(c.ok && c.value).toEqual([sq]);
  });

  it('repairs an open, clockwise ring with repeated vertices', () => {
    const c = checkPolygon([[[12, 55], [12, 55.01], [12, 55.01], [12.01, 55.01], [12.01, 55]]]);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.repairs.join('; ')).toMatch(/repeated vertex.*closed the ring.*reversed/);
    expect(c.value[0]).toHaveLength(5);
    expect(c.value[0]![0]).toEqual(c.value[0]![4]);
    // Now counter-clockwise: signed area positive.
    const r = c.value[0]!;
    let s = 0;
    for (let i = 0; i + 1 < r.length; i++) s += (r[i]![0] * r[i + 1]![1] - r[i + 1]![0] * r[i]![1]);
    expect(s).toBeGreaterThan(0);
  });

  it('orients holes clockwise', () => {
    const hole = [[12.004, 55.004], [12.006, 55.004], [12.006, 55.006], [12.004, 55.006], [12.004, 55.004]];
    const c = checkPolygon([sq, hole]);
    expect(c.ok && c.value[1]).toEqual([...hole].reverse());
  });

  it.each([
    ['bowtie', [[[12, 55], [12.01, 55.01], [12.01, 55], [12, 55.01], [12, 55]]], 'self_intersecting'],
    ['spike folding back', [[[12, 55], [12.01, 55], [12.02, 55], [12.01, 55], [12.01, 55.01], [12, 55]]], 'self_intersecting'],
    ['collinear', [[[12, 55], [12.01, 55], [12.02, 55], [12, 55]]], 'degenerate'],
    ['sliver under 1 m²', [[[12, 55], [12.0001, 55], [12.0001, 55.00000001], [12, 55]]], 'degenerate'],
    ['two points', [[[12, 55], [12.01, 55], [12, 55]]], 'too_few_points'],
    ['latitude out of range', [[[12, 95], [12.01, 55], [12.01, 55.01], [12, 95]]], 'out_of_range'],
    ['NaN', [[[12, NaN], [12.01, 55], [12.01, 55.01], [12, 55]]], 'out_of_range'],
    ['hole outside', [sq, [[13, 56], [13, 56.01], [13.01, 56.01], [13, 56]]], 'self_intersecting'],
    ['hole crossing the outer ring', [sq, [[12.005, 55.005], [12.005, 55.02], [12.006, 55.02], [12.005, 55.005]]], 'self_intersecting'],
  ])('refuses a %s', (_name, coords, code) => {
    const c = checkPolygon(coords);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.error.code).toBe(code);
      expect(c.error.message.length).toBeGreaterThan(10);
    }
  });

  it('accepts a thin but real sliver (a road-wide strip)', () => {
    expect(checkPolygon([[[12, 55], [12.1, 55], [12.1, 55.0001], [12, 55]]]).ok).toBe(true);
  });

  it('checks every polygon of a multipolygon and names the failing one', () => {
    const c = checkMultiPolygon([[sq], [[[12, 55], [12.01, 55.01], [12.01, 55], [12, 55.01], [12, 55]]]]);
    expect(!c.ok && c.error.message).toMatch(/polygon 2/);
  });
});
