import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { AuditPanel } from '../audit/AuditPanel';
import { hasRole } from '../session/sessionSlice';
import { AlertList } from './AlertList';
import { AlertReview } from './AlertReview';
import { awaitingApproval } from './alertsSlice';
import type { AlertsView } from './alertsSlice';
import { isExercise } from '../../../shared/alerts/exercise';
import { CapDialog } from './CapDialog';
import { ExerciseBanner } from './ExerciseBanner';
import { Composer } from './Composer';
import { NewAlert } from './NewAlert';
import { StatusChip } from './StatusChip';
import './alerts.css';

function Detail() {
  const { t } = useTranslation();
  const alert = useAppStore((s) => s.selected);
  const editor = useAppStore((s) => s.editor);
  const error = useAppStore((s) => s.selectedError);
  const parent = useAppStore((s) => (s.selected?.parentId ? s.alertList.value.find((a) => a.id === s.selected!.parentId) : undefined));
  if (!alert) {
    return error ? <ErrorNote error={error} /> : <p className="hint">{t('alerts.detail.none')}</p>;
  }
  return (
    <article className="alert-detail" aria-labelledby="alert-detail-title" data-testid="alert-detail" data-status={alert.status}>
      <header className="alert-detail__head">
        <h2 id="alert-detail-title" className="alert-detail__title">
          {t('alerts.detail.title', { id: alert.id, category: t(`target.categories.${alert.category}`) })}
        </h2>
        <StatusChip status={alert.status} />
        {alert.kind !== 'alert' && (
          <span className="hint" data-testid="follow-up-of">
            {t(`alerts.kinds.${alert.kind}`)}
            {alert.parentId !== null ? ` · ${t('alerts.detail.parent', { id: alert.parentId })}` : ''}
            {parent ? ` (${t(`alerts.status.${parent.status}`)})` : ''}
          </span>
        )}
      </header>
      {isExercise(editor && editor.id === alert.id ? editor.content : alert) && <ExerciseBanner />}
      {error && <ErrorNote error={error} />}
      {editor && editor.id === alert.id ? <Composer editor={editor} alert={alert} /> : <AlertReview alert={alert} />}
      <CapDialog />
    </article>
  );
}

const views: AlertsView[] = ['alerts', 'approvals', 'audit'];

/** Varsler: the drafts and alerts, approvals for a shift leader, the audit trail; one alert in detail. */
export function AlertsScreen() {
  const { t } = useTranslation();
  const view = useAppStore((s) => s.alertsView);
  const setView = useAppStore((s) => s.setAlertsView);
  const list = useAppStore((s) => s.alertList);
  const loadAlerts = useAppStore((s) => s.loadAlerts);
  const alerts = useAppStore((s) => s.alertList.value);
  // Filtered here, not in the selector: a selector must return a stored value, not a new array.
  const awaiting = useMemo(() => awaitingApproval(alerts), [alerts]);
  const canDraft = useAppStore((s) => hasRole(s, 'operator', 'approver'));
  const canApprove = useAppStore((s) => hasRole(s, 'approver'));
  const canAudit = useAppStore((s) => hasRole(s, 'approver', 'admin'));
  const [creating, setCreating] = useState(false);

  // Only those who write or approve alerts may read them (the host refuses anyone else).
  useEffect(() => {
    if (canDraft) void loadAlerts();
  }, [loadAlerts, canDraft]);

  const allowed = views.filter((v) => (v === 'alerts' ? canDraft : v === 'approvals' ? canApprove : canAudit));
  const current = allowed.includes(view) ? view : (allowed[0] ?? null);

  if (current === null || !canDraft) {
    // An administrator (or an account with no alert role): what they can do here, and nothing they cannot.
    return (
      <div className="alerts-screen" data-testid="alerts-screen-readonly">
        <p className="panel hint" data-testid="alerts-role-note">
          {canAudit ? t('alerts.roleNote.auditOnly') : t('alerts.roleNote.none')}
        </p>
        {current === 'audit' && <AuditPanel />}
      </div>
    );
  }

  return (
    <div className="alerts-screen">
      <div className="toolbar alerts-screen__views" role="group" aria-label={t('alerts.views.label')}>
        {allowed.map((v) => (
          <button
            key={v}
            type="button"
            className="button"
            data-testid={`view-${v}`}
            aria-pressed={v === current}
            onClick={() => setView(v)}
          >
            {v === 'approvals' ? t('alerts.views.approvalsCount', { count: awaiting.length }) : t(`alerts.views.${v}`)}
          </button>
        ))}
        {canDraft && current === 'alerts' && (
          <button type="button" className="button button--primary" data-testid="new-alert-open" onClick={() => setCreating(true)} disabled={creating}>
            {t('alerts.new.open')}
          </button>
        )}
      </div>
      {current === 'audit' ? (
        <AuditPanel />
      ) : (
        <div className="alerts-screen__body">
          <aside className="alerts-screen__list" aria-label={current === 'approvals' ? t('alerts.views.approvals') : t('alerts.views.alerts')}>
            {creating && current === 'alerts' && <NewAlert onDone={() => setCreating(false)} />}
            {list.status === 'failed' && list.error && (
              <ErrorNote error={list.error}>
                {' '}
                <button type="button" className="link-button" onClick={() => void loadAlerts()}>
                  {t('alerts.retry')}
                </button>
              </ErrorNote>
            )}
            {list.status === 'loading' && list.value.length === 0 ? (
              <p className="hint">{t('alerts.list.loading')}</p>
            ) : current === 'approvals' ? (
              <AlertList alerts={awaiting} emptyKey="alerts.list.noneAwaiting" testid="approval-list" />
            ) : (
              <AlertList alerts={list.value} emptyKey="alerts.list.none" testid="alert-list" />
            )}
          </aside>
          <div className="alerts-screen__detail">
            <Detail />
          </div>
        </div>
      )}
    </div>
  );
}
