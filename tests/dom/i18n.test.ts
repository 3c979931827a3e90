import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../shared/bridge/result';
import { createI18n, errorKey, resources } from '../../renderer/i18n';
import type { TranslationKey } from '../../renderer/i18n';

/** Every leaf's path, arrays included by index, so a missing list item counts as a missing key. */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix];
  if (value === null || typeof value !== 'object') throw new Error(`${prefix} is neither text nor a group`);
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('Danish and English have exactly the same keys', () => {
    const da = keys(resources.da.translation).sort();
    const en = keys(resources.en.translation).sort();
    expect(en.filter((k) => !da.includes(k))).toEqual([]);
    expect(da.filter((k) => !en.includes(k))).toEqual([]);
    expect(da.length).toBeGreaterThan(50);
  });

  it('knows its keys at compile time: a key that is not in da.ts does not compile', () => {
    const i18n = createI18n('da');
    // @ts-expect-error -- not a key of da.ts (renderer/i18n/i18next.d.ts types t() from it)
    expect(i18n.t('nonexistent.key')).toBe('nonexistent.key');
    expect(i18n.t('app.name')).toBe('Tryk');
  });

  it('has no empty text in either language', () => {
    for (const lang of ['da', 'en'] as const) {
      const i18n = createI18n(lang);
      for (const key of keys(resources[lang].translation)) {
        // Every leaf path of the resources is a key by construction.
        expect(i18n.t(key as TranslationKey), `${lang}:${key}`).not.toBe('');
      }
    }
  });

  it('translates every bridge error code in both languages', () => {
    for (const lang of ['da', 'en'] as const) {
      const i18n = createI18n(lang);
      for (const code of errorCodes) {
        const key = errorKey({ code });
        expect(i18n.exists(key), `${lang}:${key}`).toBe(true);
      }
    }
    expect(createI18n('da').t(errorKey({ code: 'unavailable' }))).toBe('Ingen forbindelse til værten lige nu.');
  });

  it('speaks Danish by default, with Danish number formatting and plurals', () => {
    const da = createI18n('da');
    expect(da.t('nav.map')).toBe('Kort');
    expect(da.t('status.subscribers', { count: 34000 })).toBe('34.000 abonnenter');
    expect(da.t('status.subscribers', { count: 1 })).toBe('1 abonnent');
    const en = createI18n('en');
    expect(en.t('status.subscribers', { count: 34000 })).toBe('34,000 subscribers');
  });
});
