import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { latestVersion } from '../../../electron/store/migrations';
import { TestSmsc } from '../../support/smsc/server';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

const dagi = resolve(__dirname, '../../../../shared/data/dagi');

describe('tryk (in process)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let out: string[];
  let err: string[];
  const env = () => ({ ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: dataDir });
  const tryk = async (...argv: string[]) => {
    out = [];
    err = [];
    const { code } = await run(argv, env());
    return code;
  };

  beforeEach(() => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.remove();
  });

  it('prints help, and exits 2 on an unknown command or option with one line of reason', async () => {
    expect(await tryk('--help')).toBe(0);
    expect(out.join('\n')).toMatch(/boundaries import/);
    expect(await tryk('frobnicate')).toBe(2);
    expect(err).toEqual(['tryk: unknown command "frobnicate" (see tryk --help)']);
    expect(await tryk('status', '--frob')).toBe(2);
    expect(err).toHaveLength(1);
  });

  it("sets, shows nothing of and clears an officer's own phone (officer add --phone, officer set-phone)", async () => {
    expect(await tryk('init')).toBe(0);
    const withOfficer = { ...env(), TRYK_OFFICER_PASSPHRASE: 'a long passphrase' };
    expect((await run(['officer', 'add', 'jensen', '--roles', 'operator', '--phone', '20 12 34 56'], withOfficer)).code).toBe(0);
    expect(out.join('\n')).toMatch(/own phone \+45 •• •• •• 56/);
    expect(out.join('\n')).not.toContain('20123456');
    expect(await tryk('officer', 'set-phone', 'jensen', 'not a number')).toBe(2);
    expect(await tryk('officer', 'set-phone', 'nobody', '20123457')).toBe(1);
    expect(await tryk('officer', 'set-phone', 'jensen', '--clear')).toBe(0);
    expect(out.join('\n')).toMatch(/no own phone/);
    expect(await tryk('officer', 'set-phone', 'jensen', '+45 20 12 34 57')).toBe(0);
    expect(await tryk('audit', 'list', '--action', 'officer_phone_set', '--json')).toBe(0);
    expect(out.join('\n')).not.toContain('2012345');
    expect(out.join('\n').match(/officer_phone_set/g)).toHaveLength(3);
  });

  it('init, import boundaries, add a gateway, status as JSON', async () => {
    expect(await tryk('init')).toBe(0);
    expect(
      await tryk('boundaries', 'import', join(dagi, 'politikredse.geojson'), join(dagi, 'kommuner.geojson'), '--json'),
    ).toBe(0);
    expect(JSON.parse(out[0]!).value.byKind).toEqual({ district: 12, municipality: 99 });
    expect(await tryk('gateway', 'add', 'sim', 'simulator://?tps=200')).toBe(0);
    expect(await tryk('status', '--json')).toBe(0);
    const status = JSON.parse(out[0]!).value;
    expect(status.store).toMatchObject({ schemaVersion: latestVersion, encrypted: true, boundaries: 111, subscribers: 0 });
    expect(status.district).toBeNull();
    // The CLI connects no gateway: it says so rather than claim a connection it does not have.
    expect(status.gateways).toEqual([{ name: 'sim', kind: 'simulator', state: 'disconnected', primary: true }]);
  });

  it("imports the console's own TopoJSON boundaries (data/boundaries) like GeoJSON", async () => {
    expect(await tryk('init')).toBe(0);
    const topo = resolve(__dirname, '../../../data/boundaries/denmark.topo.json');
    expect(await tryk('boundaries', 'import', topo, '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.byKind).toEqual({ district: 12, municipality: 99, postcode: 592, region: 5 });
  });

  it('imports nothing when one of several files is bad', async () => {
    expect(await tryk('init')).toBe(0);
    const bad = join(tmp.dir, 'bad.geojson');
    (await import('node:fs')).writeFileSync(bad, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"KOMKODE":"1"},"geometry":null}]}');
    expect(await tryk('boundaries', 'import', join(dagi, 'politikredse.geojson'), bad)).toBe(1);
    expect(err[0]).toMatch(/^tryk: bad\.geojson: feature 1/);
    expect(await tryk('status', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.store.boundaries).toBe(0);
  });

  it('answers errors as JSON with a code under --json', async () => {
    expect(await tryk('status', '--json')).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: false, error: { code: 'store_missing' } });
    expect(readdirSync(tmp.dir)).toEqual([]); // nothing created by a failed status
  });

  it('keeps gateway passwords out of its output', async () => {
    expect(await tryk('init')).toBe(0);
    expect(await tryk('gateway', 'add', 'smsc', 'smpp://tryk:s3cret-pw@127.0.0.1:2775')).toBe(0);
    expect(await tryk('status')).toBe(0);
    expect(await tryk('status', '--json')).toBe(0);
    expect([...out, ...err].join('\n')).not.toContain('s3cret-pw');
  });

  it('makes a demo store in the named district, and refuses an unknown district before writing anything', async () => {
    expect(await tryk('demo', '--district', 'Atlantis Politi', '--subscribers', '10')).toBe(1);
    expect(err[0]).toMatch(/no police district "Atlantis Politi"; choose one of: .*Nordsjællands Politi/);
    expect(readdirSync(tmp.dir)).toEqual([]);
    expect(await tryk('demo', '--subscribers', '500', '--seed', '3', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toMatchObject({ subscribers: 500, district: 'Nordsjællands Politi' });
    expect(await tryk('status', '--json')).toBe(0);
    const status = JSON.parse(out[0]!).value;
    expect(status.district).toEqual({ code: '9', name: 'Nordsjællands Politi' });
    expect(status.gateways[0]).toMatchObject({ name: 'simulator', kind: 'simulator', primary: true });
    expect(await tryk('demo', '--subscribers', '10')).toBe(1);
    expect(err[0]).toMatch(/already a store/);
  });

  it('imports, shows, exports, counts and erases subscribers', async () => {
    expect(await tryk('init')).toBe(0);
    const { writeFileSync, readFileSync } = await import('node:fs');
    const good = join(tmp.dir, 'good.csv');
    writeFileSync(good, 'phone;name;groups;home_lat;home_lon\n26 12 34 56;Bo;taxi;55,93;12,31\n+4527123456;;;55.60;12.50\n');
    const bad = join(tmp.dir, 'bad.csv');
    writeFileSync(bad, 'phone,name\n26999999,Al\nhello,Bad\n');
    expect(await tryk('subscribers', 'import', bad)).toBe(1);
    expect(err.join('\n')).toMatch(/Nothing imported: 1 of 2 rows are refused[\s\S]*row 3: phone: not a valid phone number/);
    expect(await tryk('subscribers', 'import', good, '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toMatchObject({ imported: true, created: 2 });
    expect(await tryk('subscribers', 'show', '26123456', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toMatchObject({ phone: '+4526123456', name: 'Bo', groups: ['taxi'], places: [{ lat: 55.93, lon: 12.31 }] });
    const file = join(tmp.dir, 'export.csv');
    expect(await tryk('subscribers', 'export', '--out', file)).toBe(0);
    expect(readFileSync(file, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(await tryk('subscribers', 'export', '--out', file)).toBe(1); // never overwrites
    expect(await tryk('subscribers', 'erase', '+45 26 12 34 56')).toBe(2); // needs --yes
    expect(await tryk('subscribers', 'erase', '+45 26 12 34 56', '--yes')).toBe(0);
    expect(await tryk('subscribers', 'count', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.total).toBe(1);
    expect(await tryk('subscribers', 'show', '26123456')).toBe(1);
    expect(err[0]).toBe('tryk: No subscriber with that phone number');
  });

  it("keeps the console's index snapshot current after a CLI import and erase, so its next start stays warm", async () => {
    expect(await tryk('demo', '--subscribers', '300', '--seed', '3')).toBe(0);
    const { openStore } = await import('../../../electron/store/store');
    const { loadOrBuildIndex, snapshotState } = await import('../../../electron/targeting/snapshot');
    const state = async (work?: (s: Awaited<ReturnType<typeof openStore>>) => Promise<void>) => {
      const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
      try {
        await work?.(store);
        return await snapshotState(store.db);
      } finally {
        await store.close();
      }
    };
    // A console ran on the store: its snapshot is written and current.
    expect(await state(async (s) => void (await (await loadOrBuildIndex(s.db)).snapshot))).toBe('current');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { writeFileSync } = await import('node:fs');
    const csv = join(tmp.dir, 'more.csv');
    writeFileSync(csv, 'phone;home_lat;home_lon\n26 55 44 33;55,93;12,31\n');
    expect(await tryk('subscribers', 'import', csv, '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toMatchObject({ imported: true, created: 1 });
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/Map index updated in/);
    expect(await state()).toBe('current');
    // The next start loads that snapshot and counts the new subscriber.
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    try {
      const start = await loadOrBuildIndex(store.db);
      expect(start.source).toBe('snapshot');
      expect(start.index.subscriberCount).toBe(301);
    } finally {
      await store.close();
    }
    expect(await tryk('subscribers', 'erase', '+4526554433', '--yes')).toBe(0);
    expect(await state()).toBe('current');
    // A read-only command changes nothing and says nothing.
    stderr.mockClear();
    expect(await tryk('subscribers', 'count', '--json')).toBe(0);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('counts an area from GeoJSON, and explains a bad one', async () => {
    expect(await tryk('demo', '--subscribers', '800', '--seed', '5')).toBe(0);
    const { writeFileSync } = await import('node:fs');
    const circle = join(tmp.dir, 'circle.geojson');
    writeFileSync(circle, JSON.stringify({ type: 'Feature', properties: { radius: 20000 }, geometry: { type: 'Point', coordinates: [12.311, 55.927] } }));
    expect(await tryk('target', 'count', '--area', circle, '--json')).toBe(0);
    const c = JSON.parse(out[0]!).value;
    expect(c.total).toBeGreaterThan(0);
    expect(c.total).toBeLessThanOrEqual(800);
    const bowtie = join(tmp.dir, 'bowtie.geojson');
    writeFileSync(bowtie, JSON.stringify({ type: 'Polygon', coordinates: [[[12, 55], [13, 56], [13, 55], [12, 56], [12, 55]]] }));
    expect(await tryk('target', 'count', '--area', bowtie)).toBe(1);
    expect(err[0]).toMatch(/^tryk: .*(intersect|cross)/i);
  });

  it('creates officers from the command line and lists them, refusing bad roles', async () => {
    expect(await tryk('init')).toBe(0);
    expect(await tryk('officer', 'list')).toBe(1);
    expect(err[0]).toMatch(/No officers yet/);
    expect(await tryk('officer', 'add', 'holm', '--roles', 'king')).toBe(2);
    const env2 = { ...env(), TRYK_OFFICER_PASSPHRASE: 'shift leader passphrase' };
    out = [];
    expect((await run(['officer', 'add', 'holm', '--roles', 'approver,operator', '--name', 'Vagtchef Holm'], env2)).code).toBe(0);
    expect(await tryk('officer', 'list', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toEqual([
      { id: 1, username: 'holm', displayName: 'Vagtchef Holm', roles: ['approver', 'operator'], disabled: false },
    ]);
  });

  it('shows the settings and lets an admin change one, audited; refuses bad values and non-admins', async () => {
    expect(await tryk('demo', '--subscribers', '10')).toBe(0);
    expect(await tryk('settings', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value['security.idleLockMinutes']).toBe(15);
    const as = (passphrase: string, ...argv: string[]) => run(argv, { ...env(), TRYK_OFFICER_PASSPHRASE: passphrase });
    expect((await as('demo-administrator', 'settings', 'security.idleLockMinutes', '500', '--as', 'admin')).code).toBe(1);
    expect((await as('demo-operator', 'settings', 'security.idleLockMinutes', '5', '--as', 'jensen')).code).toBe(1);
    expect((await as('demo-administrator', 'settings', 'security.idleLockMinutes', '5', '--as', 'admin')).code).toBe(0);
    expect((await as('demo-administrator', 'settings', 'map.tileUrl', 'off', '--as', 'admin')).code).toBe(0);
    expect(await tryk('settings', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toMatchObject({ 'security.idleLockMinutes': 5, 'map.tileUrl': null });
    expect(await tryk('audit', 'list', '--action', 'settings_changed', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.entries).toHaveLength(2);
  });

  it('tests a configured SMPP gateway: binds and reports; a wrong password is a clear refusal without the password', async () => {
    const smsc = await TestSmsc.start();
    try {
      expect(await tryk('init')).toBe(0);
      expect(await tryk('gateway', 'add', 'smsc', smsc.url())).toBe(0);
      expect(await tryk('gateway', 'add', 'wrong', smsc.url('', 'tryk:wr0ngpw'))).toBe(0);
      expect(await tryk('gateway', 'test', 'smsc', '--json')).toBe(0);
      expect(JSON.parse(out[0]!).value).toMatchObject({ name: 'smsc', kind: 'smpp', connected: true });
      expect(await tryk('gateway', 'test', 'wrong')).toBe(1);
      expect(err[0]).toMatch(/^tryk: wrong refused or could not be reached: ESME_RBINDFAIL/);
      expect(err[0]).not.toContain('wr0ngpw');
      expect(await tryk('gateway', 'list', '--json')).toBe(0);
      expect(out.join('')).not.toContain('wr0ngpw');
      expect(out.join('')).not.toContain('secret');
      expect(await tryk('gateway', 'test', 'nope')).toBe(1);
    } finally {
      await smsc.close();
    }
  });
});
