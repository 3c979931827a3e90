import 'leaflet/dist/leaflet.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/ErrorNote';
import { useAppStore } from '../../store';
import { selectTileUrl } from '../status/statusSlice';
import { selectOutlineLayer, selectOutlineVisible } from './mapSlice';
import { HatchDefs } from './AreaLayers';
import { ExportDialog } from './ExportDialog';
import { OutlineMap } from './OutlineMap';
import { BoundarySearchBox, CountPanel, DensityControls, DrawTools, GroupFilter, PartList, PickControls } from './TargetPanel';
import type { OutlineKind } from './outlines';
import { MapTipsControl } from '../tips/TipMap';

// Listed top to bottom as the officer thinks of them: largest area first.
const panelOrder: readonly OutlineKind[] = ['district', 'municipality', 'postcode'];

/** Ctrl+Z (⌘Z) undoes an area edit, except in a text field (where it undoes typing) or mid-drawing. */
function useUndoKey(undo: () => void, drawing: boolean) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z' || drawing) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      undo();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [undo, drawing]);
}

export function MapScreen() {
  const { t } = useTranslation();
  const visible = useAppStore((s) => s.visibleOutlines);
  const loadOutlines = useAppStore((s) => s.loadOutlines);
  const pickKind = useAppStore((s) => s.pickKind);
  const drawing = useAppStore((s) => s.drawTool !== null);
  const watchTarget = useAppStore((s) => s.watchTarget);
  const undo = useAppStore((s) => s.undoArea);
  useEffect(() => watchTarget(), [watchTarget]);
  useUndoKey(undo, drawing);
  // Fetch a kind when it is first shown; the slice ignores kinds already loaded or loading.
  useEffect(() => {
    for (const kind of panelOrder) if (visible[kind]) void loadOutlines(kind);
  }, [visible, loadOutlines]);

  return (
    <div className="map-screen">
      <aside className="map-panel" aria-label={t('map.targetTitle')}>
        <CountPanel />
        <DrawTools />
        <BoundarySearchBox />
        <PartList />
        <PickControls />
        <GroupFilter />
        <DensityControls />
        <MapTipsControl />
        <LayerToggles />
        <BasemapNote />
      </aside>
      {/* Only the kind a click picks takes clicks; the other kinds' outlines let them through. */}
      <div className="map" data-testid="map" data-pick={pickKind} data-drawing={drawing ? 'true' : 'false'}>
        <OutlineMap />
      </div>
      <ExportDialog />
      <HatchDefs />
    </div>
  );
}

function LayerToggles() {
  const { t } = useTranslation();
  return (
    <fieldset className="panel">
      <legend className="panel__title">{t('map.layers')}</legend>
      {panelOrder.map((kind) => (
        <LayerToggle key={kind} kind={kind} />
      ))}
    </fieldset>
  );
}

function LayerToggle({ kind }: { kind: OutlineKind }) {
  const { t } = useTranslation();
  const layer = useAppStore(selectOutlineLayer(kind));
  const visible = useAppStore(selectOutlineVisible(kind));
  const setVisible = useAppStore((s) => s.setOutlineVisible);
  const loadOutlines = useAppStore((s) => s.loadOutlines);
  const id = `layer-${kind}`;
  return (
    <div className="layer">
      <label className="choice" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={visible}
          onChange={(e) => setVisible(kind, e.target.checked)}
          data-testid={`layer-toggle-${kind}`}
          aria-describedby={`${id}-state`}
        />
        <span className={`swatch swatch--${kind}`} aria-hidden="true" />
        {t(`map.kinds.${kind}`)}
      </label>
      <div id={`${id}-state`} className="layer__state" data-testid={`layer-state-${kind}`}>
        {layer.status === 'loading' && t('map.loading')}
        {layer.status === 'ready' &&
          (layer.outlines.length > 0 ? t('map.shapes', { count: layer.outlines.length }) : t('map.noneInStore'))}
        {layer.status === 'failed' && layer.error && (
          <ErrorNote error={layer.error}>
            {' '}
            <button type="button" className="link-button" onClick={() => void loadOutlines(kind, { retry: true })}>
              {t('map.retry')}
            </button>
          </ErrorNote>
        )}
      </div>
    </div>
  );
}

function BasemapNote() {
  const { t, i18n } = useTranslation();
  const tiles = useAppStore(selectTileUrl) !== null;
  const downUntil = useAppStore((s) => s.tilesDownUntil);
  return (
    <section className="panel" aria-labelledby="basemap-title">
      <h2 id="basemap-title" className="panel__title">
        {t('map.basemap')}
      </h2>
      <p data-testid="basemap-state" data-tiles={tiles ? 'online' : 'none'}>
        {tiles ? t('map.basemapTiles') : t('map.basemapPlain')}
      </p>
      {!tiles && <p className="hint">{t('map.basemapPlainWhy')}</p>}
      {downUntil !== null && (
        <p className="hint" data-testid="basemap-backoff">
          {t('map.basemapBackoff', { time: new Date(downUntil).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) })}
        </p>
      )}
    </section>
  );
}
