/**
 * `tryk boundaries fetch` against a DAWA look-alike on 127.0.0.1 (never the real address):
 * the console's own boundaries served in DAWA's GeoJSON shape (kode/navn, nr/navn, districts
 * numbered 1460–1471, one MultiPolygon per code, a postcode without a shape), with a new
 * postcode and a renamed municipality, so a fetch visibly replaces the set. Each failure — an
 * HTTP 500, a refused connection, a truncated or invalid body, an oversize body, a stalled
 * answer — changes nothing and says "Kunne ikke hente grænser fra Dataforsyningen".
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { fetchAndImportBoundaries } from '../../../electron/boundaries/fetch';
import { createServices } from '../../../electron/services';
import { openStore } from '../../../electron/store/store';
import { defaultSettings } from '../../../electron/config/settings';
import { tempDir, testStore, TEST_PASSPHRASE } from '../../support/store';
import { handlersFor } from '../../../electron/app';
import { listAudit } from '../../../electron/audit/service';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller } from '../../../electron/bridge/dispatcher';

const topo = JSON.parse(readFileSync(resolve(__dirname, '../../../data/boundaries/denmark.topo.json'), 'utf8')) as Topology;

type Props = Record<string, string>;
interface Fc {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: Record<string, unknown>; geometry: unknown }[];
}

/** One topology object as DAWA serves it: one feature per code, a MultiPolygon, DAWA's property names. */
function dawa(object: string, props: (p: Props) => Record<string, unknown>): Fc {
  const fc = feature(topo, topo.objects[object] as GeometryCollection) as unknown as {
    features: { properties: Props; geometry: { type: string; coordinates: unknown[] } }[];
  };
  const byKey = new Map<string, { properties: Record<string, unknown>; polygons: unknown[] }>();
  for (const f of fc.features) {
    const p = props(f.properties);
    const key = JSON.stringify(p);
    const entry = byKey.get(key) ?? { properties: p, polygons: [] };
    entry.polygons.push(...(f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates));
    byKey.set(key, entry);
  }
  return {
    type: 'FeatureCollection',
    features: [...byKey.values()].map((e) => ({ type: 'Feature', properties: e.properties, geometry: { type: 'MultiPolygon', coordinates: e.polygons } })),
  };
}

const districts = dawa('politikredse', (p) => ({ dagi_id: '4032' + p.POLKR_NR, kode: String(1459 + Number(p.POLKR_NR)), navn: p.POLKR_NAVN }));
const municipalities = dawa('kommuner', (p) => ({
  kode: p.KOMKODE,
  navn: p.KOMKODE === '0219' ? 'Hillerød (hentet)' : p.KOMNAVN,
  regionskode: '1084',
}));
const postcodes = dawa('postnumre', (p) => ({ nr: p.POSTNR_TXT, navn: p.POSTBYNAVN, stormodtageradresser: null }));
const square = (lon: number, lat: number) => [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]];
postcodes.features.push(
  { type: 'Feature', properties: { nr: '0555', navn: 'Scanning' }, geometry: { type: 'Polygon', coordinates: square(12.3, 55.9) } },
  { type: 'Feature', properties: { nr: '1092', navn: 'København K (stormodtager)' }, geometry: null },
);
const bodies: Record<string, string> = {
  politikredse: JSON.stringify(districts),
  kommuner: JSON.stringify(municipalities),
  postnumre: JSON.stringify(postcodes),
};

