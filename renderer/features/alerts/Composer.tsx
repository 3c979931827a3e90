import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { X_MAX_LENGTH } from '../../../shared/alerts/schema';
import type { Alert, Template } from '../../../shared/alerts/schema';
import { useAppStore } from '../../store';
import { toTargetArea } from '../target/parts';
import { filterFor } from '../target/targetSlice';
import { AreaSummary } from './AreaSummary';
import { blockers, filled, xLength } from './draft';
import type { DraftEditor } from './alertsSlice';
import type { DraftContent } from './draft';
import { isExercise, otherLanguage, smsAsSent } from '../../../shared/alerts/exercise';
import { counterpartOf } from '../../../shared/alerts/templates';
import { fromLocalInput, toLocalInput } from './draft';
import { PhonePreview } from './PhonePreview';
import { PreviewFacts } from './PreviewFacts';
import { SaveIndicator } from './SaveIndicator';
import { SmsFacts, useSmsAnalysis } from './SmsFacts';
import { selectTemplate } from './alertsSlice';
import { AlertActions } from './AlertActions';
import { ChannelsPicker } from '../social/ChannelsPicker';
import { TipAcknowledgement } from '../tips/TipAnswers';

/** A text the officer has not changed by hand (still the template, as filled before) follows the fields. */
function refill(text: string, template: Template | null, which: 'sms' | 'social', before: Record<string, string>, after: Record<string, string>) {
  if (!template) return text;
  const untouched = text === '' || text === template[which] || text === filled(template, before)[which];
  return untouched ? filled(template, after)[which] : text;
}

function Fields({ template, editor, alert }: { template: Template | null; editor: DraftEditor; alert: Alert }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const fields = template?.fields ?? Object.keys(editor.content.fields).map((key) => ({ key, label: key, required: false }));
  if (fields.length === 0) return null;
  const setField = (key: string, value: string) => {
    const before = editor.content.fields;
    const after = { ...before, [key]: value };
    const change: Partial<DraftContent> = { fields: after };
    change.smsText = refill(editor.content.smsText, template, 'sms', before, after);
    change.socialText = refill(editor.content.socialText, template, 'social', before, after);
    editDraft(change);
  };
  return (
    <fieldset className="panel composer__fields" data-testid="template-fields">
      <legend className="panel__title">{template ? template.name : t('alerts.composer.fields')}</legend>
      {fields.map((f) => (
        <label key={f.key} className="field">
          <span className="field__label">
            {f.label}
            {f.required && <span aria-hidden="true"> *</span>}
          </span>
          <input
            data-testid={`field-${f.key}`}
            value={editor.content.fields[f.key] ?? ''}
            required={f.required}
            aria-required={f.required}
            maxLength={2000}
            onChange={(e) => setField(f.key, e.target.value)}
          />
        </label>
      ))}
      {template && alert.kind === 'alert' && <p className="hint">{t('alerts.composer.fieldsHint')}</p>}
    </fieldset>
  );
}

function SocialText({ editor, template }: { editor: DraftEditor; template: Template | null }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const id = useId();
  const length = xLength(editor.content.socialText);
  const over = length - X_MAX_LENGTH;
  return (
    <div className="panel">
      <label className="field" htmlFor={id}>
        <span className="field__label">{t('alerts.composer.social')}</span>
      </label>
      <textarea
        id={id}
        className="composer__text"
        data-testid="social-text"
        rows={4}
        value={editor.content.socialText}
        aria-invalid={over > 0}
        aria-describedby={`${id}-count`}
        maxLength={5000}
        onChange={(e) => editDraft({ socialText: e.target.value })}
      />
      <p id={`${id}-count`} className={over > 0 ? 'x-count x-count--over' : 'x-count'} data-testid="x-count" data-over={over > 0}>
        {over > 0 ? t('alerts.composer.xOver', { count: over, max: X_MAX_LENGTH }) : t('alerts.composer.xCount', { length, max: X_MAX_LENGTH })}
      </p>
      <div className="toolbar">
        <button type="button" className="button button--small" data-testid="social-from-sms" onClick={() => editDraft({ socialText: editor.content.smsText })}>
          {t('alerts.composer.socialFromSms')}
        </button>
        {template && (
          <button
            type="button"
            className="button button--small"
            onClick={() => editDraft({ socialText: filled(template, editor.content.fields).social })}
          >
            {t('alerts.composer.socialFromTemplate')}
          </button>
        )}
      </div>
    </div>
  );
}

