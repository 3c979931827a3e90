import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, Template } from '../../../shared/alerts/schema';
import {
  alertApproveCommand,
  alertCapCommand,
  alertCreateCommand,
  alertListCommand,
  alertRejectCommand,
  alertShowCommand,
  alertSubmitCommand,
  alertTemplatesCommand,
} from '../../../electron/cli/alert-commands';
import type { Command, CommandContext } from '../../../electron/cli/command';
import { UsageError } from '../../../electron/cli/command';
import { officerService } from '../../../electron/officers/service';
import { recordsFromText } from '../../../electron/registry/files';
import { registryService } from '../../../electron/registry/service';
import { createStore } from '../../../electron/store/store';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';
import { validateCap } from '../../unit/cap/fixtures';

const OFFICER_PASSPHRASE = 'a long officer passphrase';

describe('tryk alert', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let areaFile: string;

  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    const store = await createStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, kdf: 'fast' });
    const officers = officerService(store.db, { cost: 'fast' });
    await officers.create({ username: 'olsen', displayName: 'Olsen', roles: ['operator'], passphrase: OFFICER_PASSPHRASE });
    await officers.create({ username: 'vagtchef', displayName: 'Vagtchef', roles: ['approver'], passphrase: OFFICER_PASSPHRASE });
    await officers.create({ username: 'admin', displayName: 'Admin', roles: ['admin'], passphrase: OFFICER_PASSPHRASE });
    const rows = 'phone,status,home_lat,home_lon\n20123401,active,55.93,12.3\n20123402,active,55.94,12.31\n20123403,active,55.68,12.57';
    await registryService(store.db).importRecords(recordsFromText(rows, 'csv', 'r.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    await store.close();
    areaFile = join(tmp.dir, 'area.geojson');
    writeFileSync(areaFile, JSON.stringify({ type: 'Polygon', coordinates: [[[12.2, 55.9], [12.4, 55.9], [12.4, 56.0], [12.2, 56.0], [12.2, 55.9]]] }));
  });
  afterEach(() => tmp.remove());

  const ctx = (positionals: string[], values: CommandContext['values'], officerPassphrase = OFFICER_PASSPHRASE): CommandContext => ({
    values,
    positionals,
    dataDir,
    json: true,
    env: { TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_OFFICER_PASSPHRASE: officerPassphrase },
    progress: () => undefined,
  });
  const run = async (command: Command, positionals: string[], values: CommandContext['values'] = {}, pass?: string) =>
    (await command.run(ctx(positionals, values, pass))).json;

  it('creates and submits as one officer, approves as another, and exports CAP', async () => {
    const created = (await run(alertCreateCommand, [], {
      as: 'olsen',
      category: 'burglary',
      template: 'burglary.alert.da',
      field: ['case_number=0900-7', 'description=To villaer ramt.', 'area_name=Hillerød', 'time=i nat', 'tip=ring 114'],
      area: areaFile,
      submit: true,
    })) as Alert;
    expect(created).toMatchObject({ status: 'awaiting_approval', revision: 2, createdBy: { displayName: 'Olsen' } });
    expect(created.smsText).toBe('Politiet: Indbrud i Hillerød i nat. To villaer ramt. Lås døre og vinduer. Tip os: ring 114. J.nr. 0900-7');
    const id = String(created.id);

    await expect(run(alertApproveCommand, [id], { as: 'olsen' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(run(alertApproveCommand, [id], { as: 'vagtchef' }, 'the wrong passphrase')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(run(alertApproveCommand, [id], { as: 'vagtchef', revision: '1' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(run(alertApproveCommand, [id], {})).rejects.toBeInstanceOf(UsageError);
    expect(await run(alertApproveCommand, [id], { as: 'vagtchef', comment: 'Godkendt' })).toMatchObject({ status: 'approved', approvedBy: { displayName: 'Vagtchef' } });

    expect(((await run(alertListCommand, [], { status: 'approved' })) as Alert[]).map((a) => a.id)).toEqual([created.id]);
    expect(await run(alertListCommand, [], { status: 'draft' })).toEqual([]);
    await expect(run(alertListCommand, [], { status: 'lost' })).rejects.toBeInstanceOf(UsageError);
    expect(await run(alertShowCommand, [id])).toMatchObject({ alert: { id: created.id }, preview: { recipients: 2, smsParts: 1, totalParts: 2 } });

    const { xml } = (await run(alertCapCommand, [id])) as { xml: string };
    expect((await validateCap(xml))).toMatchObject({ ok: true });
    expect(xml).toContain(`<identifier>${created.uuid}</identifier>`);
  });

  it('rejects with a reason and submits a plain draft later', async () => {
    const created = (await run(alertCreateCommand, [], { as: 'olsen', category: 'fraud', lang: 'en', sms: 'Police warning: fake bank calls.', area: areaFile })) as Alert;
    expect(created).toMatchObject({ status: 'draft', language: 'en', smsText: 'Police warning: fake bank calls.' });
    const submitted = await run(alertSubmitCommand, [String(created.id)], { as: 'olsen' });
    expect(submitted).toMatchObject({ status: 'awaiting_approval' });
    await expect(run(alertRejectCommand, [String(created.id)], { as: 'vagtchef' })).rejects.toBeInstanceOf(UsageError);
    expect(await run(alertRejectCommand, [String(created.id)], { as: 'vagtchef', comment: 'Name the bank' })).toMatchObject({
      status: 'rejected',
      decisionComment: 'Name the bank',
    });
  });

  it('lets an administrator replace a template, and drafts use it', async () => {
    const builtins = (await run(alertTemplatesCommand, [])) as Template[];
    const mine = { ...builtins.find((t) => t.id === 'fraud.alert.da')!, name: 'Telefonsvindel', sms: 'Politiet advarer mod falske opkald fra "banken" i {area_name}.' };
    const file = join(tmp.dir, 'templates.json');
    writeFileSync(file, JSON.stringify([mine]));
    await expect(run(alertTemplatesCommand, [], { set: file, as: 'olsen' })).rejects.toMatchObject({ code: 'forbidden' });
    writeFileSync(join(tmp.dir, 'bad.json'), JSON.stringify([{ id: 'x' }]));
    await expect(run(alertTemplatesCommand, [], { set: join(tmp.dir, 'bad.json'), as: 'admin' })).rejects.toMatchObject({ code: 'bad_request' });
    const after = (await run(alertTemplatesCommand, [], { set: file, as: 'admin' })) as Template[];
    expect(after).toHaveLength(builtins.length);
    expect(after.find((t) => t.id === 'fraud.alert.da')!.name).toBe('Telefonsvindel');
    const created = (await run(alertCreateCommand, [], { as: 'olsen', category: 'fraud', template: 'fraud.alert.da', field: ['area_name=Gilleleje'] })) as Alert;
    expect(created.smsText).toBe('Politiet advarer mod falske opkald fra "banken" i Gilleleje.');
  });
});
