import type { Db } from '../store/db';

/** Settings with their defaults; stored as JSON in the settings table. */
export interface Settings {
  /** Online basemap tiles; null keeps the map to boundary outlines (offline, or by policy). */
  'map.tileUrl': string | null;
  /** Code of the police district this console serves; null for the whole country. */
  'console.district': string | null;
  /** Minutes without an officer's action after which the console signs them out (0: never). */
  'security.idleLockMinutes': number;
}

export const defaultSettings: Settings = {
  'map.tileUrl': 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  'console.district': null,
  'security.idleLockMinutes': 15,
};

export interface SettingsService {
  get<K extends keyof Settings>(key: K): Promise<Settings[K]>;
  set<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void>;
}

export function settingsService(db: Db): SettingsService {
  return {
    async get(key) {
      const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
      return row ? JSON.parse(row.value) : defaultSettings[key];
    },
    async set(key, value) {
      await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        key,
        JSON.stringify(value),
      ]);
    },
  };
}
