import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCT_NAME as CLI_PRODUCT_NAME } from '../../../electron/cli/paths';
import { desktopDataDir, menuTemplate, PRODUCT_NAME, startupFailure } from '../../../electron/host/desktop';
import type { MenuItemSpec } from '../../../electron/host/desktop';
import { TrykError } from '../../../shared/bridge/result';

const roles = (items: MenuItemSpec[]): string[] =>
  items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])]);

describe('desktopDataDir', () => {
  it('uses userData unless TRYK_DATA_DIR is set', () => {
    expect(desktopDataDir({}, '/home/o/.config/Tryk Console')).toBe('/home/o/.config/Tryk Console');
    expect(desktopDataDir({ TRYK_DATA_DIR: '/tmp/tryk-e2e' }, '/home/o/.config/Tryk Console')).toBe('/tmp/tryk-e2e');
    expect(desktopDataDir({ TRYK_DATA_DIR: '  ' }, '/u')).toBe('/u');
    expect(desktopDataDir({ TRYK_DATA_DIR: 'rel/dir' }, '/u')).toBe(path.resolve('rel/dir'));
  });

  it('names the userData folder as the CLI does, so both find one store', () => {
    expect(PRODUCT_NAME).toBe(CLI_PRODUCT_NAME);
  });
});

describe('startupFailure', () => {
  it('explains a store error in Danish and English, with the developer message and the data dir', () => {
    const failure = startupFailure(new TrykError('store_locked', 'The store in /d is in use by another Tryk process (pid 7)'), '/d');
    expect(failure.code).toBe('store_locked');
    expect(failure.message).toMatch(/^Databasen er i brug/);
    expect(failure.message).toContain('The store is in use by another program');
    expect(failure.message).toContain('(pid 7)');
    expect(failure.message).toContain('Data: /d');
  });

  it('has a text for each way the keychain or store can fail at start', () => {
    for (const code of ['unavailable', 'store_wrong_key', 'store_corrupt', 'store_newer', 'disk_full', 'io_error'] as const) {
      expect(startupFailure(new TrykError(code, 'x')).message).not.toMatch(/^Konsollen kunne ikke starte/);
    }
  });

  it('does not show raw messages of unexpected errors (they may carry anything)', () => {
    const failure = startupFailure(new Error('SQLITE_ERROR near "+4512345678"'));
    expect(failure.code).toBe('internal');
    expect(failure.message).not.toContain('4512345678');
    expect(failure.message).toMatch(/^Konsollen kunne ikke starte/);
  });
});

describe('menuTemplate', () => {
  it('offers DevTools and reload only when DevTools are enabled', () => {
    expect(roles(menuTemplate({ platform: 'linux', devTools: false }))).not.toContain('toggleDevTools');
    expect(roles(menuTemplate({ platform: 'linux', devTools: false }))).not.toContain('reload');
    expect(roles(menuTemplate({ platform: 'linux', devTools: true }))).toEqual(
      expect.arrayContaining(['toggleDevTools', 'reload']),
    );
  });

  it('keeps editing (copy/paste) and quitting on every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const r = roles(menuTemplate({ platform, devTools: false }));
      expect(r).toContain('editMenu');
      expect(r.includes('quit') || r.includes('appMenu')).toBe(true);
    }
  });
});
