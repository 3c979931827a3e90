/** [longitude, latitude] in degrees, WGS84, as GeoJSON orders them. */
export type Position = [number, number];
/** A closed ring: the first position is repeated at the end. */
export type Ring = Position[];
/** Outer ring first (counter-clockwise), then holes (clockwise), as RFC 7946 asks. */
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

export type PolygonGeometry = { type: 'Polygon'; coordinates: PolygonCoords };
export type MultiPolygonGeometry = { type: 'MultiPolygon'; coordinates: MultiPolygonCoords };
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];
