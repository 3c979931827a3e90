/**
 * The two answers the police send to tipsters in bulk, where the officer works on the alert:
 * the automatic "Tak for dit tip" each tipster gets (set in the composer), and the "case
 * closed, thank you" to everyone who tipped (after release). The host checks role and length
 * again; here the officer sees the limits before pressing anything.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { analyzeSms } from '../../../shared/sms';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

type SmsLanguage = 'da' | 'en';

/** The citizen's SMS in the alert's language (not the officer's): what the police usually say. */
export const DEFAULT_ACK: Record<SmsLanguage, string> = {
  da: 'Tak for dit tip. Politiet læser alle henvendelser.',
  en: 'Thank you for your tip. The police read every message.',
};
export const DEFAULT_THANKS: Record<SmsLanguage, string> = {
  da: 'Sagen er afsluttet. Tak for dit tip - det hjalp politiet.',
  en: 'The case is closed. Thank you for your tip - it helped the police.',
};
export const ACK_MAX_PARTS = 1;
export const THANKS_MAX_PARTS = 2;

/** Why a text cannot go, as a translation key and its values; null when it can. */
function textProblem(text: string, maxParts: number): { key: 'tips.bulk.empty' | 'tips.bulk.tooLong'; values: { max?: number; count?: number } } | null {
  if (text.trim() === '') return { key: 'tips.bulk.empty', values: {} };
  const parts = analyzeSms(text.trim()).segments;
  return parts > maxParts ? { key: 'tips.bulk.tooLong', values: { max: maxParts, count: parts } } : null;
}

const useMaySend = () => useAppStore((s) => s.officer?.roles.some((r) => r === 'operator' || r === 'approver') ?? false);

/** Composer: whether the alert's tipsters get an automatic acknowledgement, and its words. */
export function TipAcknowledgement({ alertId, language }: { alertId: number; language: SmsLanguage }) {
  const { t } = useTranslation();
  const state = useAppStore((s) => s.tipAck);
  const load = useAppStore((s) => s.loadTipAck);
  const save = useAppStore((s) => s.saveTipAck);
  const maySet = useMaySend();
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    setText(null);
    void load(alertId);
  }, [alertId, load]);
  const mine = state.alertId === alertId;
  const on = mine && state.text !== null;
  // What the box shows: the officer's edit, else the saved text, else the usual words.
  const shown = text ?? (mine && state.text !== null ? state.text : DEFAULT_ACK[language]);
  const problem = textProblem(shown, ACK_MAX_PARTS);
  const changed = on && shown.trim() !== state.text;
  const busy = !mine || state.status !== 'ready' || state.busy;

  return (
    <fieldset className="panel tip-answer" data-testid="tip-ack">
      <legend className="panel__title">{t('tips.bulk.ackTitle')}</legend>
      {mine && state.status === 'failed' && state.error ? <ErrorNote error={state.error} /> : null}
      <label className="choice">
        <input
          type="checkbox"
          data-testid="tip-ack-on"
          checked={on}
          disabled={busy || !maySet || (!on && problem !== null)}
          onChange={(e) => void save(alertId, e.target.checked ? shown.trim() : null).then((ok) => ok && setText(null))}
        />
        {t('tips.bulk.ackOn')}
      </label>
      <label className="field">
        <span className="field__label">{t('tips.bulk.ackText')}</span>
        <textarea
          className="composer__text"
          data-testid="tip-ack-text"
          rows={2}
          maxLength={200}
          value={shown}
          disabled={!maySet}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {problem ? (
        <p className="hint hint--warning" role="status" data-testid="tip-ack-problem">
          {t(problem.key, problem.values)}
        </p>
      ) : (
        <p className="hint">{t(on ? 'tips.bulk.ackHintOn' : 'tips.bulk.ackHintOff')}</p>
      )}
      {changed ? (
        <button
          type="button"
          className="button button--small"
          data-testid="tip-ack-save"
          disabled={busy || problem !== null}
          onClick={() => void save(alertId, shown.trim()).then((ok) => ok && setText(null))}
        >
          {t('tips.bulk.ackSave')}
        </button>
      ) : null}
      {mine && state.saved && !changed ? (
        <p className="hint" role="status" data-testid="tip-ack-saved">
          {t(on ? 'tips.bulk.ackSaved' : 'tips.bulk.ackOff')}
        </p>
      ) : null}
      {mine && state.status === 'ready' && state.error ? <ErrorNote error={state.error} /> : null}
      {!maySet ? <p className="hint">{t('tips.bulk.ackRole')}</p> : null}
    </fieldset>
  );
}

/** After release: "Tak alle der tippede" - one SMS to everyone who tipped on the alert, once. */
export function ThankTipsters({ alertId, language = 'da' }: { alertId: number; language?: SmsLanguage }) {
  const { t } = useTranslation();
  const maySend = useMaySend();
  const tips = useAppStore((s) => s.tipsByAlert.find((b) => b.alertId === alertId)?.total ?? 0);
  const state = useAppStore((s) => s.tipThanks);
  const thank = useAppStore((s) => s.thankTipsters);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(DEFAULT_THANKS[language]);
  const mine = state.alertId === alertId;
  if (!maySend || tips === 0) return null;
  const problem = textProblem(text, THANKS_MAX_PARTS);
  if (mine && state.result) {
    return (
      <p className="tip-answer__done" role="status" data-testid={`tip-thanks-done-${alertId}`}>
        {t('tips.bulk.thanked', { count: state.result.queued })}
        {state.result.skipped > 0 ? ` ${t('tips.bulk.thankSkipped', { count: state.result.skipped })}` : ''}
      </p>
    );
  }
  if (!open) {
    return (
      <button type="button" className="button button--small tip-answer__open" data-testid={`tip-thanks-${alertId}`} onClick={() => setOpen(true)}>
        {t('tips.bulk.thankAll')}
      </button>
    );
  }
  return (
    <form
      className="tip-answer tip-answer--thanks"
      data-testid={`tip-thanks-form-${alertId}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) void thank(alertId, text.trim());
      }}
    >
      <label className="field">
        <span className="field__label">{t('tips.bulk.thankText', { count: tips })}</span>
        <textarea className="composer__text" rows={3} maxLength={500} value={text} data-testid="tip-thanks-text" onChange={(e) => setText(e.target.value)} />
      </label>
      {problem ? (
        <p className="hint hint--warning" role="status">
          {t(problem.key, problem.values)}
        </p>
      ) : (
        <p className="hint">{t('tips.bulk.thankHint')}</p>
      )}
      {mine && state.error ? (
        state.error.code === 'conflict' ? (
          <p className="error-note" role="alert" data-testid="tip-thanks-already">
            {t('tips.bulk.alreadyThanked')}
          </p>
        ) : (
          <ErrorNote error={state.error} />
        )
      ) : null}
      <div className="tip-answer__actions">
        <button type="submit" className="button button--small" data-testid="tip-thanks-send" disabled={problem !== null || (mine && state.busy)}>
          {t('tips.bulk.thankSend')}
        </button>
        <button type="button" className="button button--small" onClick={() => setOpen(false)}>
          {t('tips.bulk.cancel')}
        </button>
      </div>
    </form>
  );
}
