import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FAILED_SIGNINS, officerService } from '../../../electron/officers/service';
import type { OfficerService } from '../../../electron/officers/service';
import { testStore } from '../../support/store';

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
    expect(await officers.signIn('JENSEN', 'a long passphrase')).toMatchObject({ username: 'jensen', roles: ['operator'] });
    await expect(officers.signIn('jensen', 'a wrong passphrase')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(officers.signIn('nobody', 'a long passphrase')).rejects.toMatchObject({ code: 'unauthorized', message: 'Wrong username or passphrase' });
    const row = await store.db.get<{ pass_hash: string }>('SELECT pass_hash FROM officers');
    expect(row!.pass_hash).toMatch(/^scrypt\$/);
    expect(row!.pass_hash).not.toContain('a long passphrase');
  });

  it('pauses an account after repeated wrong passphrases', async () => {
    await create();
    for (let i = 0; i < MAX_FAILED_SIGNINS; i++) {
      await expect(officers.signIn('jensen', 'wrong wrong wrong')).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(officers.signIn('jensen', 'a long passphrase')).rejects.toThrow(/try again in 60 s/);
    now = new Date(now.getTime() + 61_000);
    expect(await officers.signIn('jensen', 'a long passphrase')).toMatchObject({ username: 'jensen' });
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
