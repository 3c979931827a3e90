// Builds the console's own Danish boundaries (data/boundaries/denmark.topo.json) from the
// DAGI GeoJSON files: one TopoJSON topology with police districts, municipalities, postcodes
// and regions. Shared borders become one arc each, so simplifying an arc moves both
// neighbours' edges alike (no gaps, no overlaps, no slivers); rings too small to matter at
// the map's scale are dropped. The file is committed: `tryk demo`, the first start and the
// tests use it, so a fresh clone needs nothing beside it. Rebuild after a new DAGI release:
//
//   node build/boundaries.mjs --source DIR [--out FILE] [--quantile Q | --weight W]
//
// DIR holds politikredse.geojson, kommuner.geojson, postnumre.geojson, regioner.geojson (the
// DAGI release: see data/boundaries/SOURCE.md). It is required: the script never guesses a
// folder outside the checkout.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { topology } from 'topojson-server';
import { feature, quantize } from 'topojson-client';
import { filter, presimplify, quantile, simplify, sphericalRingArea, sphericalTriangleArea } from 'topojson-simplify';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { source: { type: 'string' }, out: { type: 'string' }, weight: { type: 'string' }, quantile: { type: 'string' } },
});
if (!values.source) {
  console.error('build/boundaries.mjs: --source DIR is required (a folder with the DAGI politikredse, kommuner, postnumre and regioner .geojson files; see data/boundaries/SOURCE.md)');
  process.exit(2);
}
const source = resolve(values.source);
const out = resolve(values.out ?? join(root, 'data', 'boundaries', 'denmark.topo.json'));

/** Object name → file and the properties worth keeping (the parser's DAGI keys; the name last, as the key of a boundary made of several features). */
const layers = {
  politikredse: ['politikredse.geojson', ['POLKR_NR', 'POLKR_NAVN']],
  kommuner: ['kommuner.geojson', ['KOMNAVN', 'KOMKODE']],
  postnumre: ['postnumre.geojson', ['POSTBYNAVN', 'POSTNR_TXT']],
  regioner: ['regioner.geojson', ['REGIONNAVN', 'REGIONKODE']],
};

const objects = {};
for (const [name, [file, keep]] of Object.entries(layers)) {
  const fc = JSON.parse(readFileSync(join(source, file), 'utf8'));
  objects[name] = {
    type: 'FeatureCollection',
    features: fc.features.map((f) => ({
      type: 'Feature',
      properties: Object.fromEntries(keep.filter((k) => f.properties?.[k] != null).map((k) => [k, f.properties[k]])),
      geometry: f.geometry,
    })),
  };
}

// 1e7 steps over Denmark's extent (about 8° × 3.5°) is finer than the source's 6 decimals, so
// no two points merge (a coarser grid of 1e5 or 1e6 made narrow spits touch themselves); every
// coordinate is still a small delta-coded integer.
let topo = topology(objects, 1e7);
topo = presimplify(topo, sphericalTriangleArea);
// Every arc keeps the points at a third and two thirds of its length besides its ends: a ring
// made of one closed arc (a small island) stays a triangle instead of collapsing to a line.
for (const arc of topo.arcs) {
  if (arc.length < 5) continue;
  arc[Math.floor(arc.length / 3)][2] = Infinity;
  arc[Math.floor((2 * arc.length) / 3)][2] = Infinity;
}
// The 1:500,000 source has about 65,000 points; the 30 % whose triangle (Visvalingam's
// effective area) is smallest go (--quantile 0.7 keeps the rest; --weight W in steradians
// gives the threshold directly). The result is about 990 KiB.
const weight = values.weight ? Number(values.weight) : quantile(topo, Number(values.quantile ?? 0.7));

// Islands and holes smaller than about 0.05 km² vanish at any useful zoom, except that every
// boundary keeps its largest piece (Christiansø is a municipality of 0.4 km²). Dropping points
// can make a ring cross itself or its polygon's hole: every polygon that stays is put through
// the same check a drawn area gets (shared/geo/validate.ts, bundled on the fly); the arcs of one
// that fails keep all their points, and the round repeats until none fails.
const MIN_RING_SR = 1.2e-9;
const { checkPolygon } = await importTs(join(root, 'shared', 'geo', 'validate.ts'));
const presimplified = topo;
const polygonsOf = (g) => (g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : []);
for (let round = 1; ; round++) {
  topo = quantize(simplify(presimplified, weight), 1e7);
  const { keep, failing } = review(topo);
  if (failing.size === 0) {
    topo = filter(topo, (ring) => keep.has(ring));
    break;
  }
  if (round > 8) throw new Error(`${failing.size} arcs still make polygons cross after ${round} rounds`);
  console.log(`round ${round}: ${failing.size} arcs keep every point (their polygons crossed themselves)`);
  for (const a of failing) for (const p of presimplified.arcs[a]) p[2] = Infinity;
}

/** The rings to keep (each an arcs array of `t`), and the arcs of kept polygons that fail the check. */
function review(t) {
  const coords = (ring) => feature(t, { type: 'Polygon', arcs: [ring] }).geometry.coordinates[0];
  const area = (ring) => sphericalRingArea(coords(ring), false);
  const keep = new Set();
  const failing = new Set();
  for (const [name, [, props]] of Object.entries(layers)) {
    const largest = new Map();
    const polygons = [];
    for (const g of t.objects[name].geometries) {
      const key = g.properties[props[props.length - 1]] ?? g.properties[props[0]];
      for (const rings of polygonsOf(g)) {
        const a = area(rings[0]);
        polygons.push({ rings, a });
        if (!(largest.get(key)?.a >= a)) largest.set(key, { rings, a });
      }
    }
    const biggest = new Set([...largest.values()].map((p) => p.rings));
    for (const { rings, a } of polygons) {
      if (a < MIN_RING_SR && !biggest.has(rings)) continue;
      const kept = [rings[0], ...rings.slice(1).filter((h) => area(h) >= MIN_RING_SR)];
      for (const r of kept) keep.add(r);
      const c = checkPolygon(kept.map(coords));
      if (!c.ok) for (const ring of kept) for (const arc of ring) failing.add(arc < 0 ? ~arc : arc);
    }
  }
  return { keep, failing };
}
const text = JSON.stringify(topo);
writeFileSync(out, text);
const counts = Object.entries(topo.objects).map(([k, o]) => `${k} ${o.geometries.length}`).join(', ');
console.log(`${out}: ${(text.length / 1024).toFixed(0)} KiB (${counts}; weight ${weight.toExponential(2)})`);

/** Imports a TypeScript module of this repository (no Node imports in it) through esbuild. */
async function importTs(file) {
  const out = await build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
