import './tips.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TipState, TipSummary } from '../../../shared/bridge/contract';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { sinceLabel } from './format';
import { TipMap, TipPlaceMap } from './TipMap';

export const TRIAGE_STATES = ['useful', 'not_useful', 'forwarded', 'closed'] as const satisfies readonly TipState[];
const FILTER_STATES: readonly TipState[] = ['new', 'read', 'useful', 'not_useful', 'forwarded', 'closed'];

/** Tips: the citizens' replies, newest first, each tied to the alert that prompted it. */
export function TipsScreen() {
  const signedIn = useAppStore((s) => s.sessionStatus === 'signedIn');
  const watchTips = useAppStore((s) => s.watchTips);
  useEffect(() => (signedIn ? watchTips() : undefined), [signedIn, watchTips]);
  const alertId = useAppStore((s) => s.tipsFilter.alertId);
  const [mapShown, setMapShown] = useState(false);
  return (
    <div className="tips" data-testid="tips">
      <TipsFilterBar mapShown={mapShown} onToggleMap={() => setMapShown(!mapShown)} />
      {mapShown && typeof alertId === 'number' ? <TipMap alertId={alertId} /> : null}
      <div className="tips__body">
        <TipList />
        <TipPanel />
      </div>
    </div>
  );
}

function TipsFilterBar({ mapShown, onToggleMap }: { mapShown: boolean; onToggleMap: () => void }) {
  const { t } = useTranslation();
  const filter = useAppStore((s) => s.tipsFilter);
  const setFilter = useAppStore((s) => s.setTipsFilter);
  const [query, setQuery] = useState(filter.query);
  return (
    <form
      className="panel tips__filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        setFilter({ query });
      }}
    >
      <label>
        {t('tips.filter.search')}
        <input type="search" value={query} maxLength={200} data-testid="tips-search" onChange={(e) => setQuery(e.target.value)} />
      </label>
      <label>
        {t('tips.filter.state')}
        <select
          value={filter.state ?? ''}
          data-testid="tips-state-filter"
          onChange={(e) => {
            const state = e.target.value as TipState | '';
            setFilter(state ? { state } : { state: undefined });
          }}
        >
          <option value="">{t('tips.filter.allStates')}</option>
          {FILTER_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`tips.state.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {filter.alertId !== undefined ? (
        <span className="tips__chip" data-testid="tips-alert-filter">
          {filter.alertId === null ? t('tips.notTied') : t('tips.alertN', { id: filter.alertId })}
          <button type="button" aria-label={t('tips.filter.clearAlert')} onClick={() => setFilter({ alertId: undefined })}>
            ×
          </button>
        </span>
      ) : null}
      {typeof filter.alertId === 'number' ? (
        <button type="button" aria-pressed={mapShown} data-testid="tips-map-toggle" onClick={onToggleMap}>
          {t('tips.map.toggle')}
        </button>
      ) : null}
      <button type="submit">{t('tips.filter.apply')}</button>
    </form>
  );
}

function TipList() {
  const { t } = useTranslation();
  const list = useAppStore((s) => s.tipsList);
  const openTip = useAppStore((s) => s.openTip);
  const openId = useAppStore((s) => s.tipOpen.value?.id ?? null);
  if (list.status === 'failed' && list.error) return <ErrorNote error={list.error} />;
  if (list.status !== 'ready') return <p className="panel">{t('tips.loading')}</p>;
  return (
    <div className="panel tips__list">
      <p className="tips__count" data-testid="tips-count">
        {t('tips.shown', { shown: list.tips.length, total: list.total })}
      </p>
      {list.tips.length === 0 ? (
        <p data-testid="tips-empty">{t('tips.empty')}</p>
      ) : (
        <ul>
          {list.tips.map((tip) => (
            <li key={tip.id}>
              <button
                type="button"
                className={`tips__row tips__row--${tip.state}${tip.id === openId ? ' tips__row--open' : ''}`}
                data-testid="tip-row"
                data-tip-id={tip.id}
                onClick={() => void openTip(tip.id)}
              >
                <TipHeader tip={tip} />
                {/* Citizens' text: React renders it as text, never as markup. */}
                <span className="tips__text">{tip.binary ? t('tips.binary') : tip.text || t('tips.emptyText')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TipHeader({ tip }: { tip: TipSummary }) {
  const { t, i18n } = useTranslation();
  const time = new Date(tip.receivedAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK', { dateStyle: 'short', timeStyle: 'short' });
  return (
    <span className="tips__meta">
      <span className={`tips__state tips__state--${tip.state}`} data-testid="tip-state">
        {t(`tips.state.${tip.state}`)}
      </span>
      <time dateTime={tip.receivedAt}>{time}</time>
      <span>{tip.alertId !== null ? t('tips.alertN', { id: tip.alertId }) : t('tips.notTied')}</span>
      {tip.reachedAt ? <span>{sinceLabel(t, tip.reachedAt, tip.receivedAt)}</span> : null}
      <span className="tips__sender">{tip.channel === 'sms' ? tip.senderMasked : t(`tips.channel.${tip.channel}`)}</span>
      {tip.partial ? <span className="tips__flag">{t('tips.partial')}</span> : null}
      {tip.flood ? <span className="tips__flag">{t('tips.flood')}</span> : null}
      {tip.repeats > 0 ? <span className="tips__flag">{t('tips.repeats', { count: tip.repeats })}</span> : null}
    </span>
  );
}

function TipPanel() {
  const { t } = useTranslation();
  const open = useAppStore((s) => s.tipOpen);
  const closeTip = useAppStore((s) => s.closeTip);
  const markTip = useAppStore((s) => s.markTip);
  const replyToTip = useAppStore((s) => s.replyToTip);
  const canReply = useAppStore((s) => s.officer?.roles.some((r) => r === 'operator' || r === 'approver') ?? false);
  const [note, setNote] = useState('');
  const [reply, setReply] = useState('');
  // Reset only when another tip is opened: typing must not be overwritten by a refresh.
  const id = open.value?.id;
  const savedNote = open.value?.note ?? '';
  const [shownId, setShownId] = useState(id);
  if (shownId !== id) {
    setShownId(id);
    setNote(savedNote);
    setReply('');
  }

  if (open.status === 'idle') return <p className="panel tips__panel tips__hint">{t('tips.pick')}</p>;
  if (open.status === 'loading') return <p className="panel tips__panel">{t('tips.loading')}</p>;
  if (open.status === 'failed' || !open.value) return open.error ? <ErrorNote error={open.error} /> : null;
  const tip = open.value;
  return (
    <article className="panel tips__panel" data-testid="tip-detail" aria-label={t('tips.detail', { id: tip.id })}>
      <header className="tips__panel-head">
        <TipHeader tip={tip} />
        <button type="button" onClick={closeTip}>
          {t('tips.close')}
        </button>
      </header>
      <p className="tips__full" data-testid="tip-text">
        {tip.binary ? `${t('tips.binary')}: ${tip.text}` : tip.text || t('tips.emptyText')}
      </p>
      <dl className="tips__facts">
        <dt>{t('tips.sender')}</dt>
        <dd data-testid="tip-sender">{tip.sender}</dd>
        <dt>{t('tips.alert')}</dt>
        <dd>{tip.alertId !== null ? `${t('tips.alertN', { id: tip.alertId })}: ${tip.alertTitle ?? ''}` : t('tips.notTied')}</dd>
        {tip.place ? (
          <>
            <dt>{t('tips.place')}</dt>
            <dd data-testid="tip-place">{`${tip.place.lat.toFixed(4)}, ${tip.place.lon.toFixed(4)}`}</dd>
          </>
        ) : null}
      </dl>
      {tip.place ? <TipPlaceMap place={tip.place} /> : null}
      <div className="tips__triage" role="group" aria-label={t('tips.triage')}>
        {TRIAGE_STATES.map((s) => (
          <button key={s} type="button" aria-pressed={tip.state === s} disabled={open.busy} data-testid={`tip-mark-${s}`} onClick={() => void markTip({ state: s })}>
            {t(`tips.mark.${s}`)}
          </button>
        ))}
      </div>
      <form
        className="tips__note"
        onSubmit={(e) => {
          e.preventDefault();
          void markTip({ note: note.trim() ? note.trim() : null });
        }}
      >
        <label>
          {t('tips.note')}
          <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={open.busy}>
          {t('tips.saveNote')}
        </button>
      </form>
      {tip.channel === 'sms' && canReply ? (
        <form
          className="tips__reply"
          onSubmit={(e) => {
            e.preventDefault();
            if (reply.trim()) void replyToTip(reply.trim()).then((ok) => ok && setReply(''));
          }}
        >
          <label>
            {t('tips.reply')}
            <textarea value={reply} maxLength={500} rows={3} data-testid="tip-reply-text" onChange={(e) => setReply(e.target.value)} />
          </label>
          <button type="submit" disabled={open.busy || !reply.trim()} data-testid="tip-reply-send">
            {t('tips.send')}
          </button>
          {open.replied ? (
            <p role="status" data-testid="tip-replied">
              {t('tips.replied')}
            </p>
          ) : null}
        </form>
      ) : null}
      {open.actionError ? <ErrorNote error={open.actionError} /> : null}
      {tip.replies.length > 0 ? (
        <section>
          <h2 className="tips__subtitle">{t('tips.answers')}</h2>
          <ul className="tips__answers" data-testid="tip-answers">
            {tip.replies.map((r, i) => (
              <li key={i}>
                <span className="tips__meta">
                  <time dateTime={r.at}>{new Date(r.at).toLocaleString()}</time>
                  <span>{t(`tips.answerKind.${r.kind}`, { defaultValue: r.kind })}</span>
                  <span>{t(`tips.answerState.${r.state}`, { defaultValue: r.state })}</span>
                  {r.officer ? <span>{r.officer}</span> : null}
                </span>
                <span className="tips__text">{r.text}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
