import type { TFunction } from 'i18next';
import { isKnownKey } from '../../i18n';

/** A group's name in the officer's language; a code without a translation (a group an admin added) as itself. */
export function groupName(t: TFunction, exists: (key: string) => boolean, code: string): string {
  const key = `target.groups.${code}`;
  return isKnownKey(exists, key) ? t(key) : code;
}

export function categoryName(t: TFunction, exists: (key: string) => boolean, code: string): string {
  const key = `target.categories.${code}`;
  return isKnownKey(exists, key) ? t(key) : code;
}

/** Minutes after midnight as HH:MM. */
export function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** An ISO time in the officer's language and the console's time zone; text that is not a time as itself. */
export function dateTime(iso: string, language: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'da-DK', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
