import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FAILED_SIGNINS, officerService } from '../../../electron/officers/service';
import type { OfficerService } from '../../../electron/officers/service';
import { testStore } from '../../support/store';

const cli = { host: 'cli' as const };
const actions = async (db: Awaited<ReturnType<typeof testStore>>['db']) =>
  (await db.all<{ action: string; officer: string | null; details: string }>('SELECT action, officer, details FROM audit_log ORDER BY seq')).map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));

describe('officer accounts', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let officers: OfficerService;
  let now = new Date('2026-11-24T10:00:00Z');
  beforeEach(async () => {
    store = await testStore();
    now = new Date('2026-11-24T10:00:00Z');
    officers = officerService(store.db, { now: () => now, cost: 'fast' });
  });
  afterEach(() => store.remove());

  const create = (username = 'jensen', roles: ('operator' | 'approver' | 'admin')[] = ['operator']) =>
    officers.create({ username, displayName: 'Betjent Jensen', roles, passphrase: 'a long passphrase' });

  it('signs in with the right passphrase only, never storing it in the clear', async () => {
    await create();
    expect(await officers.signIn('JENSEN', 'a long passphrase', cli)).toMatchObject({ username: 'jensen', roles: ['operator'] });
    await expect(officers.signIn('jensen', 'a wrong passphrase', cli)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(officers.signIn('nobody', 'a long passphrase', cli)).rejects.toMatchObject({ code: 'unauthorized', message: 'Wrong username or passphrase' });
    const row = await store.db.get<{ pass_hash: string }>('SELECT pass_hash FROM officers');
    expect(row!.pass_hash).toMatch(/^scrypt\$/);
    expect(row!.pass_hash).not.toContain('a long passphrase');
  });

  it('pauses an account after repeated wrong passphrases', async () => {
    await create();
    for (let i = 0; i < MAX_FAILED_SIGNINS; i++) {
      await expect(officers.signIn('jensen', 'wrong wrong wrong', cli)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(officers.signIn('jensen', 'a long passphrase', cli)).rejects.toThrow(/try again in 60 s/);
    now = new Date(now.getTime() + 61_000);
    expect(await officers.signIn('jensen', 'a long passphrase', cli)).toMatchObject({ username: 'jensen' });
  });

  // Before: the pause was checked before the slow passphrase check and the count was read,
  // then written: forty wrong guesses at once all got a try, and the right one right after.
  it('holds the pause against many guesses at once: attempts on one account are serialised', async () => {
    await create();
    const guesses = Array.from({ length: 40 }, (_, i) => officers.signIn('jensen', `wrong guess ${i}`, { host: 'headless' }).then(() => 'in', (e: { message: string }) => e.message));
    const right = officers.signIn('jensen', 'a long passphrase', { host: 'headless' }).then(() => 'in', (e: { message: string }) => e.message);
    const results = await Promise.all([...guesses, right]);
    expect(results.filter((r) => r === 'Wrong username or passphrase')).toHaveLength(MAX_FAILED_SIGNINS);
    expect(results.filter((r) => /try again in/.test(r))).toHaveLength(41 - MAX_FAILED_SIGNINS);
    expect(results.at(-1)).toMatch(/try again in 60 s/);
    const trail = await actions(store.db);
    expect(trail.filter((e) => e.action === 'sign_in_failed')).toHaveLength(41);
    expect(trail.some((e) => e.action === 'sign_in')).toBe(false);
  });

  it('keeps the pause in the store, so a new process (every CLI --as) is paused too', async () => {
    await create();
    for (let i = 0; i < MAX_FAILED_SIGNINS; i++) await officers.signIn('jensen', 'wrong wrong wrong', cli).catch(() => undefined);
    const fresh = officerService(store.db, { now: () => now, cost: 'fast' });
    await expect(fresh.signIn('jensen', 'a long passphrase', cli)).rejects.toThrow(/try again in 60 s/);
  });

  it('audits every sign-in and every failure with its host and reason, never the passphrase', async () => {
    await create();
    await officers.signIn('nobody', 'a long passphrase', cli).catch(() => undefined);
    await officers.signIn('jensen', 'wrong wrong wrong', { host: 'headless' }).catch(() => undefined);
    await officers.signIn('jensen', 'a long passphrase', cli);
    const trail = await actions(store.db);
    expect(trail.map((e) => [e.action, e.officer, e.details.host, e.details.reason ?? null])).toEqual([
      ['officer_created', null, 'cli', null],
      ['sign_in_failed', null, 'cli', 'unknown_username'],
      ['sign_in_failed', null, 'headless', 'wrong_passphrase'],
      ['sign_in', 'jensen', 'cli', null],
    ]);
    expect(trail[0]!.details).toMatchObject({ username: 'jensen', roles: ['operator'], authority: 'store passphrase' });
    expect(JSON.stringify(trail)).not.toContain('long passphrase');
  });

  it('refuses bad accounts clearly and changes nothing', async () => {
    await expect(officers.create({ username: 'x', displayName: 'X', roles: ['operator'], passphrase: 'a long passphrase' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(officers.create({ username: 'jensen', displayName: 'X', roles: [], passphrase: 'a long passphrase' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(officers.create({ username: 'jensen', displayName: 'X', roles: ['king' as 'admin'], passphrase: 'a long passphrase' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(officers.create({ username: 'jensen', displayName: 'X', roles: ['operator'], passphrase: 'short' })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await officers.count()).toBe(0);
    await create();
    await expect(create('Jensen')).rejects.toMatchObject({ code: 'conflict' });
  });
});
