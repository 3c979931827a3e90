import './monitor.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { SendList } from './SendList';
import { SendPanel } from './SendPanel';
import { AnswerSends } from './AnswerSends';

/** Every send as a card; each card re-renders only for its own send's events. */
function AllSends() {
  const order = useAppStore((s) => s.monitorOrder);
  return (
    <div className="monitor__cards" data-testid="monitor-cards">
      {order.map((id) => (
        <SendPanel key={id} sendId={id} detailed={false} />
      ))}
      <AnswerSends />
    </div>
  );
}

/** The live delivery monitor (Overvågning): several sends at once, live, with pause / resume / cancel. */
export function MonitorScreen() {
  const { t } = useTranslation();
  const watchMonitor = useAppStore((s) => s.watchMonitor);
  const loadSends = useAppStore((s) => s.loadSends);
  const list = useAppStore((s) => s.monitorList);
  const count = useAppStore((s) => s.monitorOrder.length + s.monitorAnswers.length);
  const selected = useAppStore((s) => s.monitorSelected);
  const selectedKnown = useAppStore((s) => s.monitorSelected !== null && s.monitorSends[s.monitorSelected] !== undefined);
  const select = useAppStore((s) => s.selectSend);
  const signedIn = useAppStore((s) => s.sessionStatus === 'signedIn');

  // Only while signed in: after a lock the host refuses calls, and signing in again brings the list up to date.
  useEffect(() => (signedIn ? watchMonitor() : undefined), [signedIn, watchMonitor]);

  return (
    <div className="monitor" data-testid="monitor">
      <div className="monitor__bar">
        <button type="button" className="button" data-testid="monitor-refresh" onClick={() => void loadSends()}>
          {t('monitor.refresh')}
        </button>
        {list.status === 'loading' && count === 0 && (
          <span className="muted" aria-live="polite">
            {t('monitor.loading')}
          </span>
        )}
      </div>
      {list.status === 'failed' && list.error && (
        <div className="monitor__error" data-testid="monitor-load-error">
          <p>{t('monitor.loadFailed')}</p>
          <ErrorNote error={list.error} />
          <button type="button" className="button" onClick={() => void loadSends()}>
            {t('monitor.retry')}
          </button>
        </div>
      )}
      {list.status === 'ready' && count === 0 ? (
        <p className="monitor__empty" data-testid="monitor-empty">
          {t('monitor.empty')}
        </p>
      ) : (
        count > 0 && (
          <div className="monitor__body">
            <SendList />
            <div className="monitor__main">
              {selected !== null && selectedKnown ? (
                <>
                  <button type="button" className="link-button" data-testid="monitor-back" onClick={() => select(null)}>
                    {t('monitor.backToAll')}
                  </button>
                  <SendPanel key={selected} sendId={selected} detailed />
                </>
              ) : (
                <AllSends />
              )}
            </div>
          </div>
        )
      )}
    </div>
  );
}