function Options({ editor }: { editor: DraftEditor }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const preview = useAppStore((s) => s.preview.value);
  const urgent = editor.content.urgency === 'urgent';
  return (
    <fieldset className="panel">
      <legend className="panel__title">{t('alerts.composer.options')}</legend>
      <label className="choice">
        <input
          type="checkbox"
          data-testid="urgent"
          checked={urgent}
          onChange={(e) => editDraft({ urgency: e.target.checked ? 'urgent' : 'routine' })}
        />
        {t('alerts.composer.urgent')}
      </label>
      <p className="hint" data-testid="urgency-hint">
        {urgent
          ? t('alerts.composer.urgentHint')
          : preview && preview.delayedByQuietHours > 0
            ? t('alerts.composer.routineDelayed', { count: preview.delayedByQuietHours })
            : t('alerts.composer.routineHint')}
      </p>
      <div className="schedule" data-testid="schedule">
        <label className="field">
          <span className="field__label">{t('alerts.schedule.releaseAt')}</span>
          <input
            type="datetime-local"
            data-testid="release-at"
            value={toLocalInput(editor.content.releaseAt)}
            onChange={(e) => editDraft({ releaseAt: fromLocalInput(e.target.value) })}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('alerts.schedule.expiresAt')}</span>
          <input
            type="datetime-local"
            data-testid="expires-at"
            value={toLocalInput(editor.content.expiresAt)}
            onChange={(e) => editDraft({ expiresAt: fromLocalInput(e.target.value) })}
          />
        </label>
        <p className="hint">{t('alerts.schedule.hint')}</p>
      </div>
      <label className="choice">
        <input
          type="checkbox"
          data-testid="exercise"
          checked={isExercise(editor.content)}
          onChange={(e) => editDraft({ capStatus: e.target.checked ? 'Exercise' : 'Actual' })}
        />
        {t('alerts.exercise.mark')}
      </label>
      <label className="choice">
        <input
          type="checkbox"
          data-testid="cap-enabled"
          checked={editor.content.capEnabled}
          onChange={(e) => editDraft({ capEnabled: e.target.checked })}
        />
        {t('alerts.composer.cap')}
      </label>
      {editor.content.capEnabled && (
        <label className="field">
          <span className="field__label">{t('alerts.composer.capStatus')}</span>
          <select
            data-testid="cap-status"
            value={editor.content.capStatus}
            onChange={(e) => editDraft({ capStatus: e.target.value as DraftContent['capStatus'] })}
          >
            {(['Actual', 'Exercise', 'Test', 'Draft'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`alerts.capStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
      )}
    </fieldset>
  );
}

function Area({ editor, alert }: { editor: DraftEditor; alert: Alert }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const mapParts = useAppStore((s) => s.targetParts);
  const mapArea = useMemo(() => toTargetArea(mapParts), [mapParts]);
  const targetFilter = useAppStore((s) => s.targetFilter);
  const mapCount = useAppStore((s) => s.targetCount);
  const navigate = useAppStore((s) => s.navigate);
  const same = mapArea !== null && JSON.stringify(mapArea) === JSON.stringify(editor.content.area);
  return (
    <section className="panel" aria-labelledby="composer-area">
      <h2 id="composer-area" className="panel__title">
        {t('alerts.area.title')}
      </h2>
      {alert.kind !== 'alert' && <p className="hint">{t('alerts.area.followUp')}</p>}
      <AreaSummary area={editor.content.area} />
      <p className="hint" data-testid="map-area">
        {mapArea
          ? mapCount.value
            ? t('alerts.area.onMap', { count: mapCount.value.total })
            : t('alerts.area.onMapCounting')
          : t('alerts.area.noneOnMap')}
      </p>
      <div className="toolbar">
        <button
          type="button"
          className="button"
          data-testid="use-map-area"
          disabled={!mapArea || same}
          onClick={() => {
            if (!mapArea) return;
            const groups = filterFor(targetFilter)?.groups;
            editDraft({ area: mapArea, filter: groups ? { groups, statuses: ['active'] } : null });
          }}
        >
          {same ? t('alerts.area.inUse') : t('alerts.area.useMap')}
        </button>
        <button type="button" className="button" onClick={() => navigate('map')}>
          {t('alerts.area.toMap')}
        </button>
      </div>
    </section>
  );
}

/**
 * The SMS in the other language (English for a Danish alert): added from the same template in
 * that language, with its own live facts; subscribers registered in that language get it.
 */
function OtherLanguageText({ editor, alert, template, recipients }: { editor: DraftEditor; alert: Alert; template: Template | null; recipients: number | null }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const templates = useAppStore((s) => s.templates.value);
  const language = otherLanguage(alert.language);
  const text = editor.content.smsTextOther;
  const sent = smsAsSent({ capStatus: editor.content.capStatus, smsText: text, language });
  const prefix = sent.length - text.length;
  const analysis = useSmsAnalysis(sent);
  const id = useId();
  const counterpart = template ? counterpartOf(template, templates) : undefined;
  const name = t(`alerts.languages.${language}`);
  if (!text) {
    return (
      <div className="panel" data-testid="sms-other">
        <p className="hint">{t('alerts.composer.otherHint', { language: name })}</p>
        <button
          type="button"
          className="button"
          data-testid="add-other-text"
          onClick={() => editDraft({ smsTextOther: counterpart ? filled(counterpart, editor.content.fields).sms : ' ' })}
        >
          {t('alerts.composer.addOther', { language: name })}
        </button>
      </div>
    );
  }
  return (
    <div className="composer__sms" data-testid="sms-other">
      <div className="panel">
        <label className="field" htmlFor={id}>
          <span className="field__label">{t('alerts.composer.smsIn', { language: name })}</span>
        </label>
        <textarea
          id={id}
          className="composer__text"
          data-testid="sms-text-other"
          lang={language}
          rows={5}
          maxLength={1530}
          value={text}
          onChange={(e) => editDraft({ smsTextOther: e.target.value })}
        />
        <button type="button" className="button button--small" data-testid="remove-other-text" onClick={() => editDraft({ smsTextOther: '' })}>
          {t('alerts.composer.removeOther', { language: name })}
        </button>
        <SmsFacts text={sent} analysis={analysis} recipients={recipients} onChange={(changed) => editDraft({ smsTextOther: changed.slice(prefix) })} />
      </div>
      <PhonePreview text={sent} />
    </div>
  );
}

/** The draft being written: fields, SMS with its live facts, social text, options, area, preview. */
export function Composer({ editor, alert }: { editor: DraftEditor; alert: Alert }) {
  const { t } = useTranslation();
  const editDraft = useAppStore((s) => s.editDraft);
  const dismissConflict = useAppStore((s) => s.dismissConflict);
  const template = useAppStore(selectTemplate);
  const preview = useAppStore((s) => s.preview.value);
  // The facts and the phone show the SMS as it goes out: an exercise's carries its "ØVELSE:" prefix.
  const sent = smsAsSent({ ...editor.content, language: alert.language });
  const prefix = sent.length - editor.content.smsText.length;
  const analysis = useSmsAnalysis(sent);
  const smsId = useId();
  const problems = blockers(editor.content, template, alert.kind);

  return (
    <div className="composer" data-testid="composer" data-alert-id={alert.id}>
      {editor.conflictText !== null && (
        <div className="notice notice--warn" role="alert" data-testid="conflict">
          <p>{t('alerts.composer.conflict')}</p>
          <textarea readOnly className="composer__text" rows={3} value={editor.conflictText} aria-label={t('alerts.composer.conflictText')} />
          <button type="button" className="button button--small" onClick={dismissConflict}>
            {t('alerts.composer.dismiss')}
          </button>
        </div>
      )}
      <SaveIndicator />
      <Fields template={template} editor={editor} alert={alert} />
      <div className="composer__sms">
        <div className="panel">
          <label className="field" htmlFor={smsId}>
            <span className="field__label">{t('alerts.composer.sms')}</span>
          </label>
          <textarea
            id={smsId}
            className="composer__text"
            data-testid="sms-text"
            rows={6}
            maxLength={1530}
            value={editor.content.smsText}
            onChange={(e) => editDraft({ smsText: e.target.value })}
          />
          {template && editor.content.smsText !== filled(template, editor.content.fields).sms && (
            <button
              type="button"
              className="button button--small"
              data-testid="refill-sms"
              onClick={() => editDraft({ smsText: filled(template, editor.content.fields).sms })}
            >
              {t('alerts.composer.refill')}
            </button>
          )}
          <SmsFacts
            text={sent}
            analysis={analysis}
            recipients={preview ? (preview.texts?.[0]?.recipients ?? preview.recipients) : null}
            onChange={(smsText) => editDraft({ smsText: smsText.slice(prefix) })}
          />
        </div>
        <PhonePreview text={sent} />
      </div>
      <OtherLanguageText editor={editor} alert={alert} template={template} recipients={preview?.texts?.[1]?.recipients ?? null} />
      <ChannelsPicker channels={editor.content.channels} onChange={(channels) => editDraft({ channels })} />
      <SocialText editor={editor} template={template} />
      <Options editor={editor} />
      <TipAcknowledgement alertId={alert.id} language={alert.language} />
      <Area editor={editor} alert={alert} />
      <PreviewFacts />
      {problems.length > 0 && (
        <ul className="blockers" data-testid="blockers">
          {problems.map((p) => (
            <li key={p}>{t(`alerts.blockers.${p}`)}</li>
          ))}
        </ul>
      )}
      <AlertActions alert={alert} canSubmit={problems.length === 0} />
    </div>
  );
}
