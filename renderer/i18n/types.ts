import type { ParseKeys } from 'i18next';
import type { da } from './da';

/** The shape every language must have: Danish's keys, each with a translated value. */
export type Translation = typeof da;

/** A key of the translations (checked against da.ts by renderer/i18n/i18next.d.ts). */
export type TranslationKey = ParseKeys;

export const languages = ['da', 'en'] as const;
export type Language = (typeof languages)[number];

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (languages as readonly string[]).includes(value);
