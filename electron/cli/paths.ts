import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRODUCT_NAME = 'Tryk Console';

/** The same folder Electron's userData would be, so the CLI and the desktop app find one store. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.TRYK_DATA_DIR ?? defaultDataDir(env));
}

/**
 * The package root: where package.json is, found upwards from this (bundled) file. The
 * CommonJS Electron bundle has no import.meta, so it passes its own __dirname.
 */
export function packageRoot(from?: string): string {
  let dir = from ?? dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
  return dir;
}

export function rendererDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
