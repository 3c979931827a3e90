/** The officer's targeting tools beside the map: draw, pick, search, the parts, the live count. */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoundarySummary } from '../../../shared/bridge/contract';
import type { BoundaryKind } from '../../../shared/targeting/area';
import { MAX_RADIUS_M } from '../../../shared/targeting/area';
import { categories } from '../../../shared/registry/subscriber';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import type { TranslationKey } from '../../i18n';
import { circleShape } from '../target/parts';
import type { AreaPart } from '../target/parts';
import { areaProblem, selectCanUndo } from '../target/targetSlice';
import { densityBins, densityColors } from './density';
import type { DrawTool, PickKind } from './mapSlice';
import { DENMARK_CENTER } from './outlines';

const toolTestIds: Record<DrawTool, string> = { Polygon: 'draw-polygon', Rectangle: 'draw-rectangle', Circle: 'draw-circle' };
const toolLabels: Record<DrawTool, TranslationKey> = {
  Polygon: 'target.drawPolygon',
  Rectangle: 'target.drawRectangle',
  Circle: 'target.drawCircle',
};

/** A circle placed by keyboard: big enough to see at district zoom, and the radius is editable. */
const KEYBOARD_CIRCLE_M = 1000;

export function DrawTools() {
  const { t } = useTranslation();
  const tool = useAppStore((s) => s.drawTool);
  const setDrawTool = useAppStore((s) => s.setDrawTool);
  const addPart = useAppStore((s) => s.addPart);
  const center = useAppStore((s) => s.mapView?.center ?? DENMARK_CENTER);
  const canUndo = useAppStore(selectCanUndo);
  const hasParts = useAppStore((s) => s.targetParts.length > 0);
  const countable = useAppStore((s) => s.targetParts.some((p) => p.mode === 'include'));
  const undo = useAppStore((s) => s.undoArea);
  const clear = useAppStore((s) => s.clearArea);
  const exportArea = useAppStore((s) => s.exportArea);

  const choose = (next: DrawTool) => (e: MouseEvent<HTMLButtonElement>) => {
    // detail 0: pressed with Enter or Space. A polygon needs a pointer, but a circle can be
    // placed at the map's centre and sized in the list, so the keyboard can target too.
    if (next === 'Circle' && e.detail === 0) {
      setDrawTool(null);
      addPart({ mode: 'include', source: 'circle', shape: circleShape({ lat: center[0], lng: center[1] }, KEYBOARD_CIRCLE_M) });
      return;
    }
    setDrawTool(tool === next ? null : next);
  };

  return (
    <section className="panel" aria-labelledby="draw-title">
      <h2 id="draw-title" className="panel__title">
        {t('target.tools')}
      </h2>
      <div className="toolbar" role="group" aria-labelledby="draw-title">
        {(['Polygon', 'Rectangle', 'Circle'] as const).map((name) => (
          <button
            key={name}
            type="button"
            className={`tool tool--${name.toLowerCase()}`}
            aria-pressed={tool === name}
            aria-label={t(toolLabels[name])}
            title={t(toolLabels[name])}
            data-testid={toolTestIds[name]}
            onClick={choose(name)}
          >
            <span className="tool__icon" aria-hidden="true" />
          </button>
        ))}
      </div>
      {tool ? (
        <p className="hint" role="status" data-testid="draw-hint">
          {t(`target.drawHint.${tool}`)}{' '}
          <button type="button" className="link-button" onClick={() => setDrawTool(null)}>
            {t('target.cancelDraw')}
          </button>
        </p>
      ) : (
        <p className="hint">{t('target.keyboardCircle')}</p>
      )}
      <div className="toolbar toolbar--actions">
        <button type="button" className="button" onClick={undo} disabled={!canUndo} aria-label={t('target.undoLabel')} title={t('target.undoLabel')} data-testid="undo">
          {t('target.undo')}
        </button>
        <button type="button" className="button" onClick={clear} disabled={!hasParts} aria-label={t('target.clearLabel')} data-testid="clear-area">
          {t('target.clear')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void exportArea()}
          disabled={!countable}
          aria-label={t('target.exportLabel')}
          aria-haspopup="dialog"
          data-testid="area-export"
        >
          {t('target.export')}
        </button>
      </div>
    </section>
  );
}

