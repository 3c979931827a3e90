import { useTranslation } from 'react-i18next';

/** Across the top of an exercise alert, in the composer and the review: nobody takes it for real. */
export function ExerciseBanner() {
  const { t } = useTranslation();
  return (
    <p className="exercise-banner" role="note" data-testid="exercise-banner">
      <strong>{t('alerts.exercise.banner')}</strong> {t('alerts.exercise.bannerHint')}
    </p>
  );
}

/** The same in a list or a monitor card. */
export function ExerciseChip() {
  const { t } = useTranslation();
  return (
    <span className="exercise-chip" data-testid="exercise-chip">
      {t('alerts.exercise.chip')}
    </span>
  );
}
