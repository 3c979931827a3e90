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

export type SmsLanguage = Alert['language'];

export const otherLanguage = (language: SmsLanguage): SmsLanguage => (language === 'da' ? 'en' : 'da');

/**
 * Every text an alert carries, as recipients get them: its own language's first, then the other
 * language's when it has one (each with its own exercise prefix). A subscriber gets the one in
 * their registered language, or the first when there is none in it.
 */
export function smsTextsAsSent(alert: Marked & Pick<Alert, 'smsText' | 'language'> & { smsTextOther?: string }): { language: SmsLanguage; text: string }[] {
  const texts = [{ language: alert.language, text: smsAsSent(alert) }];
  const other = alert.smsTextOther?.trim() ? alert.smsTextOther : '';
  if (other) {
    const language = otherLanguage(alert.language);
    texts.push({ language, text: smsAsSent({ capStatus: alert.capStatus, smsText: other, language }) });
  }
  return texts;
}
