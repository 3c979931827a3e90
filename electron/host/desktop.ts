/**
 * The desktop app's start-up decisions, kept out of main.ts so they run under test here
 * (the Electron binary cannot): where the data lives, what the officer is told when the store
 * will not open, and which menu the window gets.
 */
import path from 'node:path';
import { isTrykError } from '../../shared/bridge/result';
import type { ErrorCode } from '../../shared/bridge/result';

/** Electron's userData folder name; the CLI's default data dir uses the same name, so both find one store. */
export const PRODUCT_NAME = 'Tryk Console';

/** TRYK_DATA_DIR wins (tests, a second store); otherwise Electron's userData. */
export function desktopDataDir(env: Record<string, string | undefined>, userData: string): string {
  const fromEnv = env.TRYK_DATA_DIR?.trim();
  return path.resolve(fromEnv ? fromEnv : userData);
}

/** Danish first (the officers' language), English under it for whoever supports them. */
const failureText: Partial<Record<ErrorCode, { da: string; en: string }>> = {
  unavailable: {
    da: 'Styresystemets nøglering er ikke tilgængelig, så databasens nøgle kan ikke beskyttes. Konsollen starter ikke uden.',
    en: "The operating system's keychain is not available, so the store key cannot be protected. The console will not start without it.",
  },
  store_wrong_key: {
    da: 'Databasen kan ikke låses op med denne brugers nøglering. Er datamappen kopieret fra en anden bruger eller maskine?',
    en: "The store cannot be unlocked with this user's keychain. Was the data directory copied from another user or machine?",
  },
  store_corrupt: {
    da: 'Databasen er beskadiget eller ufuldstændig. Intet er ændret; kontakt support.',
    en: 'The store is damaged or incomplete. Nothing was changed; contact support.',
  },
  store_locked: {
    da: 'Databasen er i brug af et andet program (fx "tryk serve"). Luk det og prøv igen.',
    en: 'The store is in use by another program (e.g. "tryk serve"). Close it and try again.',
  },
  store_newer: {
    da: 'Databasen er fra en nyere version af konsollen. Opdatér konsollen.',
    en: 'The store comes from a newer version of the console. Update the console.',
  },
  store_missing: {
    da: 'Der er ingen database i datamappen.',
    en: 'There is no store in the data directory.',
  },
  store_exists: {
    da: 'Der findes allerede en database i datamappen. Intet er ændret.',
    en: 'There is already a store in the data directory. Nothing was changed.',
  },
  disk_full: {
    da: 'Disken er fuld. Intet er ændret; frigør plads og prøv igen.',
    en: 'The disk is full. Nothing was changed; free some space and try again.',
  },
  io_error: {
    da: 'Datamappen kan ikke læses eller skrives.',
    en: 'The data directory cannot be read or written.',
  },
};

const fallback = {
  da: 'Konsollen kunne ikke starte.',
  en: 'The console could not start.',
};

/**
 * What `dialog.showErrorBox` shows when start-up fails. The error's own message is added for a
 * TrykError only: those are written to be shown (paths, no personal data); anything else may
 * be a raw library message, so the officer sees the generic text and the log gets the code.
 */
export function startupFailure(error: unknown, dataDir?: string): { title: string; message: string; code: ErrorCode } {
  const code: ErrorCode = isTrykError(error) ? error.code : 'internal';
  const text = failureText[code] ?? fallback;
  const lines = [text.da, '', text.en];
  if (isTrykError(error)) lines.push('', error.message);
  if (dataDir) lines.push('', `Data: ${dataDir}`);
  return { title: 'Tryk Console', message: lines.join('\n'), code };
}

/** Electron menu roles used here, typed without importing electron. */
export type MenuRole = 'appMenu' | 'editMenu' | 'windowMenu' | 'quit' | 'reload' | 'toggleDevTools' | 'togglefullscreen';
export interface MenuItemSpec {
  role?: MenuRole;
  label?: string;
  type?: 'separator';
  submenu?: MenuItemSpec[];
}

/**
 * A minimal menu: copy/paste for text fields, quit, full screen; reload and DevTools only in
 * unpackaged builds (a reload mid-dispatch is harmless but confusing in the control room).
 */
export function menuTemplate(options: { platform: NodeJS.Platform; devTools: boolean }): MenuItemSpec[] {
  const view: MenuItemSpec[] = [{ role: 'togglefullscreen' }];
  if (options.devTools) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  const template: MenuItemSpec[] = [];
  if (options.platform === 'darwin') template.push({ role: 'appMenu' });
  else template.push({ label: 'Filer', submenu: [{ role: 'quit' }] });
  template.push({ role: 'editMenu' }, { label: 'Vis', submenu: view }, { role: 'windowMenu' });
  return template;
}
