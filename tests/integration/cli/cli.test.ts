import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
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

  it('init, import boundaries, add a gateway, status as JSON', async () => {
    expect(await tryk('init')).toBe(0);
    expect(
      await tryk('boundaries', 'import', join(dagi, 'politikredse.geojson'), join(dagi, 'kommuner.geojson'), '--json'),
    ).toBe(0);
    expect(JSON.parse(out[0]!).value.byKind).toEqual({ district: 12, municipality: 99 });
    expect(await tryk('gateway', 'add', 'sim', 'simulator://?tps=200')).toBe(0);
    expect(await tryk('status', '--json')).toBe(0);
    const status = JSON.parse(out[0]!).value;
    expect(status.store).toMatchObject({ schemaVersion: 2, encrypted: true, boundaries: 111, subscribers: 0 });
    expect(status.gateways).toEqual([{ name: 'sim', kind: 'simulator', state: 'connected', primary: true }]);
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
});
