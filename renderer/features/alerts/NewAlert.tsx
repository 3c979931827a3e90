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
  const loadTemplates = useAppStore((s) => s.loadTemplates);
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
      onSubmit={async (e) => {
        e.preventDefault();
        if (!category) return;
        const done = await create({
          category,
          kind: 'alert',
          language: chosen?.language ?? language,
          ...(chosen ? { templateId: chosen.id } : {}),
        });
        if (done) onDone();
      }}
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
              {t(`alerts.categories.${c}`)}
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
