import { isLanguage } from '../../i18n/types';
import type { Language } from '../../i18n/types';
import type { SliceCreator } from '../../store';

export const LANGUAGE_KEY = 'tryk.language';

export interface SettingsSlice {
  language: Language;
  setLanguage(language: Language): void;
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
export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, _get, { preferences }) => ({
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
