/** `tryk alert create|show|status` with an alert's two texts, in process on a real store. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../electron/cli/main';
import { freezeRecipients } from '../../../electron/dispatch/release';
import { createServices } from '../../../electron/services';
import { openStore } from '../../../electron/store/store';
import { tempDir, TEST_PASSPHRASE } from '../../support/store';

describe('tryk alert with two languages', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dataDir: string;
  let out: string[];
  let err: string[];
  const tryk = async (...argv: string[]) => {
    out = [];
    err = [];
    const env = { ...process.env, TRYK_PASSPHRASE: TEST_PASSPHRASE, TRYK_KDF_COST: 'fast', TRYK_DATA_DIR: dataDir, TRYK_OFFICER_PASSPHRASE: 'jensen passphrase' };
    return (await run(argv, env)).code;
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

  it('creates a draft with the English text from the same template, shows both, and reports each text of the send', async () => {
    expect(await tryk('init')).toBe(0);
    const store = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    await createServices({ store, host: 'headless', version: 'test' }).officers.create({ username: 'jensen', displayName: 'Jensen', roles: ['operator'], passphrase: 'jensen passphrase' });
    await store.close();

    // Refused before anything is made: --bilingual needs a template to take the other language from.
    expect(await tryk('alert', 'create', '--as', 'jensen', '--category', 'burglary', '--bilingual')).toBe(2);
    expect(err.join('\n')).toMatch(/--bilingual fills the other language/);
    expect(await tryk('alert', 'list', '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value).toEqual([]);

    const fields = ['--field', 'area_name=Hillerød', '--field', 'time=i nat', '--field', 'description=To villaer.', '--field', 'case_number=0900-1'];
    expect(await tryk('alert', 'create', '--as', 'jensen', '--category', 'burglary', '--template', 'burglary.alert.da', '--bilingual', ...fields, '--json')).toBe(0);
    const created = JSON.parse(out[0]!).value;
    expect(created.smsText).toMatch(/^Politiet: Indbrud i Hillerød i nat/);
    expect(created.smsTextOther).toMatch(/^Police: Burglaries in Hillerød i nat/);

    expect(await tryk('alert', 'show', String(created.id))).toBe(0);
    expect(out.join('\n')).toMatch(/da: Politiet: Indbrud/);
    expect(out.join('\n')).toMatch(/en: Police: Burglaries/);
    expect(await tryk('alert', 'show', String(created.id), '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.alert.smsTextOther).toBe(created.smsTextOther);

    // A send of it as the engine freezes one: two Danish recipients, one English.
    const again = await openStore({ dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    await freezeRecipients(
      again.db,
      {
        alertRef: `alert:${created.id}`,
        text: 'Politiet: Indbrud.',
        languageTexts: [{ language: 'en', text: 'Police: Burglary.' }],
        recipients: [
          { phone: '+4520000001', language: 'da' },
          { phone: '+4520000002', language: 'en' },
          { phone: '+4520000003' },
        ],
        priority: 'routine',
        validityMinutes: 60,
        primary: 'sim',
        respectQuietHours: false,
      },
      Date.now(),
      100,
    );
    await again.close();
    expect(await tryk('alert', 'status', String(created.id), '--json')).toBe(0);
    expect(JSON.parse(out[0]!).value.texts).toEqual([
      { variant: 0, language: 'da', text: 'Politiet: Indbrud.', encoding: 'GSM-7', segments: 1, recipients: 2, delivered: 0 },
      { variant: 1, language: 'en', text: 'Police: Burglary.', encoding: 'GSM-7', segments: 1, recipients: 1, delivered: 0 },
    ]);
    expect(await tryk('alert', 'status', String(created.id))).toBe(0);
    expect(out.join('\n')).toMatch(/en: 1 recipient\(s\), 0 delivered, 1 part\(s\) GSM-7: Police: Burglary\./);
  });
});
