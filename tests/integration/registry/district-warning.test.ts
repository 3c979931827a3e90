/**
 * "Outside the district's bounds: warn" (issue 9): a subscriber file read by the parse worker,
 * in a store with the bundled DAGI boundaries. A place in Denmark but outside the import's
 * police district is imported with a warning on its line; outside Denmark it is refused.
 * The district is the one the import names, else the console's (`console.district`), else none.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBundledBoundaries } from '../../../electron/boundaries/bundled';
import { boundaryService } from '../../../electron/boundaries/service';
import { putSetting } from '../../../electron/config/settings';
import { ParseClient } from '../../../electron/parse/client';
import { importDistrict, importPieces } from '../../../electron/registry/import-file';
import { registryService } from '../../../electron/registry/service';
import type { RegistryService } from '../../../electron/registry/service';
import { listAudit } from '../../../electron/audit/service';
import { testStore } from '../../support/store';

const actor = { officer: 'admin', via: 'cli' } as const;
const boundaries = readBundledBoundaries();
const parse = new ParseClient();
afterAll(() => parse.close());

// Hillerød (Nordsjællands Politi), Aarhus (Østjyllands Politi), Hamburg (not Denmark).
const FILE = ['phone;name;home_lat;home_lon;work_lat;work_lon', '20123456;Hillerød;55,93;12,30;;', '21234567;Aarhus;56,15;10,20;55,93;12,31', '22345678;Pendler;55,93;12,30;56,15;10,20'];

describe('a subscriber import against its police district', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let registry: RegistryService;
  beforeEach(async () => {
    store = await testStore();
    await boundaryService(store.db).importAll(boundaries);
    registry = registryService(store.db);
  });
  afterEach(() => store.remove());

  const run = async (lines: string[], district: string | null, mode: 'all_or_nothing' | 'accepted_only' = 'all_or_nothing') => {
    const text = `${lines.join('\n')}\n`;
    // In pieces that cut lines in half, as the bridge's upload and the CLI's chunks do.
    async function* pieces() {
      for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
    }
    return importPieces(parse, registry, { format: 'csv', name: 'f.csv', district: await importDistrict(store.db, district) }, pieces(), mode, actor);
  };

  it('imports places outside the named district with a warning per line, and says which district', async () => {
    const report = await run(FILE, 'Nordsjællands Politi');
    expect(report).toMatchObject({ imported: true, accepted: 3, refused: 0, warned: 2 });
    expect(report.warnings).toEqual([
      { row: 3, code: 'outside_district', field: 'home_lat', message: expect.stringMatching(/^the home place is outside Nordsjællands Politi \(\d+\); imported all the same$/) },
      { row: 4, code: 'outside_district', field: 'work_lat', message: expect.stringMatching(/work place is outside Nordsjællands Politi/) },
    ]);
    expect((await registry.counts()).total).toBe(3);
    const [entry] = await listAudit(store.db, { action: 'import' });
    expect(entry!.details).toMatchObject({ warned: 2, refused: 0 });
  });

  it('uses the console\'s district when the import names none, and checks nothing without one', async () => {
    expect((await run(FILE, null)).warned).toBe(0);
    const aarhus = boundaries.find((b) => b.kind === 'district' && b.name === 'Østjyllands Politi')!;
    await putSetting(store.db, 'console.district', aarhus.code);
    const report = await run(FILE, null);
    expect(report.warnings.map((w) => [w.row, w.field])).toEqual([[2, 'home_lat'], [3, 'work_lat'], [4, 'home_lat']]);
    expect(report.warnings[0]!.message).toMatch(/outside Østjyllands Politi/);
  });

  it('counts a place on the coast or the border as inside (the outline is simplified)', async () => {
    // Hornbæk harbour and Helsingør's Kronborg, at the water's edge of Nordsjælland.
    const report = await run(['phone;home_lat;home_lon', '20123456;56,0935;12,4613', '21234567;56,0389;12,6216'], 'Nordsjællands Politi');
    expect(report).toMatchObject({ imported: true, warned: 0 });
  });

  it('still refuses a place outside Denmark, and a district that does not exist', async () => {
    const report = await run([...FILE, '23456789;Hamburg;53,55;9,99;;'], 'Nordsjællands Politi');
    expect(report).toMatchObject({ imported: false, refused: 1, rejected: [{ row: 5, code: 'bad_place', message: expect.stringMatching(/not in Denmark/) }] });
    expect((await registry.counts()).total).toBe(0);
    await expect(run(FILE, 'Atlantis')).rejects.toMatchObject({ code: 'bad_request', message: 'No police district called Atlantis' });
  });
});
