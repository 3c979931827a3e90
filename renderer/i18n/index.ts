import i18next from 'i18next';
import type { i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { BridgeError, ErrorCode } from '../../shared/bridge/result';
import { da } from './da';
import { en } from './en';
import type { Language, TranslationKey } from './types';

export type { Language, TranslationKey } from './types';

export const resources = { da: { translation: da }, en: { translation: en } } as const;

/**
 * A fresh i18next instance per app (not the global one), so tests can run side by side in
 * different languages. Resources are bundled, so `init` finishes synchronously.
 */
export function createI18n(language: Language): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'da',
    // React escapes text it renders; escaping here as well would show "&amp;" to the officer.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

/**
 * Whether a key made at run time from an open-ended code (a group an admin added, a place kind)
 * has a text; a type guard, so `t` takes the key once it is known to be there.
 */
export const isKnownKey = (exists: (key: string) => boolean, key: string): key is TranslationKey => exists(key);

/** The officer reads the translated code; the host's English message is for developers and logs. */
export const errorKey = (error: Pick<BridgeError, 'code'>): `errors.${ErrorCode}` => `errors.${error.code}`;
