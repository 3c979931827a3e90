import type { ApprovalRule, Template } from '../../shared/alerts/schema';
import type { Db, Queryable } from '../store/db';
import { defaultKeywords } from '../tips/keywords';
import type { Keywords } from '../tips/keywords';

/** Settings with their defaults; stored as JSON in the settings table. */
export interface Settings {
  /** Online basemap tiles; null keeps the map to boundary outlines (offline, or by policy). */
  'map.tileUrl': string | null;
  /** Code of the police district this console serves; null for the whole country. */
  'console.district': string | null;
  /** Minutes without an officer's action after which the console signs them out (0: never). */
  'security.idleLockMinutes': number;
  /** When an alert needs a second officer's approval before it is sent. */
  'approval.rule': ApprovalRule;
  /** What one SMS part costs at the gateway, in øre, for the composer's cost estimate. */
  'sms.pricePerPartOre': number;
  /** An administrator's templates: replace a built-in one by id, or add new ones. */
  'alerts.templates': Template[];
  /** CAP <sender>: no spaces, commas, "<" or "&" (CAP 1.2 §3.2.1). */
  'cap.sender': string;
  /** CAP <senderName>: the human-readable sender. */
  'cap.senderName': string;
  // --- tips ---
  /** A tip is tied to the latest alert that reached its sender within this many hours. */
  'tips.windowHours': number;
  /** Tips and inbound messages are deleted after this many days (audited). */
  'tips.retentionDays': number;
  /** More tips than this a minute from one number are grouped as a flood and never answered. */
  'tips.floodPerMinute': number;
  /** The words the keyword router acts on (first word, case- and accent-insensitive). */
  'tips.keywords': Keywords;
  // --- boundaries fetch ---
  /** Where `tryk boundaries fetch` and Settings' "Hent grænser" download the current boundaries (DAWA's API). */
  'boundaries.sourceUrl': string;
}

export const defaultSettings: Settings = {
  'map.tileUrl': 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  'console.district': null,
  'security.idleLockMinutes': 15,
  'approval.rule': { mode: 'always' },
  'sms.pricePerPartOre': 25,
  'alerts.templates': [],
  'cap.sender': 'tryk@politi.dk',
  'cap.senderName': 'Politiet',
  'tips.windowHours': 48,
  'tips.retentionDays': 90,
  'tips.floodPerMinute': 10,
  'tips.keywords': defaultKeywords,
  // --- boundaries fetch ---
  'boundaries.sourceUrl': 'https://api.dataforsyningen.dk',
};

export interface SettingsService {
  get<K extends keyof Settings>(key: K): Promise<Settings[K]>;
  set<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void>;
}

/** The one way a setting is written (inside a caller's transaction when it has one): JSON under its key. */
export async function putSetting(q: Queryable, key: string, value: unknown): Promise<void> {
  await q.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
}

export function settingsService(db: Db): SettingsService {
  return {
    async get(key) {
      const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
      return row ? JSON.parse(row.value) : defaultSettings[key];
    },
    async set(key, value) {
      await putSetting(db, key, value);
    },
  };
}
