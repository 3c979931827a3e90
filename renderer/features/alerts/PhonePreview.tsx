import { useTranslation } from 'react-i18next';

/** The SMS as it arrives on a phone: one bubble, the officer's text as plain text. */
export function PhonePreview({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <figure className="phone" data-testid="phone-preview" aria-label={t('alerts.phone.label')}>
      <div className="phone__screen">
        <p className="phone__sender">{t('alerts.phone.sender')}</p>
        <p className="phone__bubble" data-testid="phone-bubble">
          {text || t('alerts.phone.empty')}
        </p>
      </div>
    </figure>
  );
}
