/**
 * The same first look as console.e2e.ts, in the real desktop app: where an Electron binary is
 * installed (a developer's or user's machine). Where it is not (this project's build machines
 * cannot download it), the spec says why and is skipped.
 */
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { electronPath } from '../../build/electron-path.mjs';
import { PASSPHRASE, repoRoot, tempDataDir } from './support/console';

const binary = electronPath(repoRoot);
if (!binary) {
  console.log(
    'desktop e2e skipped: no Electron binary in node_modules/electron (its download is denied in allowScripts; npm start fetches it where Node ≥ 22.12 and the network allow)',
  );
}

describe.skipIf(!binary)('the desktop app (Electron)', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('opens the console window in Danish at its sign-in screen', async () => {
    const app = await electron.launch({
      executablePath: binary!,
      args: [join(repoRoot)],
      env: { ...process.env, TRYK_DATA_DIR: data.dir, TRYK_PASSPHRASE: PASSPHRASE },
    });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('signin-username').waitFor({ timeout: 60_000 });
      expect(await window.getAttribute('html', 'lang')).toBe('da');
    } finally {
      await app.close();
    }
  });
});
