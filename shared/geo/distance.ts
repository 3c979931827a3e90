/**
 * Distances on the ground. A sphere of the WGS84 mean radius (IUGG R1) is used: over the
 * few kilometres a targeting circle spans, its error against the ellipsoid stays under
 * 0.5 %, well inside how exactly an officer places a circle.
 */
import type { BBox } from './types';

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Haversine's intermediate value: monotone in distance, so comparisons need no asin/sqrt. */
function hav(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const s1 = Math.sin(((lat2 - lat1) * RAD) / 2);
  const s2 = Math.sin(((lon2 - lon1) * RAD) / 2);
  return s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
}

/** Great-circle distance in metres between two [lon, lat] points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const h = Math.min(1, hav(lon1, lat1, lon2, lat2));
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/** A circle on the ground, prepared for many containment tests. A point on the rim is inside. */
export class PreparedCircle {
  readonly bbox: BBox;
  private readonly limit: number;
  private readonly cosLat: number;

  constructor(
    readonly lon: number,
    readonly lat: number,
    readonly radiusM: number,
  ) {
    const half = Math.min(Math.PI / 2, radiusM / EARTH_RADIUS_M / 2);
    this.limit = Math.sin(half) ** 2;
    this.cosLat = Math.cos(lat * RAD);
    const dLat = radiusM / EARTH_RADIUS_M / RAD;
    // The widest longitude a spherical cap reaches; a pole inside the cap spans all longitudes.
    const s = Math.sin(radiusM / EARTH_RADIUS_M) / Math.cos(lat * RAD);
    const dLon = lat + dLat >= 90 || lat - dLat <= -90 || s >= 1 ? 180 : Math.asin(s) / RAD;
    const pad = 1e-9;
    this.bbox = [lon - dLon - pad, Math.max(-90, lat - dLat - pad), lon + dLon + pad, Math.min(90, lat + dLat + pad)];
  }

  contains(lon: number, lat: number): boolean {
    const s1 = Math.sin(((lat - this.lat) * RAD) / 2);
    const s2 = Math.sin(((lon - this.lon) * RAD) / 2);
    return s1 * s1 + this.cosLat * Math.cos(lat * RAD) * s2 * s2 <= this.limit;
  }

  /**
   * True only when the whole lon/lat rectangle lies inside. The disc is convex on the sphere,
   * so its corners being inside puts the rectangle's meridian sides inside; its parallel sides
   * bow off the great circle by a few millimetres over a grid cell, which the margin covers.
   */
  containsRect(minLon: number, minLat: number, maxLon: number, maxLat: number): boolean {
    // A parallel bows off the chord by about (width on the ground)^2 * tan(lat) / 8R: ~1 cm
    // for a 0.01 deg cell, ~360 m for a whole degree at 80 deg north.
    const dLon = maxLon - minLon;
    const margin = 1 + 500 * dLon * dLon;
    const r = this.radiusM - margin;
    if (r <= 0) return false;
    return (
      distanceM(this.lon, this.lat, minLon, minLat) <= r &&
      distanceM(this.lon, this.lat, maxLon, minLat) <= r &&
      distanceM(this.lon, this.lat, minLon, maxLat) <= r &&
      distanceM(this.lon, this.lat, maxLon, maxLat) <= r
    );
  }
}

/** A naive reference, kept beside the prepared form so both can be compared in tests. */
export function circleContains(
  center: readonly [number, number],
  radiusM: number,
  lon: number,
  lat: number,
): boolean {
  return distanceM(center[0], center[1], lon, lat) <= radiusM;
}
