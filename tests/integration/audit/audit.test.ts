import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditListCommand, auditVerifyCommand } from '../../../electron/cli/audit-commands';
import type { CommandContext } from '../../../electron/cli/command';
import { entryHash, GENESIS_HASH } from '../../../electron/audit/chain';
import { AUDIT_HEAD_KEY, auditService, maskPhone } from '../../../electron/audit/service';
import type { AuditAction, AuditRow, AuditService } from '../../../electron/audit/service';
import { isTrykError } from '../../../shared/bridge/result';
import { testStore, TEST_PASSPHRASE } from '../../support/store';

type TestStore = Awaited<ReturnType<typeof testStore>>;

type Row = AuditRow;

describe('the audit trail', () => {
  let store: TestStore;
  let audit: AuditService;
  let clock: Date;

  beforeEach(async () => {
    store = await testStore();
    clock = new Date('2026-11-24T08:00:00.000Z');
    audit = auditService(store.db, () => clock);
  });
  afterEach(() => store.remove());

  const officers = ['anna', 'bo', 'carl'];
  const actions: AuditAction[] = ['sign_in', 'draft_created', 'draft_changed', 'submitted', 'approved', 'sent'];
  /** n entries one minute apart, cycling through officers and actions. */
  const appendMany = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock = new Date(Date.UTC(2026, 10, 24, 8, i));
      await audit.append({ officer: officers[i % 3]!, action: actions[i % 6]!, subject: `alert:${i % 4}`, details: { i, text: 'æøå "q" <x>' } });
    }
  };
  /** What someone with the key and a SQL shell does first: the triggers are in the way. */
  const sql = async (statement: string, params: (string | number | null)[] = []) => {
    await store.db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    await store.db.run(statement, params);
  };
  const rows = () => store.db.all<Row>('SELECT * FROM audit_log ORDER BY seq');

  it('chains entries from the genesis hash and verifies many of them', async () => {
    await appendMany(250);
    const all = await rows();
    expect(all).toHaveLength(250);
    expect(all[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
    for (const r of all) expect(entryHash(r)).toBe(r.hash);
    expect(await audit.verify()).toEqual({ ok: true, entries: 250 });
    const head = await store.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [AUDIT_HEAD_KEY]);
    expect(JSON.parse(head!.value)).toEqual({ seq: 250, hash: all[249]!.hash });
  });

  it('an empty trail is intact', async () => {
    expect(await audit.verify()).toEqual({ ok: true, entries: 0 });
  });

  it('stores details as canonical JSON, whatever the key order', async () => {
    const a = await audit.append({ officer: 'anna', action: 'settings_changed', details: { b: 1, a: { d: 2, c: 3 } } });
    const b = await audit.append({ officer: 'anna', action: 'settings_changed', details: { a: { c: 3, d: 2 }, b: 1 } });
    const stored = await store.db.all<{ details: string }>('SELECT details FROM audit_log WHERE seq IN (?, ?)', [a.seq, b.seq]);
    expect(stored.map((s) => s.details)).toEqual(['{"a":{"c":3,"d":2},"b":1}', '{"a":{"c":3,"d":2},"b":1}']);
  });

  it('names the entry whose details were changed with SQL', async () => {
    await appendMany(20);
    await sql('UPDATE audit_log SET details = ? WHERE seq = 7', ['{"i":6,"text":"nothing to see"}']);
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 7, reason: 'edited' });
  });

  it('names the entry whose officer was changed, even by one character', async () => {
    await appendMany(10);
    await sql("UPDATE audit_log SET officer = 'Anna' WHERE seq = 4");
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 4, reason: 'edited' });
  });

  it('names an edited entry whose own hash was recomputed by the editor', async () => {
    await appendMany(10);
    const r = (await rows())[4]!;
    const forged = { ...r, action: 'rejected' };
    await sql('UPDATE audit_log SET action = ?, hash = ? WHERE seq = 5', [forged.action, entryHash(forged)]);
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 5, reason: 'edited' });
  });

  it('catches a deleted middle entry', async () => {
    await appendMany(12);
    await sql('DELETE FROM audit_log WHERE seq = 6');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 6, reason: 'deleted' });
  });

  it('catches a deleted first entry', async () => {
    await appendMany(5);
    await sql('DELETE FROM audit_log WHERE seq = 1');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 1, reason: 'deleted' });
  });

  it('catches the last entries deleted, which leave a consistent but shorter chain', async () => {
    await appendMany(9);
    await sql('DELETE FROM audit_log WHERE seq >= 8');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 8, reason: 'deleted' });
  });

  it('catches every entry deleted', async () => {
    await appendMany(3);
    await sql('DELETE FROM audit_log');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 1, reason: 'deleted', entries: 0 });
  });

  it('keeps reporting a deleted last entry after the console appends again', async () => {
    await appendMany(6);
    await sql('DELETE FROM audit_log WHERE seq = 6');
    await audit.append({ officer: 'anna', action: 'sign_out' });
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 6, reason: 'deleted' });
  });

  it('catches two entries swapped', async () => {
    await appendMany(10);
    await sql('UPDATE audit_log SET seq = -3 WHERE seq = 3');
    await sql('UPDATE audit_log SET seq = 3 WHERE seq = 4');
    await sql('UPDATE audit_log SET seq = 4 WHERE seq = -3');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 3, reason: 'reordered' });
  });

  it('catches a history rewritten with recomputed hashes when the head was not rewritten too', async () => {
    await appendMany(8);
    // A careful forger: change entry 3, then recompute every hash after it so the chain links.
    const all = await rows();
    let prev = all[1]!.hash;
    for (const r of all.slice(2)) {
      const next = { ...r, officer: r.seq === 3 ? 'mallory' : r.officer, prev_hash: prev };
      const hash = entryHash(next);
      await sql('UPDATE audit_log SET officer = ?, prev_hash = ?, hash = ? WHERE seq = ?', [next.officer, prev, hash, r.seq]);
      prev = hash;
    }
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 8, reason: 'rewritten' });
  });

  it('catches a missing head and an entry planted after it', async () => {
    await appendMany(4);
    const last = (await rows())[3]!;
    const planted = { seq: 5, at: last.at, officer: 'mallory', action: 'approved', subject: null, details: null, prev_hash: last.hash };
    await sql('INSERT INTO audit_log (seq, at, officer, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      ...Object.values(planted),
      entryHash(planted),
    ] as (string | number | null)[]);
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: 5, reason: 'inserted' });
    await store.db.run('DELETE FROM settings WHERE key = ?', [AUDIT_HEAD_KEY]);
    expect(await audit.verify()).toMatchObject({ ok: false, reason: 'head_missing' });
  });

  it('commits an entry with the change it records, or neither', async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await tx.run("INSERT INTO settings (key, value) VALUES ('map.tileUrl', 'null')");
        await audit.appendIn(tx, { officer: 'anna', action: 'settings_changed', details: { key: 'map.tileUrl' } });
        throw new Error('the change failed after its audit entry was written');
      }),
    ).rejects.toThrow(/change failed/);
    expect(await store.db.get('SELECT count(*) AS n FROM audit_log')).toEqual({ n: 0 });
    expect(await store.db.get('SELECT value FROM settings WHERE key = ?', [AUDIT_HEAD_KEY])).toBeUndefined();
    await store.db.transaction(async (tx) => {
      await tx.run("INSERT INTO settings (key, value) VALUES ('map.tileUrl', 'null')");
      await audit.appendIn(tx, { officer: 'anna', action: 'settings_changed', details: { key: 'map.tileUrl' } });
    });
    expect(await audit.verify()).toEqual({ ok: true, entries: 1 });
  });

  it('refuses phone numbers in clear, unknown actions, and accepts a masked number', async () => {
    const refused = async (p: Promise<unknown>) => {
      const e = await p.then(() => null, (x: unknown) => x);
      expect(isTrykError(e) && e.code).toBe('bad_request');
    };
    await refused(audit.append({ officer: 'anna', action: 'erase', subject: '+4512345678' }));
    await refused(audit.append({ officer: 'anna', action: 'erase', details: { who: { phone: '+45 12 34 56 78' } } }));
    await refused(audit.append({ officer: 'anna', action: 'erase', details: { phones: ['12345678'] } }));
    await refused(audit.append({ officer: 'anna', action: 'frobnicated' as AuditAction }));
    expect(await store.db.get('SELECT count(*) AS n FROM audit_log')).toEqual({ n: 0 });
    expect(maskPhone('+4512345678')).toBe('+45******78');
    await audit.append({ officer: 'anna', action: 'erase', subject: 'subscriber:17', details: { phone: maskPhone('+4512345678') } });
    // Dates, case numbers and counts are not phone numbers.
    await audit.append({ officer: 'anna', action: 'export', details: { date: '2026-11-24', case: '0900-80150-00012-26', rows: 12345678 } });
    expect(await audit.verify()).toEqual({ ok: true, entries: 2 });
  });

  it('lists newest first, filtered by time, officer, action and subject, in pages', async () => {
    await appendMany(30);
    const all = await audit.list({ limit: 1000 });
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(all[29]).toEqual({
      seq: 1,
      at: '2026-11-24T08:00:00.000Z',
      officer: 'anna',
      action: 'sign_in',
      subject: 'alert:0',
      details: { i: 0, text: 'æøå "q" <x>' },
    });
    const window = await audit.list({ from: '2026-11-24T08:10:00Z', to: new Date('2026-11-24T09:15:00+01:00') });
    expect(window.map((e) => e.seq)).toEqual([15, 14, 13, 12, 11]); // from inclusive, to exclusive
    expect((await audit.list({ officer: 'bo' })).every((e) => e.officer === 'bo')).toBe(true);
    expect((await audit.list({ officer: 'bo' })).length).toBe(10);
    expect((await audit.list({ action: 'approved' })).map((e) => e.seq)).toEqual([29, 23, 17, 11, 5]);
    expect((await audit.list({ action: 'approved', officer: 'bo' })).map((e) => e.seq)).toEqual([29, 23, 17, 11, 5]);
    expect((await audit.list({ action: 'approved', officer: 'anna' })).length).toBe(0);
    expect((await audit.list({ subject: 'alert:3' })).map((e) => e.seq)).toEqual([28, 24, 20, 16, 12, 8, 4]);
    expect((await audit.list({ limit: 5, offset: 5 })).map((e) => e.seq)).toEqual([25, 24, 23, 22, 21]);
    await expect(audit.list({ from: 'yesterday-ish' })).rejects.toThrow(/not a date/);
    await expect(audit.list({ limit: 0 })).rejects.toThrow(/limit/);
  });
});

