import { describe, expect, it } from 'vitest';
import { parseBoundaryFile } from '../../../electron/boundaries/parse';
import { simplifyLine, simplifyMultiPolygon } from '../../../electron/boundaries/simplify';

const square = (x: number, y: number, d = 1) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];
const feature = (props: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({
  type: 'Feature',
  properties: props,
  geometry: { type, coordinates },
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('parseBoundaryFile', () => {
  it('groups the islands of one municipality into one MultiPolygon with one bbox', () => {
    const out = parseBoundaryFile(
      fc(
        feature({ KOMKODE: '0400', KOMNAVN: 'Bornholm' }, square(14.7, 55.0)),
        feature({ KOMKODE: '0400', KOMNAVN: 'Bornholm' }, square(15.1, 55.3, 0.1)),
        feature({ KOMKODE: '0219', KOMNAVN: 'Hillerød' }, square(12.2, 55.9)),
      ),
      'kommuner.geojson',
    );
    expect(out).toHaveLength(2);
    const bornholm = out.find((b) => b.code === '0400')!;
    expect(bornholm.kind).toBe('municipality');
    expect(bornholm.geometry.coordinates).toHaveLength(2);
    expect(bornholm.bbox).toEqual([14.7, 55.0, 15.7, 56.0]);
  });

  it("reads Dataforsyningen's (DAWA's) property names, and gives its districts (1460–1471) their official numbers", () => {
    const d = parseBoundaryFile(
      fc(feature({ kode: '1470', navn: 'Københavns Politi', dagi_id: '403222' }, square(12.5, 55.6)), feature({ kode: 1471, navn: 'Bornholms Politi' }, square(14.7, 55.0))),
      'politikredse',
      'district',
    );
    expect(d.map((b) => [b.code, b.name])).toEqual([
      ['11', 'Københavns Politi'],
      ['12', 'Bornholms Politi'],
    ]);
    // A district name the table does not know keeps the service's own code.
    expect(parseBoundaryFile(fc(feature({ kode: '1499', navn: 'Ny Politikreds' }, square(9, 56))), 'politikredse', 'district')[0]!.code).toBe('1499');
    const m = parseBoundaryFile(fc(feature({ kode: '0101', navn: 'København', regionskode: '1084' }, square(12.5, 55.6))), 'kommuner', 'municipality');
    expect(m[0]).toMatchObject({ kind: 'municipality', code: '0101', name: 'København' });
    const p = parseBoundaryFile(fc(feature({ nr: '2800', navn: 'Kongens Lyngby' }, [square(12.5, 55.7)], 'MultiPolygon')), 'postnumre', 'postcode');
    expect(p[0]).toMatchObject({ kind: 'postcode', code: '2800', name: 'Kongens Lyngby' });
  });

  it('closes open rings and drops the third coordinate', () => {
    const ring = [
      [12, 55, -999],
      [13, 55, -999],
      [13, 56, -999],
      [12, 56, -999],
    ];
    const [b] = parseBoundaryFile(fc(feature({ POSTNR_TXT: '3400', POSTBYNAVN: 'Hillerød' }, [ring])), 'p.geojson');
    expect(b!.geometry.coordinates[0]![0]).toEqual([
      [12, 55],
      [13, 55],
      [13, 56],
      [12, 56],
      [12, 55],
    ]);
  });

  it("gives a district that lost its number the official one, and others their namesake's code", () => {
    const out = parseBoundaryFile(
      fc(
        feature({ POLKR_NR: null, POLKR_NAVN: 'Københavns Vestegns Politi' }, square(12.3, 55.6)),
        feature({ POLKR_NR: '9', POLKR_NAVN: 'Nordsjællands Politi' }, square(12.3, 55.9)),
        feature({ POLKR_NR: null, POLKR_NAVN: 'Nordsjællands Politi' }, square(12.5, 56.0, 0.1)),
      ),
      'politikredse.geojson',
    );
    expect(out.map((b) => [b.code, b.geometry.coordinates.length])).toEqual([
      ['10', 1],
      ['9', 2],
    ]);
  });

  it.each([
    ['not a collection', { type: 'Feature' }, /FeatureCollection/],
    ['no features', fc(), /no features/],
    ['unknown properties', fc(feature({ foo: 1 }, square(12, 55))), /--kind/],
    ['a line', fc(feature({ KOMKODE: '1', KOMNAVN: 'x' }, [[12, 55], [13, 56]], 'LineString')), /feature 1 \(1\)/],
    ['a ring of three points', fc(feature({ KOMKODE: '1', KOMNAVN: 'x' }, [[[12, 55], [13, 55], [12, 55]]])), /not a valid/],
    ['a latitude off the globe', fc(feature({ KOMKODE: '1', KOMNAVN: 'x' }, square(12, 95))), /not a valid/],
    ['no name', fc(feature({ KOMKODE: '1' }, square(12, 55))), /no municipality code or name/],
    ['a string coordinate', fc(feature({ KOMKODE: '1', KOMNAVN: 'x' }, [[['12', 55], [13, 55], [13, 56], [12, 55]]])), /not a valid/],
  ])('refuses %s with a message naming the file', (_name, json, message) => {
    expect(() => parseBoundaryFile(json, 'bad.geojson')).toThrow(message);
    expect(() => parseBoundaryFile(json, 'bad.geojson')).toThrow(/bad\.geojson/);
  });

  it('takes the kind from the caller when properties do not tell', () => {
    const [b] = parseBoundaryFile(fc(feature({ kode: '0101', navn: 'København' }, square(12.5, 55.6))), 'dawa.geojson', 'municipality');
    expect(b).toMatchObject({ kind: 'municipality', code: '0101', name: 'København' });
  });
});

describe('simplify', () => {
  it('keeps the ends and the corners, drops points within tolerance', () => {
    const line = [
      [0, 0],
      [1, 0.0001],
      [2, 0],
      [2, 2],
    ];
    expect(simplifyLine(line, 0.001)).toEqual([
      [0, 0],
      [2, 0],
      [2, 2],
    ]);
    expect(simplifyLine(line, 0.00001)).toHaveLength(4);
  });

  it('never returns a ring of fewer than four points and drops tiny holes', () => {
    const outer = square(12, 55)[0]!;
    const hole = square(12.5, 55.5, 0.00001)[0]!;
    const out = simplifyMultiPolygon([[outer, hole]], 0.001);
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(1);
    expect(out[0]![0]!.length).toBeGreaterThanOrEqual(4);
  });
});
