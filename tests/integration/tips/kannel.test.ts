/**
 * Inbound SMS through a real Kannel 1.4 (fakesmsc sends the MO, smsbox calls the console's
 * get-url) into the tip intake over a real store: tips and keywords arrive, each is answered
 * to Kannel only once stored, and a get-url the console could not store is tried again by
 * smsbox and stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KannelGateway } from '../../../electron/gateways/kannel/connector';
import { parseKannelUrl } from '../../../electron/gateways/kannel/config';
import { moGetUrl } from '../../../electron/gateways/kannel/protocol';
import { recordsFromText } from '../../../electron/registry/files';
import { createServices } from '../../../electron/services';
import { createIntake } from '../../../electron/tips/intake';
import { TestKannel, freePort, kannelMissing } from '../../support/kannel/kannel';
import { testStore } from '../../support/store';

const missing = kannelMissing();
if (missing && process.env.TRYK_REQUIRE_KANNEL === '1') throw new Error(missing);

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missing !== undefined)('tips through real Kannel', () => {
  let kannel: TestKannel;
  let gateway: KannelGateway;
  let store: Awaited<ReturnType<typeof testStore>>;
  let failNext = 0;
  let refused = 0;

  beforeAll(async () => {
    store = await testStore();
    const services = createServices({ store, host: 'headless', version: 'test' });
    await services.registry.importRecords(recordsFromText('phone,status,home_lat,home_lon\n22334455,active,55.93,12.3', 'csv', 't.csv'), 'all_or_nothing', { officer: null, via: 'cli' });
    const intake = createIntake({ db: store.db, settings: services.settings });
    const receiverPort = await freePort();
    kannel = await TestKannel.start({ moGetUrl: moGetUrl(`http://127.0.0.1:${receiverPort}`) });
    gateway = new KannelGateway(parseKannelUrl(`kannel://tryk:hemmelig@${kannel.sendsmsBase()}?smsc=FAKE&from=Politi&dlrListen=127.0.0.1:${receiverPort}`));
    gateway.onInbound((m) => {
      if (failNext > 0) {
        failNext--;
        refused++;
        return Promise.reject(new Error('disk full'));
      }
      return intake.take('kannel', m);
    });
    await gateway.connect();
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await kannel?.stop();
    await store?.remove();
  });

  const tips = () => store.db.all<{ text: string; sender: string }>('SELECT text, sender FROM tips ORDER BY id');

  it('stores a tip with Kannel’s own message id, and a UCS-2 one intact', async () => {
    await kannel.sendMo('+4512345678 1999 text Jeg så en hvid varevogn ved skolen kl. 14');
    const text = 'Ring  til mig 📞 <b>nu</b>';
    const octets = [...Buffer.from(text, 'utf16le').swap16()].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    await kannel.sendMo(`004512345679 1999 ucs2 ${octets}`);
    await until(async () => (await tips()).length === 2);
    expect(await tips()).toEqual([
      { text: 'Jeg så en hvid varevogn ved skolen kl. 14', sender: '+4512345678' },
      { text, sender: '+4512345679' },
    ]);
    const ids = await store.db.all<{ smsc_id: string | null }>('SELECT smsc_id FROM inbound_messages');
    expect(ids.every((r) => typeof r.smsc_id === 'string' && r.smsc_id.length > 0)).toBe(true);
  });

  it('opts a subscriber out on STOP, with one confirmation recorded', async () => {
    await kannel.sendMo('+4522334455 1999 text Stop');
    await until(async () => (await store.db.get<{ status: string }>("SELECT status FROM subscribers WHERE phone = '+4522334455'"))?.status === 'opted_out');
    expect(await store.db.all("SELECT kind, state FROM sms_replies WHERE phone = '+4522334455'")).toEqual([{ kind: 'stop_confirm', state: 'pending' }]);
  });

  it('a get-url the console could not store is tried again by smsbox and stored once', async () => {
    failNext = 1;
    await kannel.sendMo('+4512340000 1999 text Bilen kørte mod nord');
    await until(async () => (await tips()).some((t) => t.text === 'Bilen kørte mod nord'), 30_000);
    expect(refused).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await tips()).filter((t) => t.text === 'Bilen kørte mod nord')).toHaveLength(1);
  }, 40_000);
});