describe('tryk boundaries fetch (a DAWA look-alike on loopback)', () => {
  let server: Server;
  let base = '';
  const asked: string[] = [];
  const open = new Set<ServerResponse>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const [, mode, list] = url.pathname.split('/');
      const body = bodies[list ?? ''];
      if (!body || url.searchParams.get('format') !== 'geojson') return res.writeHead(404).end('[]');
      if (mode === 'ok') return res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(body);
      if (mode === 'fail') return res.writeHead(500).end('{"type":"InternalServerError"}');
      // Postcodes are the third list: the first two arrive, so nothing of them may be kept.
      if (list !== 'postnumre') return res.writeHead(200).end(body);
      if (mode === 'truncated') return res.writeHead(200).end(body.slice(0, body.length / 2));
      if (mode === 'invalid') return res.writeHead(200).end('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nr":"2800","navn":"Lyngby"},"geometry":{"type":"Point","coordinates":[12,55]}}]}');
      if (mode === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>log ind</html>');
      if (mode === 'endless') {
        // No length, and no end: the reader must stop at the limit, not buffer what comes.
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        const more = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', more);
        };
        return more();
      }
      if (mode === 'stall') {
        open.add(res);
        res.writeHead(200);
        return res.write(body.slice(0, 1000)); // headers and a first part, then nothing
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let out: string[];
  let err: string[];
  const env = () => ({ ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: dataDir });
  const tryk = async (...argv: string[]) => {
    out = [];
    err = [];
    return (await run(argv, env())).code;
  };
  /** What the store holds: counts by kind, one municipality's name, the number of boundary imports audited. */
  const state = async () => {
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    try {
      const n = async (sql: string) => (await store.db.get<{ n: number }>(sql))?.n ?? 0;
      const byKind = Object.fromEntries(
        (await store.db.all<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM boundaries GROUP BY kind ORDER BY kind')).map((r) => [r.kind, r.n]),
      );
      const hillerod = (await store.db.get<{ name: string }>("SELECT name FROM boundaries WHERE kind = 'municipality' AND code = '0219'"))?.name;
      return { byKind, hillerod, imports: await n("SELECT count(*) AS n FROM audit_log WHERE action = 'boundaries_imported'") };
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await tryk('init')).toBe(0);
    expect(await tryk('boundaries', 'import', resolve(__dirname, '../../../data/boundaries/denmark.topo.json'))).toBe(0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.remove();
  });

  const before = { byKind: { district: 12, municipality: 99, postcode: 592, region: 5 }, hillerod: 'Hillerød', imports: 1 };

  it('replaces the set with what the service has: districts keep their official numbers, counts follow, audited like an import', async () => {
    expect(await state()).toEqual(before);
    asked.length = 0;
    expect(await tryk('boundaries', 'fetch', '--base', `${base}/ok`, '--json')).toBe(0);
    const result = JSON.parse(out[0]!).value;
    expect(result).toMatchObject({ byKind: { district: 12, municipality: 99, postcode: 593 }, withoutShape: 1, source: `${base}/ok/` });
    // DAWA's own addresses and parameters, on the address given.
    expect(asked).toEqual([
      '/ok/politikredse?format=geojson&srid=4326&noformat',
      '/ok/kommuner?format=geojson&srid=4326&noformat',
      '/ok/postnumre?format=geojson&srid=4326&landpostnumre&noformat',
    ]);
    // 1460–1471 became 1–12 (no second set of districts), the new postcode is there, the rename took.
    expect(await state()).toEqual({ byKind: { district: 12, municipality: 99, postcode: 593, region: 5 }, hillerod: 'Hillerød (hentet)', imports: 2 });
    expect(await tryk('audit', 'list', '--action', 'boundaries_imported', '--json')).toBe(0);
    expect(out.join('\n')).toContain(`${base}/ok/`);
  });

  it.each([
    ['an HTTP 500', 'fail', /HTTP 500/],
    ['a truncated body', 'truncated', /postnumre .*not valid JSON/],
    ['GeoJSON that is not an area', 'invalid', /postnumre .*feature 1 \(2800\) is not a valid Polygon/],
    ['a web page', 'html', /postnumre .*not valid JSON/],
    ['a body over 64 MiB', 'endless', /over the limit of 64 MiB/],
  ])('changes nothing on %s and says why', async (_what, mode, why) => {
    expect(await tryk('boundaries', 'fetch', '--base', `${base}/${mode}`)).toBe(1);
    expect(err.join('\n')).toMatch(/Kunne ikke hente grænser fra Dataforsyningen: /);
    expect(err.join('\n')).toMatch(why);
    expect(await state()).toEqual(before);
  });

  it('changes nothing when the address refuses connections (offline)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await tryk('boundaries', 'fetch', '--base', `http://127.0.0.1:${port}`)).toBe(1);
    expect(err.join('\n')).toMatch(/Kunne ikke hente grænser fra Dataforsyningen: politikredse: the connection was refused/);
    expect(await state()).toEqual(before);
  });

  it('refuses an address that is not http(s) before asking anyone', async () => {
    expect(await tryk('boundaries', 'fetch', '--base', 'ftp://127.0.0.1/')).toBe(1);
    expect(err.join('\n')).toMatch(/only http and https/);
    expect(await state()).toEqual(before);
  });

  it('gives up on an answer that stalls (the timeout, shortened here) and changes nothing', async () => {
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    const services = createServices({ store, host: 'headless', version: 'test' });
    try {
      await expect(
        fetchAndImportBoundaries(services, { base: `${base}/stall`, by: { officer: null, details: {} }, limits: { timeoutMs: 500, maxBytes: 64 * 1024 * 1024 } }),
      ).rejects.toThrow(/Kunne ikke hente grænser fra Dataforsyningen: postnumre: no complete answer within 0.5 s/);
    } finally {
      await services.parse.close();
      await store.close();
      for (const r of open) r.destroy();
    }
    expect(await state()).toEqual(before);
  });

  it('uses the setting boundaries.sourceUrl when no --base is given (here set to loopback)', async () => {
    expect(defaultSettings['boundaries.sourceUrl']).toBe('https://api.dataforsyningen.dk');
    expect(await tryk('settings', 'boundaries.sourceUrl', `${base}/ok`)).toBe(2); // an admin's change: --as is needed
    const withOfficer = { ...env(), TRYK_OFFICER_PASSPHRASE: 'a long passphrase' };
    expect((await run(['officer', 'add', 'admin1', '--roles', 'admin'], withOfficer)).code).toBe(0);
    expect((await run(['settings', 'boundaries.sourceUrl', `${base}/ok`, '--as', 'admin1'], withOfficer)).code).toBe(0);
    asked.length = 0;
    expect((await run(['boundaries', 'fetch', '--as', 'admin1'], withOfficer)).code).toBe(0);
    expect(asked).toHaveLength(3);
    expect((await state()).byKind.postcode).toBe(593);
  });

  it("the console's boundaries.fetch: admins only, from the setting's address, audited with the host; a failure gives the reason", async () => {
    const store = await testStore();
    const services = createServices({ store, host: 'headless', version: 'test' });
    const dispatch = createDispatcher(handlersFor(services));
    const as = (roles: ('operator' | 'approver' | 'admin')[]): Caller => {
      const session = newSession();
      session.officer = { id: 1, username: roles.join('+'), displayName: 'X', roles };
      session.lastActivity = Date.now();
      return { session, host: 'headless' };
    };
    try {
      await services.settings.set('boundaries.sourceUrl', `${base}/ok`);
      asked.length = 0;
      expect(await dispatch(as(['operator', 'approver']), 'boundaries.fetch', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(asked).toEqual([]);
      const ok = await dispatch(as(['admin']), 'boundaries.fetch', {});
      expect(ok).toMatchObject({ ok: true, value: { byKind: { district: 12, municipality: 99, postcode: 593 }, withoutShape: 1 } });
      expect((await services.boundaries.list('district')).map((d) => d.code)).toEqual(['1', '10', '11', '12', '2', '3', '4', '5', '6', '7', '8', '9']);
      const [entry] = await listAudit(store.db, { action: 'boundaries_imported' });
      expect(entry).toMatchObject({ officer: 'admin', details: { via: 'console', host: 'headless', source: `${base}/ok/` } });
      await services.settings.set('boundaries.sourceUrl', `${base}/fail`);
      const failed = await dispatch(as(['admin']), 'boundaries.fetch', {});
      expect(failed).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'politikredse: the server answered HTTP 500' } } });
      expect(await services.boundaries.count()).toBe(12 + 99 + 593);
    } finally {
      await services.parse.close();
      await services.liveTargeting.close();
      await store.remove();
    }
  });
});
