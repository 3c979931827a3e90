/**
 * The boundaries-fetch benchmark: the console's own boundaries served in DAWA's GeoJSON shape
 * by a separate process on 127.0.0.1 (never Dataforsyningen), fetched and imported into a real
 * SQLCipher store like Settings' "Hent grænser fra Dataforsyningen" does, three times; prints
 * the time and how long the main thread was held (event-loop delay, against an idle baseline).
 * Run with `npm run bench:boundaries-fetch`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { fetchAndImportBoundaries } from '../../electron/boundaries/fetch';
import { createServices } from '../../electron/services';
import { createStore } from '../../electron/store/store';

const dir = mkdtempSync(join(tmpdir(), 'tryk-bench-dagi-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bundled topology as DAWA's three lists, written to files (kept out of this process's heap). */
function writeLists() {
  const topo = JSON.parse(readFileSync(resolve('data/boundaries/denmark.topo.json'), 'utf8')) as Topology;
  const list = (name: string, props: (p: Record<string, string>) => object) => {
    const fc = feature(topo, topo.objects[name] as GeometryCollection) as unknown as { features: { properties: Record<string, string> }[] };
    const text = JSON.stringify({ type: 'FeatureCollection', features: fc.features.map((f) => ({ ...f, properties: props(f.properties) })) });
    writeFileSync(join(dir, name), text);
    return `${name} ${(text.length / 1e6).toFixed(1)} MB`;
  };
  return [
    list('politikredse', (p) => ({ kode: String(1459 + Number(p.POLKR_NR)), navn: p.POLKR_NAVN })),
    list('kommuner', (p) => ({ kode: p.KOMKODE, navn: p.KOMNAVN })),
    list('postnumre', (p) => ({ nr: p.POSTNR_TXT, navn: p.POSTBYNAVN })),
  ].join(', ');
}

const sizes = writeLists();
const server = spawn(process.execPath, [
  '-e',
  `require('http').createServer((q,s)=>{const n=q.url.split('?')[0].split('/').pop();s.end(require('fs').readFileSync(${JSON.stringify(dir)}+'/'+n))}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`,
]);
const port = await new Promise<string>((r) => server.stdout.once('data', (d) => r(String(d).trim())));
const store = await createStore({ dataDir: join(dir, 'data'), key: { kind: 'passphrase', passphrase: 'bench passphrase for boundaries' }, kdf: 'fast' });
const services = createServices({ store, host: 'headless', version: 'bench' });
try {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; lists: ${sizes}`);
  await sleep(1000);
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await sleep(3000);
  idle.disable();
  console.log(`idle 3 s: event-loop delay max ${(idle.max / 1e6).toFixed(1)} ms`);
  for (let i = 1; i <= 3; i++) {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    const r = await fetchAndImportBoundaries(services, { base: `http://127.0.0.1:${port}`, by: { officer: null, details: { via: 'bench' } } });
    const ms = performance.now() - t0;
    h.disable();
    console.log(
      `fetch ${i}: ${r.imported} boundaries (${Object.entries(r.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}) in ${ms.toFixed(0)} ms; main thread: event-loop delay max ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms`,
    );
  }
} finally {
  server.kill();
  await services.parse.close();
  await services.liveTargeting.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
