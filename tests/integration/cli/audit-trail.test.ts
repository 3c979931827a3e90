/**
 * The CLI's state-changing commands are attributed: `--as` signs an officer in (the same
 * lockout and audit as the console), and without it the trail says "store passphrase".
 * Exports are recorded first, written to a 0600 temporary file and renamed only when whole.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

describe('tryk: who did it, for every change', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let out: string[];
  let err: string[];
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: dataDir, ...extra });
  const tryk = async (argv: string[], extra: Record<string, string> = {}) => {
    out = [];
    err = [];
    return (await run(argv, env(extra))).code;
  };
  const trail = async () => {
    expect(await tryk(['audit', 'list', '--json', '--limit', '1000'])).toBe(0);
    return (JSON.parse(out[0]!).value.entries as { action: string; officer: string | null; details: Record<string, unknown> | null }[]).sort(
      (a, b) => (a as unknown as { seq: number }).seq - (b as unknown as { seq: number }).seq,
    );
  };

  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    expect(await tryk(['demo', '--subscribers', '30'])).toBe(0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.remove();
  });

  it('records an export before writing it, in a 0600 file that appears only when whole', async () => {
    const dir = join(tmp.dir, 'out');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const file = join(dir, 'all.csv');
    expect(await tryk(['subscribers', 'export', '--out', file])).toBe(0);
    expect(readdirSync(dir)).toEqual(['all.csv']); // no temporary file left
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(31);
    const exported = (await trail()).filter((e) => e.action === 'export');
    expect(exported).toEqual([expect.objectContaining({ officer: null, details: expect.objectContaining({ via: 'cli', authority: 'store passphrase', count: 30 }) })]);
  });

  it('refuses an export by an officer without the role and leaves no file', async () => {
    const file = join(tmp.dir, 'x.csv');
    expect(await tryk(['subscribers', 'export', '--out', file, '--as', 'jensen'], { TRYK_OFFICER_PASSPHRASE: 'demo-operator' })).toBe(1);
    expect(err[0]).toMatch(/jensen may not export subscribers: that needs the admin role/);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('x.csv'))).toEqual([]);
    expect(await tryk(['subscribers', 'export', '--out', file, '--as', 'admin'], { TRYK_OFFICER_PASSPHRASE: 'demo-administrator' })).toBe(0);
    const t = await trail();
    expect(t.filter((e) => e.action === 'export').map((e) => e.officer)).toEqual(['admin']);
  });

  it('audits failed CLI sign-ins and pauses the account across runs', async () => {
    for (let i = 0; i < 5; i++) expect(await tryk(['settings', 'security.idleLockMinutes', '5', '--as', 'jensen'], { TRYK_OFFICER_PASSPHRASE: 'not the passphrase' })).toBe(1);
    expect(await tryk(['settings', 'security.idleLockMinutes', '5', '--as', 'jensen'], { TRYK_OFFICER_PASSPHRASE: 'demo-operator' })).toBe(1);
    expect(err[0]).toMatch(/try again in/);
    const failed = (await trail()).filter((e) => e.action === 'sign_in_failed');
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(failed.every((e) => e.details?.host === 'cli')).toBe(true);
  });

  it('attributes officers created, look-ups and send control; refuses pause to an operator', async () => {
    expect(await tryk(['officer', 'add', 'holm', '--roles', 'approver'], { TRYK_OFFICER_PASSPHRASE: 'shift leader passphrase' })).toBe(0);
    expect(
      await tryk(['officer', 'add', 'lund', '--roles', 'operator', '--as', 'admin'], { TRYK_OFFICER_PASSPHRASE: 'demo-administrator', TRYK_NEW_OFFICER_PASSPHRASE: 'another long one' }),
    ).toBe(0);
    expect(await tryk(['officer', 'add', 'eve', '--roles', 'admin', '--as', 'jensen'], { TRYK_OFFICER_PASSPHRASE: 'demo-operator', TRYK_NEW_OFFICER_PASSPHRASE: 'another long one' })).toBe(1);
    expect(await tryk(['send', 'pause', '1', '--as', 'jensen'], { TRYK_OFFICER_PASSPHRASE: 'demo-operator' })).toBe(1);
    expect(err[0]).toMatch(/may not pause sends: that needs the approver role/);
    expect(await tryk(['subscribers', 'count', '--json'])).toBe(0);
    const t = await trail();
    const created = t.filter((e) => e.action === 'officer_created');
    expect(created.slice(-2).map((e) => [e.officer, e.details?.username, e.details?.authority ?? null])).toEqual([
      [null, 'holm', 'store passphrase'],
      ['admin', 'lund', null],
    ]);
    expect(created.some((e) => e.details?.username === 'eve')).toBe(false);
  });
});