export function PickControls() {
  const { t } = useTranslation();
  const pickKind = useAppStore((s) => s.pickKind);
  const setPickKind = useAppStore((s) => s.setPickKind);
  const district = useAppStore((s) => s.appStatus?.district ?? null);
  const includeBoundary = useAppStore((s) => s.includeBoundary);
  const name = useId();
  return (
    <fieldset className="panel">
      <legend className="panel__title">{t('target.pickLegend')}</legend>
      {(['postcode', 'municipality'] as PickKind[]).map((kind) => (
        <label key={kind} className="choice">
          <input
            type="radio"
            name={name}
            checked={pickKind === kind}
            onChange={() => setPickKind(kind)}
            data-testid={`pick-${kind}`}
          />
          {t(`target.partKinds.${kind}`)}
        </label>
      ))}
      <p className="hint">{t('target.pickHint')}</p>
      {district && (
        <button
          type="button"
          className="button button--wide"
          onClick={() => includeBoundary('district', district.code, district.name)}
          data-testid="include-district"
        >
          {t('target.includeDistrict', { name: district.name })}
        </button>
      )}
    </fieldset>
  );
}

const targetable = (kind: BoundarySummary['kind']): kind is BoundaryKind =>
  kind === 'district' || kind === 'municipality' || kind === 'postcode';

