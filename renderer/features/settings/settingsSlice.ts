import { isLanguage } from '../../i18n/types';
import type { Language } from '../../i18n/types';
import type { SliceCreator } from '../../store';
import { outlineKinds } from '../map/outlines';
import type { OutlineKind } from '../map/outlines';
import type { OutlineLayer } from '../map/mapSlice';
import type { RequestOf, ResponseOf } from '../../../shared/bridge/contract';
import type { Result } from '../../../shared/bridge/result';

export const LANGUAGE_KEY = 'tryk.language';

export interface SettingsSlice {
  language: Language;
  setLanguage(language: Language): void;
  /** The gateway calls of the settings screen, answered as Results for the panel to show. */
  gatewayCalls: {
    list(): Promise<Result<ResponseOf<'gateways.list'>>>;
    add(request: RequestOf<'gateways.add'>): Promise<Result<ResponseOf<'gateways.add'>>>;
    test(name: string): Promise<Result<ResponseOf<'gateways.test'>>>;
    remove(name: string): Promise<Result<ResponseOf<'gateways.remove'>>>;
    update(request: RequestOf<'gateways.update'>): Promise<Result<ResponseOf<'gateways.update'>>>;
  };
  /** Tries a tile server from the host (admin). */
  testTiles(url?: string): Promise<Result<ResponseOf<'map.testTiles'>>>;
  /** Reads the inbox settings, or changes some of them (admin; the host audits it) and reads them back. */
  tipSettings(set?: NonNullable<RequestOf<'tips.settings'>['set']>): Promise<Result<ResponseOf<'tips.settings'>>>;
  /** Saves the tile server's address (admin, audited); null: the offline map only. */
  setTileUrl(url: string | null): Promise<Result<ResponseOf<'map.setTileUrl'>>>;
  // --- boundaries fetch ---
  /** Fetches the current boundaries from Dataforsyningen into the store (admin, audited); the map reloads its outlines. */
  fetchBoundaries(): Promise<Result<ResponseOf<'boundaries.fetch'>>>;
}

function storedLanguage(preferences: Storage | null): Language {
  try {
    const value = preferences?.getItem(LANGUAGE_KEY);
    return isLanguage(value) ? value : 'da';
  } catch {
    return 'da';
  }
}

// The console speaks Danish unless this officer chose otherwise on this computer.
export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, _get, { preferences, bridge }) => ({
  gatewayCalls: {
    list: () => bridge.invoke('gateways.list', {}),
    add: (request) => bridge.invoke('gateways.add', request),
    test: (name) => bridge.invoke('gateways.test', { name }),
    remove: (name) => bridge.invoke('gateways.remove', { name }),
    update: (request) => bridge.invoke('gateways.update', request),
  },
  testTiles: (url) => bridge.invoke('map.testTiles', url ? { url } : {}),
  tipSettings: (change) => bridge.invoke('tips.settings', change ? { set: change } : {}),
  setTileUrl: (url) => bridge.invoke('map.setTileUrl', { url }),
  // --- boundaries fetch: three downloads of up to 15 s each, then the import ---
  async fetchBoundaries() {
    const result = await bridge.invoke('boundaries.fetch', {}, { timeoutMs: 90_000 });
    if (result.ok) {
      const idle: OutlineLayer = { status: 'idle', outlines: [], error: null };
      set({ outlineLayers: Object.fromEntries(outlineKinds.map((k) => [k, idle])) as Record<OutlineKind, OutlineLayer> });
    }
    return result;
  },
  language: storedLanguage(preferences),
  setLanguage(language) {
    set({ language });
    try {
      preferences?.setItem(LANGUAGE_KEY, language);
    } catch {
      // Not remembered across restarts, but the switch itself still works.
    }
  },
});
