/**
 * An alert older than the tip retention: its tips are deleted after 90 days, but its counts
 * (tips, useful, the first tip's time) are kept first, so the evaluation still shows them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportDeps } from '../../../electron/reports/deps';
import { figuresForAlert } from '../../../electron/reports/figures';
import { alertReport } from '../../../electron/reports/alert';
import { createServices } from '../../../electron/services';
import type { Services } from '../../../electron/services';
import { createIntake } from '../../../electron/tips/intake';
import { testStore } from '../../support/store';

const NOW = new Date('2026-12-05T10:00:00Z');
const RELEASED = new Date(NOW.getTime() - 200 * 86_400_000);
const at = (minutes: number) => new Date(RELEASED.getTime() + minutes * 60_000).toISOString();

describe('tip counts of an alert older than the tip retention', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let services: Services;

  beforeEach(async () => {
    store = await testStore();
    services = createServices({ store, host: 'headless', version: 'test', now: () => NOW });
    const o = await services.officers.create({ username: 'jensen', displayName: 'J', roles: ['operator'], passphrase: 'a long passphrase here' });
    for (const id of [7, 8]) {
      await store.db.run(
        `INSERT INTO alerts (id, uuid, kind, category, language, sms_text, status, created_by, last_edited_by, created_at, updated_at, released_at)
         VALUES (?, ?, 'alert', 'burglary', 'da', 'Indbrud', 'sent', ?, ?, ?, ?, ?)`,
        [id, `u${id}`, o.id, o.id, RELEASED.toISOString(), RELEASED.toISOString(), RELEASED.toISOString()],
      );
    }
    const tip = (alertId: number, minutes: number, state: string, daysAgo?: number) =>
      store.db.run("INSERT INTO tips (channel, sender, text, received_at, alert_id, state, updated_at) VALUES ('sms', '+4520123401', 'tip', ?, ?, ?, ?)", [
        daysAgo === undefined ? at(minutes) : new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
        alertId,
        state,
        NOW.toISOString(),
      ]);
    await tip(7, 12, 'useful');
    await tip(7, 30, 'new');
    await tip(7, 95, 'useful');
    await tip(8, 5, 'not_useful');
    await tip(8, 0, 'new', 10); // a late tip inside the retention: stays a row
  });
  afterEach(() => store.remove());

  it('keeps per-alert counts before the sweep deletes the tips, and the reports count them', async () => {
    const deps = await reportDeps({ db: store.db, settings: services.settings, targeting: () => services.targeting(), now: () => NOW });
    const before = [await figuresForAlert(deps, 7), await figuresForAlert(deps, 8)];
    expect(before.map((f) => [f.tips, f.firstTipSeconds])).toEqual([
      [3, 720],
      [2, 300],
    ]);
    const intake = createIntake({ db: store.db, settings: services.settings, now: () => NOW });
    expect((await intake.sweep()).deleted).toBe(4);
    await intake.close();
    expect(await store.db.all('SELECT alert_id, tips, useful, first_tip_at FROM alert_tip_counts ORDER BY alert_id')).toEqual([
      { alert_id: 7, tips: 3, useful: 2, first_tip_at: at(12) },
      { alert_id: 8, tips: 1, useful: 0, first_tip_at: at(5) },
    ]);
    expect(await store.db.get('SELECT count(*) AS n FROM tips')).toEqual({ n: 1 });
    const after = [await figuresForAlert(deps, 7), await figuresForAlert(deps, 8)];
    expect(after.map((f) => [f.tips, f.firstTipSeconds])).toEqual([
      [3, 720],
      [2, 300],
    ]);
    const report = await alertReport(deps, 7);
    expect(report.timeline.find((e) => e.event === 'first_tip')?.at).toBe(at(12));

    // A second sweep later adds to the kept counts rather than replacing them.
    await store.db.run("INSERT INTO tips (channel, sender, text, received_at, alert_id, updated_at) VALUES ('sms', '+4520123402', 'tip', ?, 7, 'x')", [at(1)]);
    const again = createIntake({ db: store.db, settings: services.settings, now: () => NOW });
    await again.sweep();
    await again.close();
    expect(await store.db.get('SELECT tips, useful, first_tip_at FROM alert_tip_counts WHERE alert_id = 7')).toEqual({ tips: 4, useful: 2, first_tip_at: at(1) });
  });
});
