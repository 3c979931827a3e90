import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/** The alert as CAP 1.2 XML, read-only, to copy into another system. Esc closes it. */
export function CapDialog() {
  const { t } = useTranslation();
  const cap = useAppStore((s) => s.cap);
  const close = useAppStore((s) => s.closeCap);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (cap.status === 'ready') area.current?.focus();
  }, [cap.status]);
  if (cap.status === 'closed') return null;
  return (
    <div
      className="panel cap-dialog"
      role="dialog"
      aria-modal="false"
      aria-labelledby="cap-title"
      data-testid="cap-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
      }}
    >
      <h2 id="cap-title" className="panel__title">
        {t('alerts.cap.title')}
      </h2>
      {cap.status === 'loading' && <p>{t('alerts.cap.loading')}</p>}
      {cap.status === 'failed' && cap.error && <ErrorNote error={cap.error} />}
      {cap.status === 'ready' && (
        <textarea ref={area} className="cap-dialog__xml" data-testid="cap-xml" readOnly rows={16} value={cap.xml} aria-label={t('alerts.cap.title')} />
      )}
      <div className="toolbar toolbar--actions">
        <button type="button" className="button" data-testid="cap-close" onClick={close}>
          {t('alerts.cap.close')}
        </button>
      </div>
    </div>
  );
}
