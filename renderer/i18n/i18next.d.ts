/**
 * Typed translation keys: `t('nonexistent.key')` is a compile error. Danish is the shape (English
 * must match it: `en: Translation` and tests/dom/i18n.test.ts). A key built at run time from a
 * code (`errors.${code}`) must be typed as one of the keys, which makes the compiler check that
 * every code has a text.
 */
import 'i18next';
import type { da } from './da';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof da };
    returnNull: false;
  }
}