describe('tryk audit verify and audit list', () => {
  let store: TestStore;
  let progress: string[];
  const ctx = (values: CommandContext['values'] = {}, json = false): CommandContext => ({
    values,
    positionals: [],
    dataDir: store.dataDir,
    json,
    env: { TRYK_PASSPHRASE: TEST_PASSPHRASE },
    progress: (l) => void progress.push(l),
  });

  beforeEach(async () => {
    store = await testStore();
    progress = [];
    let minute = 0;
    const audit = auditService(store.db, () => new Date(Date.UTC(2026, 10, 24, 9, minute++)));
    await audit.append({ officer: 'anna', action: 'sign_in' });
    await audit.append({ officer: 'anna', action: 'draft_created', subject: 'alert:1', details: { category: 'burglary' } });
    await audit.append({ officer: 'bo', action: 'sign_in' });
    await audit.append({ officer: 'bo', action: 'approved', subject: 'alert:1', details: { comment: 'ok' } });
    await store.close(); // the CLI opens the store itself, and the store allows one opener
  });
  afterEach(() => store.remove());

  it('verify says the trail is intact with its size', async () => {
    const out = await auditVerifyCommand.run(ctx());
    expect(out.text).toBe('Audit trail intact: 4 entries.');
    expect(out.json).toEqual({ ok: true, entries: 4 });
  });

  it('verify fails with the first broken entry named', async () => {
    const { openStore } = await import('../../../electron/store/store');
    const s = await openStore({ dataDir: store.dataDir, key: { kind: 'passphrase', passphrase: TEST_PASSPHRASE } });
    await s.db.exec('DROP TRIGGER audit_log_no_update');
    await s.db.run("UPDATE audit_log SET details = '{\"comment\":\"no\"}' WHERE seq = 4");
    await s.close();
    const e = await auditVerifyCommand.run(ctx()).then(() => null, (x: unknown) => x);
    expect(isTrykError(e)).toBe(true);
    if (!isTrykError(e)) return;
    expect(e.message).toMatch(/^Audit trail broken at entry 4 \(edited\)/);
    expect(e.details).toMatchObject({ firstBroken: 4, reason: 'edited' });
  });

  it('list prints a table and filters', async () => {
    const out = await auditListCommand.run(ctx({ officer: 'anna' }));
    const lines = out.text.split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+AT \(UTC\)\s+OFFICER\s+ACTION\s+SUBJECT\s+DETAILS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ['2', '2026-11-24T09:01:00.000Z', 'anna', 'draft_created', 'alert:1'],
      ['1', '2026-11-24T09:00:00.000Z', 'anna', 'sign_in', '-'],
    ]);
    expect(lines[1]).toContain('{"category":"burglary"}');
  });

  it('list gives JSON with --from, --to, --action and --limit', async () => {
    const out = await auditListCommand.run(
      ctx({ from: '2026-11-24T10:01:00+01:00', to: '2026-11-24T09:04:00Z', action: 'sign_in', limit: '5' }, true),
    );
    expect(out.json).toEqual({ entries: [{ seq: 3, at: '2026-11-24T09:02:00.000Z', officer: 'bo', action: 'sign_in', subject: null, details: null }] });
    const limited = await auditListCommand.run(ctx({ limit: '1' }, true));
    expect((limited.json as { entries: { seq: number }[] }).entries.map((e) => e.seq)).toEqual([4]);
  });

  it('list refuses bad options with the option named', async () => {
    await expect(auditListCommand.run(ctx({ from: 'soon' }))).rejects.toThrow(/--from must be a date/);
    await expect(auditListCommand.run(ctx({ limit: '0' }))).rejects.toThrow(/--limit/);
  });
});
