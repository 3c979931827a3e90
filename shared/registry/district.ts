/**
 * Whether an imported place lies in the police district the import is for. A place in
 * Denmark but outside the district is imported with a warning on its line (a summer house
 * in another district is real; a typo in a coordinate looks the same), never refused.
 *
 * The district's outline is the store's (DAGI at 1:500,000, simplified): a place within
 * about 1 km of it counts as inside, so an address on the coast or the border is not flagged
 * because of the simplification. Tested as "the place, or a point 0.01° of latitude
 * (1.1 km) or 0.016° of longitude (about 1 km here) from it in one of the four directions, is
 * inside": four extra point-in-polygon tests for the few places that are not plainly inside.
 */
import { PreparedPolygon } from '../geo/pointInPolygon';
import type { MultiPolygonCoords, PolygonCoords } from '../geo/types';

const NEAR_LAT = 0.01;
const NEAR_LON = 0.016;

export interface DistrictOutline {
  code: string;
  name: string;
  geometry: { type: 'Polygon'; coordinates: PolygonCoords } | { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };
}

export class DistrictBounds {
  private readonly polygons: PreparedPolygon[];

  constructor(readonly district: DistrictOutline) {
    const g = district.geometry;
    this.polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((p) => new PreparedPolygon(p));
  }

  private inside(lon: number, lat: number): boolean {
    for (const p of this.polygons) if (p.contains(lon, lat)) return true;
    return false;
  }

  /** In the district, or within about 1 km of its outline. */
  contains(lon: number, lat: number): boolean {
    return (
      this.inside(lon, lat) ||
      this.inside(lon, lat + NEAR_LAT) ||
      this.inside(lon, lat - NEAR_LAT) ||
      this.inside(lon + NEAR_LON, lat) ||
      this.inside(lon - NEAR_LON, lat)
    );
  }
}
