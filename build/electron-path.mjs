// Where Electron's installer put the binary, or null. It reads what electron/index.js reads,
// without its side effect: require('electron') downloads the binary when it is missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} base the package root @returns {string | null} */
export function electronPath(base) {
  const dir = join(base, 'node_modules', 'electron');
  try {
    const relative = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const full = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), relative);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}
