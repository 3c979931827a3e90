import '../evaluation/evaluation.css';
import './surveys.css';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { PANEL_GROUP, resultsCsvRows, surveySmsText } from '../../../shared/surveys/schema';
import type { SurveyQuestion, SurveyResults, SurveySummary } from '../../../shared/surveys/schema';
import { ErrorNote } from '../../components/ErrorNote';
import { saveFile, toCsv } from '../../lib/download';
import { useAppStore } from '../../store';
import { ChartPanel } from '../evaluation/ChartPanel';
import { hasRole } from '../session/sessionSlice';
import { toTargetArea } from '../target/parts';

type DraftQuestion = { text: string; kind: 'scale' | 'yesno'; max: number };

/** Surveys of the citizen panel: draft, four eyes, send, the live tally and the results. */
export function SurveysScreen() {
  const { t } = useTranslation();
  const watch = useAppStore((s) => s.watchSurveys);
  const state = useAppStore((s) => s.surveys);
  const openId = useAppStore((s) => s.surveyOpen.id);
  const open = useAppStore((s) => s.openSurvey);
  const [drafting, setDrafting] = useState(false);
  const canDraft = useAppStore((s) => hasRole(s, 'operator', 'approver'));
  useEffect(() => watch(), [watch]);

  return (
    <div className="surveys" data-testid="surveys" data-state={state.status}>
      <section className="panel surveys__list" aria-label={t('surveys.list')}>
        <header className="surveys__head">
          <p className="muted" data-testid="survey-panel-size">
            {t('surveys.panelSize', { count: state.panel })}
          </p>
          {canDraft && (
            <button type="button" className="button" data-testid="survey-new" onClick={() => setDrafting(true)}>
              {t('surveys.new')}
            </button>
          )}
        </header>
        {state.status === 'failed' && state.error && <ErrorNote error={state.error} />}
        {state.list.length === 0 && state.status === 'ready' ? <p className="muted">{t('surveys.none')}</p> : null}
        <ul className="surveys__items" data-testid="survey-list">
          {state.list.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                className="surveys__item"
                aria-current={s.id === openId ? 'true' : undefined}
                data-testid={`survey-row-${s.id}`}
                onClick={() => {
                  setDrafting(false);
                  void open(s.id);
                }}
              >
                <span className="surveys__title">{s.title}</span>
                <span className={`surveys__state surveys__state--${s.state}`}>{t(`surveys.states.${s.state}`)}</span>
                <span className="muted">{t('surveys.answeredOf', { answered: s.respondents, recipients: s.recipients })}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <div className="surveys__main">{drafting ? <Draft onDone={() => setDrafting(false)} /> : <Detail />}</div>
    </div>
  );
}

function Draft({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const create = useAppStore((s) => s.createSurvey);
  const action = useAppStore((s) => s.surveyAction);
  const parts = useAppStore((s) => s.targetParts);
  const area = useMemo(() => toTargetArea(parts), [parts]);
  const [title, setTitle] = useState('');
  const [language, setLanguage] = useState<'da' | 'en'>('da');
  const [questions, setQuestions] = useState<DraftQuestion[]>([{ text: '', kind: 'scale', max: 5 }]);
  const [audience, setAudience] = useState<'panel' | 'sample'>('panel');
  const [size, setSize] = useState(500);
  const asked: SurveyQuestion[] = questions.map((q) => (q.kind === 'yesno' ? { kind: 'yesno', text: q.text.trim() } : { kind: 'scale', text: q.text.trim(), max: q.max }));
  const preview = surveySmsText(asked, language);
  const ready = title.trim() !== '' && questions.every((q) => q.text.trim() !== '') && (audience === 'panel' || area !== null);
  const setQ = (i: number, patch: Partial<DraftQuestion>) => setQuestions(questions.map((q, k) => (k === i ? { ...q, ...patch } : q)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    const id = await create({
      title: title.trim(),
      language,
      questions: asked,
      audience: audience === 'panel' ? { kind: 'panel', group: PANEL_GROUP } : { kind: 'sample', area: area!, size },
    });
    if (id !== null) onDone();
  };
  return (
    <form className="panel surveys__draft" onSubmit={(e) => void submit(e)} aria-label={t('surveys.new')} data-testid="survey-draft">
      <h2>{t('surveys.new')}</h2>
      <label>
        {t('surveys.title')}
        <input value={title} maxLength={80} onChange={(e) => setTitle(e.target.value)} data-testid="survey-title" required />
      </label>
      <label>
        {t('surveys.language')}
        <select value={language} onChange={(e) => setLanguage(e.target.value as 'da' | 'en')}>
          <option value="da">Dansk</option>
          <option value="en">English</option>
        </select>
      </label>
      {questions.map((q, i) => (
        <fieldset key={i} className="surveys__question">
          <legend>{t('surveys.question', { n: i + 1 })}</legend>
          <label>
            {t('surveys.questionText')}
            <input value={q.text} maxLength={160} onChange={(e) => setQ(i, { text: e.target.value })} data-testid={`survey-q-text-${i}`} required />
          </label>
          <label>
            {t('surveys.kind')}
            <select value={q.kind} onChange={(e) => setQ(i, { kind: e.target.value as DraftQuestion['kind'] })} data-testid={`survey-q-kind-${i}`}>
              <option value="scale">{t('surveys.kinds.scale')}</option>
              <option value="yesno">{t('surveys.kinds.yesno')}</option>
            </select>
          </label>
          {q.kind === 'scale' && (
            <label>
              {t('surveys.max')}
              <input type="number" min={2} max={10} value={q.max} onChange={(e) => setQ(i, { max: Math.min(10, Math.max(2, Number(e.target.value) || 5)) })} />
            </label>
          )}
          {questions.length > 1 && (
            <button type="button" className="button button--small" onClick={() => setQuestions(questions.filter((_, k) => k !== i))}>
              {t('surveys.removeQuestion')}
            </button>
          )}
        </fieldset>
      ))}
      {questions.length < 3 && (
        <button type="button" className="button button--small" onClick={() => setQuestions([...questions, { text: '', kind: 'yesno', max: 5 }])} data-testid="survey-add-question">
          {t('surveys.addQuestion')}
        </button>
      )}
      <fieldset className="surveys__audience">
        <legend>{t('surveys.audience')}</legend>
        <label className="surveys__radio">
          <input type="radio" name="audience" checked={audience === 'panel'} onChange={() => setAudience('panel')} />
          {t('surveys.toPanel')}
        </label>
        <label className="surveys__radio">
          <input type="radio" name="audience" checked={audience === 'sample'} onChange={() => setAudience('sample')} data-testid="survey-audience-sample" />
          {t('surveys.toSample')}
        </label>
        {audience === 'sample' && (
          <>
            <label>
              {t('surveys.sampleSize')}
              <input type="number" min={1} max={100000} value={size} onChange={(e) => setSize(Math.min(100_000, Math.max(1, Math.floor(Number(e.target.value) || 1))))} />
            </label>
            {area === null && <p className="muted">{t('surveys.noArea')}</p>}
          </>
        )}
      </fieldset>
      <p className="surveys__hint muted">{questions.length > 1 ? t('surveys.multiHint') : t('surveys.oneHint')}</p>
      <div className="surveys__sms">
        <span className="muted">{t('surveys.smsPreview')}</span>
        <pre data-testid="survey-sms-preview">{preview}</pre>
      </div>
      {action.error && <ErrorNote error={action.error} />}
      <div className="surveys__buttons">
        <button type="submit" className="button button--primary" disabled={!ready || action.busy} data-testid="survey-create">
          {t('surveys.create')}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t('surveys.cancel')}
        </button>
      </div>
    </form>
  );
}

function Detail() {
  const { t, i18n } = useTranslation();
  const open = useAppStore((s) => s.surveyOpen);
  const action = useAppStore((s) => s.surveyAction);
  const step = useAppStore((s) => s.surveyStep);
  const officer = useAppStore((s) => s.officer);
  const isApprover = useAppStore((s) => hasRole(s, 'approver'));
  const isWorker = useAppStore((s) => hasRole(s, 'operator', 'approver'));
  if (open.id === null) return <p className="muted">{t('surveys.pick')}</p>;
  if (open.error) return <ErrorNote error={open.error} />;
  const r = open.results;
  if (!r) return <p className="muted">{t('surveys.loading')}</p>;
  const num = (n: number) => n.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'da-DK', { dateStyle: 'short', timeStyle: 'short' }) : '–');
  const rate = r.recipients > 0 ? `${((100 * r.respondents) / r.recipients).toFixed(1)} %` : '–';
  return (
    <section className="panel surveys__detail" aria-label={r.title} data-testid="survey-detail" data-survey-state={r.state}>
      <header className="surveys__head">
        <h2>{r.title}</h2>
        <span className={`surveys__state surveys__state--${r.state}`} data-testid="survey-state">
          {t(`surveys.states.${r.state}`)}
        </span>
      </header>
      <dl className="evaluation__figures">
        <Figure label={t('surveys.audience')} value={audienceLabel(t, r)} />
        <Figure label={t('surveys.recipients')} value={num(r.recipients)} testId="survey-recipients" />
        <Figure label={t('surveys.respondents')} value={num(r.respondents)} testId="survey-respondents" />
        <Figure label={t('surveys.rate')} value={rate} />
        <Figure label={t('surveys.invalid')} value={num(r.invalid)} testId="survey-invalid" />
        <Figure label={t('surveys.drafted')} value={`${r.createdBy} · ${when(r.createdAt)}`} />
        <Figure label={t('surveys.approved')} value={r.approvedBy ? `${r.approvedBy} · ${when(r.approvedAt)}` : '–'} />
        <Figure label={t('surveys.sent')} value={when(r.sentAt)} />
        <Figure label={t('surveys.closed')} value={when(r.closedAt)} />
      </dl>
      <div className="surveys__sms">
        <span className="muted">{t('surveys.smsText')}</span>
        <pre>{r.smsText}</pre>
      </div>
      {action.error && <ErrorNote error={action.error} />}
      <div className="surveys__buttons">
        {r.state === 'draft' && isApprover && officer?.username !== r.createdBy && (
          <button type="button" className="button button--primary" disabled={action.busy} onClick={() => void step('approve', r.id)} data-testid="survey-approve">
            {t('surveys.approve')}
          </button>
        )}
        {r.state === 'draft' && !(isApprover && officer?.username !== r.createdBy) && <p className="muted">{t('surveys.needsApproval')}</p>}
        {r.state === 'approved' && isWorker && (
          <button type="button" className="button button--primary" disabled={action.busy} onClick={() => void step('send', r.id)} data-testid="survey-send">
            {t('surveys.send')}
          </button>
        )}
        {(r.state === 'open' || r.state === 'sending') && isWorker && (
          <button type="button" className="button" disabled={action.busy} onClick={() => void step('close', r.id)} data-testid="survey-close">
            {t('surveys.close')}
          </button>
        )}
        {r.state !== 'draft' && r.state !== 'approved' && (
          <button
            type="button"
            className="button"
            data-testid="survey-csv"
            onClick={() => saveFile(`undersoegelse-${r.id}.csv`, toCsv([t('surveys.csvQuestion'), t('surveys.csvText'), t('surveys.csvOption'), t('surveys.csvCount')], resultsCsvRows(r.tally)), 'text/csv;charset=utf-8')}
          >
            {t('surveys.csv')}
          </button>
        )}
      </div>
      {r.state !== 'draft' && r.state !== 'approved' && (
        <div className="evaluation__charts" data-testid="survey-tally" data-live={r.state === 'open'}>
          {r.tally.map((q) => (
            <ChartPanel
              key={q.question}
              title={`${q.question + 1}. ${q.text}${q.mean !== null ? ` (${t('surveys.mean')} ${q.mean.toFixed(2)})` : ''}`}
              x={q.options.map((o) => (o.value === 'JA' ? t('surveys.yes') : o.value === 'NEJ' ? t('surveys.no') : o.value))}
              series={[{ label: t('surveys.answers'), values: q.options.map((o) => o.count), kind: 'bars' }]}
              xLabel={t('surveys.option')}
              csvName={`undersoegelse-${r.id}-spoergsmaal-${q.question + 1}`}
              testId={`survey-chart-${q.question}`}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function audienceLabel(t: TFunction, s: SurveySummary | SurveyResults): string {
  const [kind, value] = s.audience.split(':');
  return kind === 'panel' ? (value === PANEL_GROUP ? t('surveys.toPanel') : value!) : t('surveys.sampleOf', { count: Number(value) });
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="evaluation__figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
