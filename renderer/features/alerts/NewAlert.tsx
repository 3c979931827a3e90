import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { categories } from '../../../shared/registry/subscriber';
import type { Category } from '../../../shared/registry/subscriber';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';

/** "Nyt varsel": a category, then one of its templates (or none), then a new draft. */
export function NewAlert({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const templates = useAppStore((s) => s.templates);
  const create = useAppStore((s) => s.createAlert);
  const pending = useAppStore((s) => s.alertAction.pending === 'create');
  const actionError = useAppStore((s) => s.alertAction.error);
  const loadTemplates = useAppStore((s) => s.loadTemplates);
  const importCap = useAppStore((s) => s.importCap);
  const [capProblem, setCapProblem] = useState<string | null>(null);
  const [category, setCategory] = useState<Category | ''>('');
  const [templateId, setTemplateId] = useState('');
  const language = i18n.language === 'en' ? 'en' : 'da';
  // Templates in the console's language first: the officer writes in it.
  const forCategory = templates.value
    .filter((tpl) => tpl.kind === 'alert' && tpl.category === category)
    .sort((a, b) => Number(b.language === language) - Number(a.language === language));
  const chosen = forCategory.find((tpl) => tpl.id === templateId) ?? forCategory[0] ?? null;

  return (
    <form
      className="panel new-alert"
      data-testid="new-alert"
      aria-labelledby="new-alert-title"
      onSubmit={(e) =>
        void (async () => {
          e.preventDefault();
          if (!category) return;
          const done = await create({
            category,
            kind: 'alert',
            language: chosen?.language ?? language,
            ...(chosen ? { templateId: chosen.id } : {}),
          });
          if (done) onDone();
        })()
      }
    >
      <h2 id="new-alert-title" className="panel__title">
        {t('alerts.new.title')}
      </h2>
      <label className="field">
        <span className="field__label">{t('alerts.new.category')}</span>
        <select
          data-testid="new-category"
          value={category}
          autoFocus
          onChange={(e) => {
            setCategory(e.target.value as Category);
            setTemplateId('');
          }}
        >
          <option value="">{t('alerts.new.pickCategory')}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {t(`target.categories.${c}`)}
            </option>
          ))}
        </select>
      </label>
      {category && (
        <label className="field">
          <span className="field__label">{t('alerts.new.template')}</span>
          <select data-testid="new-template" value={chosen?.id ?? ''} onChange={(e) => setTemplateId(e.target.value)}>
            {forCategory.map((tpl) => (
              <option key={tpl.id} value={tpl.id}>
                {tpl.name} ({t(`language.${tpl.language}`)})
              </option>
            ))}
            {forCategory.length === 0 && <option value="">{t('alerts.new.noTemplate')}</option>}
          </select>
        </label>
      )}
      {chosen && (
        <p className="hint review__text" data-testid="new-template-text">
          {chosen.sms}
        </p>
      )}
      {templates.status === 'failed' && templates.error && (
        <ErrorNote error={templates.error}>
          {' '}
          <button type="button" className="link-button" onClick={() => void loadTemplates()}>
            {t('alerts.retry')}
          </button>
        </ErrorNote>
      )}
      <label className="field">
        <span className="field__label">{t('alerts.new.importCap')}</span>
        <input
          type="file"
          accept=".xml,application/xml,text/xml"
          data-testid="import-cap"
          disabled={pending}
          onChange={(e) =>
            void (async () => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              // The host refuses larger documents anyway; saying so here spares reading them.
              if (file.size > 1024 * 1024) return setCapProblem(t('alerts.new.importCapTooLarge'));
              setCapProblem(null);
              if ((await importCap(await file.text())) !== null) onDone();
            })()
          }
        />
        <span className="hint">{t('alerts.new.importCapHint')}</span>
      </label>
      {capProblem && (
        <p className="error-note" role="alert">
          {capProblem}
        </p>
      )}
      {actionError && <ErrorNote error={actionError} />}
      <div className="toolbar toolbar--actions">
        <button type="submit" className="button button--primary" data-testid="new-create" disabled={!category || pending}>
          {t('alerts.new.create')}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t('alerts.new.cancel')}
        </button>
      </div>
    </form>
  );
}
