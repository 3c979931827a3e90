import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MapContainer, useMap } from 'react-leaflet';
import { useAppStore } from '../../store';
import { DistrictOutline } from '../map/DistrictOutline';
import { DENMARK_CENTER, DENMARK_ZOOM } from '../map/outlines';
import { BaseTiles } from '../map/BaseTiles';
import { cellColor, cellShares, cellsBounds, paletteColor, worstFirst } from './cells';
import type { DeliveryCell } from './cells';
import { formatNumber } from './format';
import { StopAnimationsOnUnmount, usePaneGroup } from '../../lib/leaflet';
import { TipCellsLayer, TipCellsNote } from '../tips/TipMap';

const CELLS_PANE = 'delivery-cells';
/** Rows in the table view: the worst cells are what the officer acts on; the rest is summed up. */
const TABLE_ROWS = 50;

/** Follows the map's zoom and keeps the send's cells coming for it (the slice stops when the send is over). */
function CellsFeed({ sendId }: { sendId: number }) {
  const map = useMap();
  const watchCells = useAppStore((s) => s.watchCells);
  const [zoom, setZoom] = useState(() => Math.round(map.getZoom()));
  useEffect(() => {
    const onZoom = () => setZoom(Math.round(map.getZoom()));
    map.on('zoomend', onZoom);
    return () => void map.off('zoomend', onZoom);
  }, [map]);
  useEffect(() => watchCells(sendId, Math.min(22, Math.max(0, zoom))), [watchCells, sendId, zoom]);
  return null;
}

/** The cells as rectangles; their numbers in a tooltip built with textContent, never HTML. */
function CellsLayer({ sendId }: { sendId: number }) {
  const map = useMap();
  const { t, i18n } = useTranslation();
  const cells = useAppStore((s) => (s.monitorCells.sendId === sendId ? s.monitorCells.value : null));
  const group = usePaneGroup(CELLS_PANE, { zIndex: 420, testId: 'delivery-cells-pane' });
  const framed = useRef(false);

  useEffect(() => {
    group.clearLayers();
    if (!cells) return;
    const n = (v: number) => formatNumber(v, i18n.language);
    for (const cell of cells.cells) {
      const bounds = L.latLngBounds([cell.lat, cell.lon], [cell.lat + cells.cellSizeDeg, cell.lon + cells.cellSizeDeg]);
      const color = cellColor(cell);
      const tip = document.createElement('span');
      tip.textContent = t('monitor.map.cell', { delivered: n(cell.delivered), pending: n(cell.pending), failed: n(cell.failed) });
      group.addLayer(
        L.rectangle(bounds, {
          pane: CELLS_PANE,
          weight: 0.5,
          color: '#ffffff',
          fillColor: color,
          fillOpacity: 0.7,
          className: 'delivery-cell',
        }).bindTooltip(tip, { sticky: true }),
      );
    }
    // Frame the cells the first time they arrive; afterwards the view is the officer's.
    const bounds = cellsBounds(cells);
    const size = map.getSize();
    if (!framed.current && bounds && size.x > 0 && size.y > 0) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 13, animate: false });
      framed.current = true;
    }
  }, [map, group, cells, t, i18n.language]);
  return null;
}

function MapLabel() {
  const map = useMap();
  const { t } = useTranslation();
  useEffect(() => {
    const container = map.getContainer();
    container.setAttribute('role', 'region');
    container.setAttribute('aria-label', t('monitor.map.label'));
  }, [map, t]);
  return null;
}

function Legend({ minCount }: { minCount: number | null }) {
  const { t } = useTranslation();
  return (
    <div className="cells-legend" data-testid="cells-legend">
      <ul>
        {(['delivered', 'pending', 'failed'] as const).map((key) => (
          <li key={key}>
            <span className="cells-legend__swatch" style={{ background: paletteColor(key) }} aria-hidden="true" />
            {t(`monitor.map.${key}`)}
          </li>
        ))}
      </ul>
      <p className="muted">{t('monitor.map.mixed')}</p>
      {minCount !== null && <p className="muted">{t('monitor.map.hidden', { count: minCount })}</p>}
    </div>
  );
}

/** The same cells as a table, worst first, for the keyboard and for reading exact numbers. */
function CellsTable({ cells }: { cells: readonly DeliveryCell[] }) {
  const { t, i18n } = useTranslation();
  const rows = useMemo(() => worstFirst(cells).slice(0, TABLE_ROWS), [cells]);
  const n = (v: number) => formatNumber(v, i18n.language);
  const coord = (v: number) => formatNumber(v, i18n.language, 3);
  return (
    <details className="cells-table">
      <summary>{t('monitor.map.table')}</summary>
      <table data-testid="cells-table">
        <caption className="visually-hidden">{t('monitor.map.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('monitor.map.position')}</th>
            <th scope="col">{t('monitor.map.delivered')}</th>
            <th scope="col">{t('monitor.map.pending')}</th>
            <th scope="col">{t('monitor.map.failed')}</th>
            <th scope="col">{t('monitor.map.failedShare')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={`${c.lon}:${c.lat}`}>
              <td>
                {coord(c.lat)}, {coord(c.lon)}
              </td>
              <td>{n(c.delivered)}</td>
              <td>{n(c.pending)}</td>
              <td>{n(c.failed)}</td>
              <td>{formatNumber(cellShares(c).failed * 100, i18n.language, 1)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cells.length > rows.length && <p className="muted">{t('monitor.map.more', { count: cells.length - rows.length })}</p>}
    </details>
  );
}

/** Delivery by area cell for one send: shares per cell, never a recipient. */
export function CellsMap({ sendId, alertId = null }: { sendId: number; alertId?: number | null }) {
  const { t } = useTranslation();
  const [tipsShown, setTipsShown] = useState(false);
  const state = useAppStore((s) => s.monitorCells);
  const mine = state.sendId === sendId;
  const value = mine ? state.value : null;
  return (
    <section className="cells" aria-label={t('monitor.map.title')} data-testid="cells">
      <h3 className="monitor-subtitle">{t('monitor.map.title')}</h3>
      <div className="cells__body">
        {/* A new send gets a fresh map, so it frames that send's cells once. */}
        <MapContainer key={sendId} className="cells__map" center={DENMARK_CENTER} zoom={DENMARK_ZOOM + 2} minZoom={6} maxZoom={16}>
          <MapLabel />
          <StopAnimationsOnUnmount />
          <BaseTiles />
          <DistrictOutline />
          <CellsFeed sendId={sendId} />
          <CellsLayer sendId={sendId} />
          {alertId !== null && tipsShown ? <TipCellsLayer alertId={alertId} /> : null}
        </MapContainer>
        <div>
          <Legend minCount={value?.minCount ?? null} />
          {alertId !== null ? (
            <>
              <label className="cells__tips-toggle">
                <input type="checkbox" checked={tipsShown} data-testid="cells-tips-toggle" onChange={(e) => setTipsShown(e.target.checked)} />
                {t('tips.map.onDelivery')}
              </label>
              {tipsShown ? <TipCellsNote alertId={alertId} /> : null}
            </>
          ) : null}
        </div>
      </div>
      <p className="muted" aria-live="polite" data-testid="cells-status">
        {mine && state.status === 'loading' && !value
          ? t('monitor.map.loading')
          : mine && state.status === 'failed'
            ? t('monitor.map.failedToLoad')
            : value && value.cells.length === 0
              ? t('monitor.map.none')
              : ''}
      </p>
      {value && value.cells.length > 0 && <CellsTable cells={value.cells} />}
    </section>
  );
}
