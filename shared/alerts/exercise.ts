/**
 * Exercise alerts: an alert marked as an exercise (CAP status Exercise) must be unmistakable to
 * whoever receives it, so its SMS goes out with "ØVELSE" (English: "EXERCISE") in front. The
 * prefix is added here, the one place both the console's facts and the dispatch plan read.
 */
import type { Alert } from './schema';

export const EXERCISE_PREFIX = { da: 'ØVELSE', en: 'EXERCISE' } as const;

type Marked = Pick<Alert, 'capStatus'>;

export const isExercise = (alert: Marked): boolean => alert.capStatus === 'Exercise';

/** The SMS text as recipients get it. */
export function smsAsSent(alert: Marked & Pick<Alert, 'smsText' | 'language'>): string {
  if (!isExercise(alert)) return alert.smsText;
  return `${EXERCISE_PREFIX[alert.language]}: ${alert.smsText}`;
}
