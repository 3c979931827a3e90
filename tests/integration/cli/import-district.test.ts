/**
 * `tryk subscribers import --district`: the file streamed through the parse worker, places
 * outside the district imported with a warning per line (printed and in --json), a file
 * refused at its first bad line, and an unknown district refused before anything is read.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

const bundled = resolve(__dirname, '../../../data/boundaries/denmark.topo.json');

describe('tryk subscribers import against a police district', () => {
  let tmp: ReturnType<typeof tempDir>;
  let out: string[];
  let err: string[];
  const env = () => ({ ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: join(tmp.dir, 'data') });
  const tryk = async (...argv: string[]) => {
    out = [];
    err = [];
    return (await run(argv, env())).code;
  };
  beforeEach(() => {
    tmp = tempDir();
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.remove();
  });

  it('imports places outside the district with a warning per line, and refuses what is wrong', async () => {
    expect(await tryk('init')).toBe(0);
    expect(await tryk('boundaries', 'import', bundled)).toBe(0);
    const file = join(tmp.dir, 'f.csv');
    writeFileSync(file, 'phone;home_lat;home_lon\n20123456;55,93;12,30\n21234567;56,15;10,20\n');
    expect(await tryk('subscribers', 'import', file, '--district', 'Nordsjællands Politi')).toBe(0);
    expect(out.join('\n')).toMatch(/Imported 2 of 2 rows[\s\S]*1 row\(s\) with a warning \(outside Nordsjællands Politi\):\n {2}row 3: home_lat: the home place is outside Nordsjællands Politi/);
    expect(await tryk('subscribers', 'import', file, '--district', 'Nordsjællands Politi', '--json')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, value: { imported: true, updated: 2, warned: 1, warnings: [{ row: 3, code: 'outside_district' }] } });

    expect(await tryk('subscribers', 'import', file, '--district', 'Atlantis')).toBe(1);
    expect(err.join('\n')).toMatch(/No police district called Atlantis/);
    const long = join(tmp.dir, 'long.csv');
    writeFileSync(long, `phone;name\n20123456;${'x'.repeat(3 * 1024 * 1024)}\n`);
    expect(await tryk('subscribers', 'import', long)).toBe(1);
    expect(err.join('\n')).toMatch(/long\.csv: line 2 is longer than 65536 characters; nothing was imported/);
  });
});
