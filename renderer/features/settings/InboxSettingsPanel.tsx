import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tipSettingLimits } from '../../../shared/bridge/contract';
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import { defaultKeywords, KEYWORDS_PER_LIST, keywordKinds, keywordProblem } from '../../../shared/tips/keywords';
import type { KeywordKind, KeywordProblem, Keywords } from '../../../shared/tips/keywords';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

type TipSettings = ResponseOf<'tips.settings'>;
type NumberKey = keyof typeof tipSettingLimits;
const numberKeys: readonly NumberKey[] = ['windowHours', 'retentionDays', 'floodPerMinute'];

interface Form {
  numbers: Record<NumberKey, string>;
  keywords: Record<KeywordKind, string>;
}

const toForm = (s: TipSettings): Form => ({
  numbers: { windowHours: String(s.windowHours), retentionDays: String(s.retentionDays), floodPerMinute: String(s.floodPerMinute) },
  keywords: { stop: s.keywords.stop.join(', '), start: s.keywords.start.join(', '), confirm: s.keywords.confirm.join(', '), help: s.keywords.help.join(', '), panel: (s.keywords.panel ?? defaultKeywords.panel ?? []).join(', ') },
});

/** A list as the officer types it: words split by commas or spaces, upper case, each once. */
export function parseWords(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/u).map((w) => w.trim().toUpperCase()).filter((w) => w.length > 0))];
}

/** A whole number within the bounds, or the bounds it missed. */
function parseNumber(text: string, key: NumberKey): number | null {
  const { min, max } = tipSettingLimits[key];
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/**
 * The tip inbox's settings for an administrator: how long a tip is tied to the alert that
 * reached its sender, how many days tips are kept, how many messages a minute make a flood,
 * and the SMS keywords. Checked here before saving and by the host again; the host audits it.
 */
export function InboxSettingsPanel() {
  const { t } = useTranslation();
  const isAdmin = useAppStore((s) => s.officer?.roles.includes('admin') ?? false);
  const call = useAppStore((s) => s.tipSettings);
  const [saved, setSaved] = useState<TipSettings | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!isAdmin) return;
    let live = true;
    void call().then((r) => {
      if (!live) return;
      if (r.ok) {
        setSaved(r.value);
        setForm(toForm(r.value));
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [isAdmin, call]);

  if (!isAdmin) return null;
  const numbers = form ? Object.fromEntries(numberKeys.map((k) => [k, parseNumber(form.numbers[k], k)])) as Record<NumberKey, number | null> : null;
  const keywords: Keywords | null = form
    ? { stop: parseWords(form.keywords.stop), start: parseWords(form.keywords.start), confirm: parseWords(form.keywords.confirm), help: parseWords(form.keywords.help), panel: parseWords(form.keywords.panel) }
    : null;
  const problem = keywords ? keywordProblem(keywords) : null;
  const numbersOk = numbers !== null && numberKeys.every((k) => numbers[k] !== null);
  const edit = (patch: (f: Form) => Form) => {
    setDone(false);
    setForm((f) => (f ? patch(f) : f));
  };

  return (
    <section className="panel" aria-labelledby="settings-inbox" data-testid="inbox-settings">
      <h2 id="settings-inbox" className="panel__title">
        {t('screens.settings.inbox.title')}
      </h2>
      {!form ? (
        error ? <ErrorNote error={error} /> : <p>{t('screens.settings.inbox.loading')}</p>
      ) : (
        <form
          className="inbox-settings"
          noValidate
          onSubmit={(e) =>
            void (async () => {
              e.preventDefault();
              if (!numbersOk || problem || !keywords || !numbers || !saved) return;
              setBusy(true);
              setError(null);
              const r = await call({ windowHours: numbers.windowHours!, retentionDays: numbers.retentionDays!, floodPerMinute: numbers.floodPerMinute!, keywords });
              setBusy(false);
              if (!r.ok) return setError(r.error);
              setSaved(r.value);
              setForm(toForm(r.value));
              setDone(true);
            })()
          }
        >
          {numberKeys.map((k) => (
            <label key={k} className="field">
              <span className="field__label">{t(`screens.settings.inbox.${k}`)}</span>
              <input
                type="number"
                inputMode="numeric"
                min={tipSettingLimits[k].min}
                max={tipSettingLimits[k].max}
                data-testid={`inbox-${k}`}
                value={form.numbers[k]}
                aria-invalid={numbers![k] === null}
                onChange={(e) => {
                  const value = e.target.value;
                  edit((f) => ({ ...f, numbers: { ...f.numbers, [k]: value } }));
                }}
              />
              {numbers![k] === null ? (
                <span className="hint hint--warning" role="status" data-testid={`inbox-${k}-problem`}>
                  {t('screens.settings.inbox.outOfRange', tipSettingLimits[k])}
                </span>
              ) : (
                <span className="hint">{t(`screens.settings.inbox.${k}Hint`)}</span>
              )}
            </label>
          ))}
          <fieldset className="inbox-settings__keywords">
            <legend>{t('screens.settings.inbox.keywords')}</legend>
            {keywordKinds.map((kind) => (
              <label key={kind} className="field">
                <span className="field__label">{t(`screens.settings.inbox.kw.${kind}`)}</span>
                <input
                  data-testid={`inbox-keywords-${kind}`}
                  value={form.keywords[kind]}
                  maxLength={KEYWORDS_PER_LIST * 22}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={problem?.kind === kind}
                  onChange={(e) => {
                    const value = e.target.value;
                    edit((f) => ({ ...f, keywords: { ...f.keywords, [kind]: value } }));
                  }}
                />
              </label>
            ))}
            <p className="hint">{t('screens.settings.inbox.keywordsHint')}</p>
            {problem ? (
              <p className="hint hint--warning" role="status" data-testid="inbox-keywords-problem">
                <KeywordProblemText problem={problem} />
              </p>
            ) : null}
          </fieldset>
          <button type="submit" className="button" data-testid="inbox-save" disabled={busy || !numbersOk || problem !== null}>
            {t('screens.settings.inbox.save')}
          </button>
          {done ? (
            <p role="status" data-testid="inbox-saved">
              {t('screens.settings.inbox.saved')}
            </p>
          ) : null}
          {error ? <ErrorNote error={error} /> : null}
        </form>
      )}
    </section>
  );
}

function KeywordProblemText({ problem }: { problem: KeywordProblem }) {
  const { t } = useTranslation();
  const list = (k: KeywordKind) => t(`screens.settings.inbox.kw.${k}`);
  switch (problem.code) {
    case 'empty':
      return <>{t('screens.settings.inbox.problem.empty', { list: list(problem.kind) })}</>;
    case 'too_many':
      return <>{t('screens.settings.inbox.problem.tooMany', { list: list(problem.kind), max: KEYWORDS_PER_LIST })}</>;
    case 'not_a_word':
      return <>{t('screens.settings.inbox.problem.notAWord', { list: list(problem.kind), word: problem.word })}</>;
    case 'in_two_lists':
      return <>{t('screens.settings.inbox.problem.twoLists', { word: problem.word, list: list(problem.kind), other: list(problem.other) })}</>;
  }
}
