// `npm start`: the desktop app where Electron's binary is installed; otherwise (as on a
// build server, or where Electron can't be downloaded) the same console served headless
// to a browser on 127.0.0.1, on a demo data directory made on first start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { electronPath } from './electron-path.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Synthetic demo data only: a store made by `tryk init` always gets its own passphrase. */
const DEMO_PASSPHRASE = 'tryk-demo-passphrase';

function ensureBuilt() {
  if (existsSync(join(root, 'dist', 'cli', 'tryk.mjs')) && existsSync(join(root, 'dist', 'renderer', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(root, 'build', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary's path, fetching it with Electron's own installer where that can run. */
function electronBinary() {
  // Not require('electron'): its index downloads the binary when it is missing, which must
  // happen only through the explicit installer step below, where the Node version allows it.
  const find = () => electronPath(root);
  let path = find();
  if (path) return { path };
  if (!existsSync(join(root, 'node_modules', 'electron', 'install.js'))) return { reason: 'the electron package is not installed' };
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    return { reason: `Electron's installer needs Node 22.12 or newer (this is ${process.versions.node})` };
  }
  console.log("Fetching Electron's binary with its own installer…");
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { stdio: 'inherit', timeout: 300_000 });
  path = r.status === 0 ? find() : null;
  return path ? { path } : { reason: "Electron's installer could not fetch the binary (no network?)" };
}

ensureBuilt();
const electron = process.env.TRYK_HEADLESS === '1' ? { reason: 'TRYK_HEADLESS=1' } : electronBinary();
if (electron.path) {
  const child = spawn(electron.path, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`No Electron binary (${electron.reason}): starting the headless console instead.`);
  const dataDir = process.env.TRYK_DATA_DIR ?? join(root, '.tryk-demo');
  const env = { ...process.env, TRYK_DATA_DIR: dataDir, TRYK_PASSPHRASE: process.env.TRYK_PASSPHRASE ?? DEMO_PASSPHRASE };
  const tryk = (args, stdio = 'inherit') => spawnSync(process.execPath, [join(root, 'bin', 'tryk.js'), ...args], { stdio, env });
  if (!existsSync(join(dataDir, 'tryk.db'))) {
    console.log(`First start: making demo data in ${dataDir} (synthetic subscribers, simulator gateway)…`);
    const r = tryk(['demo']);
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const child = spawn(process.execPath, [join(root, 'bin', 'tryk.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