/** Search as you type (after a short pause) or on Enter; results zoom the map and can be included. */
export function BoundarySearchBox() {
  const { t } = useTranslation();
  const search = useAppStore((s) => s.boundarySearch);
  const searchBoundaries = useAppStore((s) => s.searchBoundaries);
  const focusMap = useAppStore((s) => s.focusMap);
  const includeBoundary = useAppStore((s) => s.includeBoundary);
  const parts = useAppStore((s) => s.targetParts);
  const [query, setQuery] = useState(search.query);
  const inputId = useId();

  useEffect(() => {
    if (query === search.query) return;
    const timer = setTimeout(() => void searchBoundaries(query), 250);
    return () => clearTimeout(timer);
  }, [query, search.query, searchBoundaries]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void searchBoundaries(query);
  };
  const included = (r: BoundarySummary) =>
    parts.some((p) => p.source === 'boundary' && p.mode === 'include' && p.shape.kind === r.kind && p.shape.code === r.code);
  const label = (r: BoundarySummary) => `${t(`target.partKinds.${r.kind}`)} ${r.code} ${r.name}`;

  return (
    <section className="panel" aria-labelledby={`${inputId}-title`}>
      <form role="search" onSubmit={submit} className="search">
        <label id={`${inputId}-title`} htmlFor={inputId} className="panel__title">
          {t('target.search.label')}
        </label>
        <div className="search__row">
          <input
            id={inputId}
            type="search"
            value={query}
            maxLength={100}
            placeholder={t('target.search.placeholder')}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="boundary-search"
            autoComplete="off"
          />
          <button type="submit" className="button">
            {t('target.search.button')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {search.status === 'searching' && <p className="hint">{t('target.search.searching')}</p>}
        {search.status === 'failed' && search.error && <ErrorNote error={search.error} />}
        {search.status === 'ready' && search.results.length === 0 && <p className="hint">{t('target.search.none')}</p>}
      </div>
      {search.status !== 'idle' && search.results.length > 0 && (
        <ul className="results" aria-label={t('target.search.results')} data-testid="boundary-results">
          {search.results.map((r) => (
            <li key={r.id} className="results__item" data-testid={`boundary-result-${r.kind}-${r.code}`}>
              <button
                type="button"
                className="link-button results__name"
                onClick={() => focusMap(r.bbox)}
                aria-label={t('target.search.show', { name: label(r) })}
              >
                {label(r)}
              </button>
              {targetable(r.kind) &&
                (included(r) ? (
                  <span className="results__state">{t('target.search.included')}</span>
                ) : (
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={t('target.search.includeLabel', { name: label(r) })}
                    data-testid={`boundary-include-${r.kind}-${r.code}`}
                    onClick={() => {
                      if (!targetable(r.kind)) return;
                      includeBoundary(r.kind, r.code, r.name);
                      focusMap(r.bbox);
                    }}
                  >
                    {t('target.search.include')}
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How a part is named in the list: its kind and number, or the boundary's code and name. */
export function usePartLabel() {
  const { t } = useTranslation();
  const parts = useAppStore((s) => s.targetParts);
  return (part: AreaPart) => {
    if (part.source === 'boundary') return `${t(`target.partKinds.${part.shape.kind}`)} ${part.shape.code} ${part.name}`.trim();
    const n = parts.filter((p) => p.source === part.source).findIndex((p) => p.id === part.id) + 1;
    return t('target.partNumber', { kind: t(`target.partKinds.${part.source}`), n });
  };
}

function RadiusField({ part, label }: { part: Extract<AreaPart, { source: 'circle' }>; label: string }) {
  const { t } = useTranslation();
  const editPart = useAppStore((s) => s.editPart);
  const [text, setText] = useState(String(Math.round(part.shape.radiusM)));
  // Follows drags on the map, unless the officer is typing here.
  const typing = useRef(false);
  useEffect(() => {
    if (!typing.current) setText(String(Math.round(part.shape.radiusM)));
  }, [part.shape.radiusM]);
  const commit = (value: string) => {
    const radius = Number(value);
    if (!Number.isFinite(radius) || radius <= 0 || radius > MAX_RADIUS_M) return;
    editPart(part.id, { ...part.shape, radiusM: radius });
  };
  return (
    <label className="part__radius">
      <span className="visually-hidden">
        {label}: {t('target.radius')}
      </span>
      <input
        type="number"
        min={1}
        max={MAX_RADIUS_M}
        step={50}
        value={text}
        onFocus={() => (typing.current = true)}
        onBlur={() => {
          typing.current = false;
          commit(text);
        }}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
        data-testid={`radius-${part.id}`}
      />
      <span aria-hidden="true"> m</span>
    </label>
  );
}

export function PartList() {
  const { t } = useTranslation();
  const parts = useAppStore((s) => s.targetParts);
  const setPartMode = useAppStore((s) => s.setPartMode);
  const removePart = useAppStore((s) => s.removePart);
  const labelOf = usePartLabel();
  return (
    <section className="panel" aria-labelledby="parts-title">
      <h2 id="parts-title" className="panel__title">
        {t('target.parts')}
      </h2>
      {parts.length === 0 ? (
        <p className="hint">{t('target.noParts')}</p>
      ) : (
        <ul className="parts" data-testid="area-parts">
          {parts.map((part) => {
            const label = labelOf(part);
            return (
              <li key={part.id} className={`part part--${part.mode}`} data-testid={`part-${part.id}`} data-mode={part.mode}>
                <span className="part__name">{label}</span>
                <button
                  type="button"
                  className={`mode mode--${part.mode}`}
                  aria-label={t('target.toggleMode', { part: label })}
                  aria-pressed={part.mode === 'exclude'}
                  onClick={() => setPartMode(part.id, part.mode === 'include' ? 'exclude' : 'include')}
                  data-testid={`part-mode-${part.id}`}
                >
                  {t(`target.modes.${part.mode}`)}
                </button>
                {part.source === 'circle' && <RadiusField part={part} label={label} />}
                <button
                  type="button"
                  className="part__remove"
                  aria-label={t('target.removePart', { part: label })}
                  title={t('target.removePart', { part: label })}
                  onClick={() => removePart(part.id)}
                  data-testid={`part-remove-${part.id}`}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {parts.length > 0 && !parts.some((p) => p.mode === 'include') && <p className="hint">{t('target.excludeOnly')}</p>}
    </section>
  );
}

/** The builtin groups, in the order the officer thinks of them; groups an admin added follow by code. */
export const knownGroups = ['citizen', 'taxi', 'shop', 'home_care', 'neighbourhood_watch'] as const;

function useGroupName() {
  const { t } = useTranslation();
  // An admin's own group has no translation: its code is shown as text.
  return (code: string) => t(`target.groups.${code}`, { defaultValue: code });
}

export function CountPanel() {
  const { t } = useTranslation();
  const count = useAppStore((s) => s.targetCount);
  const recount = useAppStore((s) => s.recount);
  const groupName = useGroupName();
  const onceId = useId();
  const problem = areaProblem(count.error);
  const stale = count.status === 'failed' && count.value !== null;
  const value = count.value;
  const groups = value
    ? Object.entries(value.byGroup)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    : [];
  return (
    <section className="panel count" aria-labelledby="count-title" data-testid="target-count" data-state={count.status}>
      <h2 id="count-title" className="panel__title">
        {t('target.count.title')}
      </h2>
      {value === null ? (
        <p className="hint">{count.status === 'counting' ? t('target.count.counting') : t('target.count.idle')}</p>
      ) : (
        <>
          {/* Busy while a drag is being counted, so a screen reader reads the number once it settles. */}
          <p className={`count__total${stale ? ' count__total--stale' : ''}`} aria-live="polite" aria-busy={count.status === 'counting'}>
            <span data-testid="target-count-total" data-total={value.total} data-stale={stale ? 'true' : 'false'} className="count__number">
              {t('target.count.total', { count: value.total })}
            </span>
            <button type="button" className="info" aria-label={t('target.count.onceLabel')} aria-describedby={onceId} title={t('target.count.once')}>
              i
            </button>
          </p>
          <p className="hint" data-testid="target-count-places">
            {t('target.count.places', { count: value.places })}
          </p>
          <p id={onceId} className="hint count__once">
            {t('target.count.once')}
          </p>
          {count.status === 'counting' && (
            <p className="hint" role="status">
              {t('target.count.counting')}
            </p>
          )}
          {stale && (
            <p className="count__stale" data-testid="target-count-stale">
              {t('target.count.stale')}
            </p>
          )}
          {groups.length > 0 && (
            <>
              <h3 className="count__subtitle">{t('target.count.byGroup')}</h3>
              <dl className="facts" data-testid="target-count-groups">
                {groups.map(([code, n]) => (
                  <div key={code} className="facts__row" data-testid={`target-count-group-${code}`}>
                    <dt>{groupName(code)}</dt>
                    <dd>{t('target.count.total', { count: n })}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </>
      )}
      {count.status === 'failed' && count.error && (
        <div role="alert" data-testid="target-count-error" data-problem={problem ?? ''}>
          {problem ? (
            <p className="error-note" title={count.error.message}>
              {t(`target.areaErrors.${problem}`, { defaultValue: t('errors.bad_request') })}
            </p>
          ) : (
            <ErrorNote error={count.error}>
              {' '}
              <button type="button" className="link-button" onClick={recount}>
                {t('target.count.retry')}
              </button>
            </ErrorNote>
          )}
        </div>
      )}
    </section>
  );
}

const rank = (code: string) => {
  const i = (knownGroups as readonly string[]).indexOf(code);
  return i === -1 ? knownGroups.length : i;
};

export function GroupFilter() {
  const { t } = useTranslation();
  const selected = useAppStore((s) => s.targetFilter.groups);
  const setGroups = useAppStore((s) => s.setTargetGroups);
  const seen = useAppStore((s) => s.targetCount.value?.byGroup);
  const groupName = useGroupName();
  const codes = [...new Set<string>([...knownGroups, ...Object.keys(seen ?? {}), ...selected])].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  return (
    <fieldset className="panel">
      <legend className="panel__title">{t('target.filter.legend')}</legend>
      {codes.map((code) => (
        <label key={code} className="choice">
          <input
            type="checkbox"
            checked={selected.includes(code)}
            onChange={(e) => setGroups(e.target.checked ? [...selected, code] : selected.filter((g) => g !== code))}
            data-testid={`filter-group-${code}`}
          />
          {groupName(code)}
        </label>
      ))}
      <p className="hint">{t('target.filter.hint')}</p>
      <CategoryFilter />
    </fieldset>
  );
}

/** Narrows to subscribers who asked for a kind of alert; folded away, as most targeting needs only groups. */
function CategoryFilter() {
  const { t } = useTranslation();
  const selected = useAppStore((s) => s.targetFilter.categories);
  const setCategories = useAppStore((s) => s.setTargetCategories);
  return (
    <details className="more" open={selected.length > 0}>
      <summary>{t('target.filter.categories')}</summary>
      {categories.map((code) => (
        <label key={code} className="choice">
          <input
            type="checkbox"
            checked={selected.includes(code)}
            onChange={(e) => setCategories(e.target.checked ? [...selected, code] : selected.filter((c) => c !== code))}
            data-testid={`filter-category-${code}`}
          />
          {t(`target.categories.${code}`)}
        </label>
      ))}
      <p className="hint">{t('target.filter.categoriesHint')}</p>
    </details>
  );
}

export function DensityControls() {
  const { t } = useTranslation();
  const visible = useAppStore((s) => s.densityVisible);
  const setVisible = useAppStore((s) => s.setDensityVisible);
  const density = useAppStore((s) => s.density);
  return (
    <section className="panel" aria-labelledby="density-title">
      <label id="density-title" className="choice">
        <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} data-testid="density-toggle" />
        {t('density.toggle')}
      </label>
      {visible && (
        <>
          <p className="panel__subtitle">{t('density.legend')}</p>
          <ul className="legend" data-testid="density-legend">
            {densityBins.map((lower, i) => (
              <li key={lower} className="legend__item">
                <span className="legend__swatch" style={{ background: densityColors[i] }} aria-hidden="true" />
                {densityBins[i + 1] !== undefined ? `${lower}–${densityBins[i + 1]! - 1}` : `${lower}+`}
              </li>
            ))}
          </ul>
          {density.value && <p className="hint">{t('density.hidden', { count: density.value.minCount })}</p>}
          {density.status === 'loading' && <p className="hint">{t('density.loading')}</p>}
          {density.status === 'failed' && density.error && <ErrorNote error={density.error} />}
        </>
      )}
    </section>
  );
}
