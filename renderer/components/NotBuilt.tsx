import { useTranslation } from 'react-i18next';

/** Says plainly that a screen does not work yet, and what it will do once built. */
export function NotBuilt({ plansKey }: { plansKey: string }) {
  const { t } = useTranslation();
  const plans = t(plansKey, { returnObjects: true }) as unknown;
  return (
    <section className="not-built" data-testid="not-built">
      <p className="not-built__badge">{t('notBuilt.badge')}</p>
      <p>{t('notBuilt.lead')}</p>
      {Array.isArray(plans) && (
        <>
          <p>{t('notBuilt.willDo')}</p>
          <ul>
            {plans.map((plan) => (
              <li key={String(plan)}>{String(plan)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
