/** Pure helpers of the tip inbox. */
import type { TFunction } from 'i18next';

/** "12 min after the alert": how long after the alert reached the tipster they wrote. */
export function sinceLabel(t: TFunction, reachedAt: string, receivedAt: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(receivedAt) - Date.parse(reachedAt)) / 60_000));
  if (minutes < 60) return t('tips.sinceMinutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  return t('tips.sinceHours', { count: hours });
}
