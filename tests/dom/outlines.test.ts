import { describe, expect, it } from 'vitest';
import type { BoundaryOutline } from '../../shared/bridge/contract';
import { outlineBounds, toFeatureCollection } from '../../renderer/features/map/outlines';
import { demoOutlines } from './fakes';

describe('outline helpers', () => {
  it('frames every outline, polygons and multipolygons, as [[south, west], [north, east]]', () => {
    const island: BoundaryOutline = {
      id: 2,
      code: '2',
      name: 'Øen',
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [14.7, 55.0],
              [15.2, 55.0],
              [15.2, 55.3],
              [14.7, 55.0],
            ],
          ],
        ],
      },
    };
    expect(outlineBounds([...demoOutlines.district, island])).toEqual([
      [55.0, 11.8],
      [55.7 + 0.8, 15.2],
    ]);
  });

  it('has no frame for no outlines', () => {
    expect(outlineBounds([])).toBeNull();
  });

  it('makes one GeoJSON feature per outline, carrying code and name', () => {
    const fc = toFeatureCollection(demoOutlines.municipality);
    expect(fc.features).toHaveLength(2);
    expect(fc.features[0]).toMatchObject({
      type: 'Feature',
      id: 10,
      properties: { id: 10, code: '219', name: 'Hillerød' },
      geometry: demoOutlines.municipality[0]!.geometry,
    });
  });
});
