import type { da } from './da';

/** The shape every language must have: Danish's keys, each with a translated value. */
export type Translation = typeof da;

export const languages = ['da', 'en'] as const;
export type Language = (typeof languages)[number];

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (languages as readonly string[]).includes(value);
