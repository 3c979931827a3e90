/** `tryk panel add` and `tryk survey …` against a real store and the simulator. */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, CommandContext } from '../../../electron/cli/command';
import { UsageError } from '../../../electron/cli/command';
import {
  panelAddCommand,
  parseQuestionOption,
  surveyApproveCommand,
  surveyCloseCommand,
  surveyCreateCommand,
  surveyResultsCommand,
  surveySendCommand,
  surveyStatusCommand,
} from '../../../electron/cli/survey-commands';
import { gatewayConfigService } from '../../../electron/config/gateways';
import { officerService } from '../../../electron/officers/service';
import { recordsFromText } from '../../../electron/registry/files';
import { registryService } from '../../../electron/registry/service';
import { createStore } from '../../../electron/store/store';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

const OFFICER_PASSPHRASE = 'a long officer passphrase';

describe('tryk survey and tryk panel add', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;

  beforeEach(async () => {
    tmp = tempDir();
    dataDir = join(tmp.dir, 'data');
    const store = await createStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE }, kdf: 'fast' });
    const officers = officerService(store.db, { cost: 'fast' });
    await officers.create({ username: 'olsen', displayName: 'Olsen', roles: ['operator'], passphrase: OFFICER_PASSPHRASE });
    await officers.create({ username: 'vagtchef', displayName: 'V', roles: ['operator', 'approver'], passphrase: OFFICER_PASSPHRASE });
    await gatewayConfigService(store.db).add('sim', 'simulator://?tps=0&latency=0&dlrDelay=10&replyDelay=20&fail=0&absent=0&expire=0&invalid=0&replies=0&surveyReplies=1', { primary: true });
    const rows = ['phone,home_lat,home_lon', ...Array.from({ length: 12 }, (_, i) => `201234${String(i).padStart(2, '0')},55.93,12.3`)];
    await registryService(store.db).importRecords(recordsFromText(rows.join('\n'), 'csv', 'r.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    await store.close();
  });
  afterEach(() => tmp.remove());

  const ctx = (positionals: string[], values: CommandContext['values'], json = true): CommandContext => ({
    values,
    positionals,
    dataDir,
    json,
    env: { TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_OFFICER_PASSPHRASE: OFFICER_PASSPHRASE },
    progress: () => undefined,
  });
  const run = async (command: Command, positionals: string[], values: CommandContext['values'] = {}) => (await command.run(ctx(positionals, values))).json as Record<string, unknown>;

  it('adds members, drafts, approves (four eyes), sends, tallies, exports CSV and closes', async () => {
    const file = join(tmp.dir, 'panel.txt');
    writeFileSync(file, '20123400\n20 12 34 11\n\n99999999\n');
    expect(await run(panelAddCommand, ['+4520123411'], { file })).toEqual({ added: 2, already: 1, unknown: ['99999999'] });
    expect(() => parseQuestionOption('maybe:x')).toThrow(UsageError);
    await expect(run(surveyCreateCommand, [], { as: 'olsen', title: 'T' })).rejects.toBeInstanceOf(UsageError);
    const s = (await run(surveyCreateCommand, [], { as: 'olsen', title: 'Tryghed', question: ['scale:Hvor tryg føler du dig?'] })) as { id: number; state: string };
    expect(s.state).toBe('draft');
    const id = String(s.id);
    await expect(run(surveyApproveCommand, [id], { as: 'olsen' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await run(surveyApproveCommand, [id], { as: 'vagtchef' })).toMatchObject({ state: 'approved', approvedBy: 'vagtchef' });
    const sent = await run(surveySendCommand, [id], { as: 'olsen', wait: '3' });
    expect(sent).toMatchObject({ state: 'open', recipients: 2 });
    const results = (await run(surveyResultsCommand, [id])) as { respondents: number; invalid: number; tally: { options: { count: number }[] }[] };
    expect(results.respondents + results.invalid).toBe(2);
    const csv = (await surveyResultsCommand.run(ctx([id], { csv: true }, false))).text;
    expect(csv.split('\r\n')[0]).toBe('question,text,option,count');
    expect(csv.split('\r\n')).toHaveLength(6);
    expect(await run(surveyCloseCommand, [id], { as: 'olsen' })).toMatchObject({ state: 'closed' });
    expect(await run(surveyStatusCommand, [])).toMatchObject({ panel: 2, surveys: [{ id: s.id, state: 'closed' }] });
  }, 60_000);
});
