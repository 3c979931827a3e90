/**
 * The tip map: an alert's tips as cells at the tipsters' registered places (counts from the
 * host, never a tipster), as a layer for any map, as the inbox's own map, and the one exact
 * place of a tip an officer has opened.
 */
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CircleMarker, MapContainer, useMap } from 'react-leaflet';
import { useAppStore } from '../../store';
import { BaseTiles } from '../map/BaseTiles';
import { DistrictOutline } from '../map/DistrictOutline';
import { DENMARK_CENTER, DENMARK_ZOOM } from '../map/outlines';
import { StopAnimationsOnUnmount, usePaneGroup } from '../../lib/leaflet';

const TIP_PANE = 'tip-cells';
export const TIP_COLOR = '#6b2fa0';

/** A cell's fill strength: more tips, stronger, but never so faint it cannot be seen. */
export function tipCellOpacity(tips: number, most: number): number {
  if (most <= 0) return 0.35;
  return 0.35 + 0.5 * Math.min(1, tips / most);
}

/**
 * An alert's tip cells on the surrounding map, following its zoom and the alert's tip count
 * (so new tips show up). With `frame`, the map is fitted to the cells when they first arrive.
 */
export function TipCellsLayer({ alertId, frame = false, interactive = true }: { alertId: number; frame?: boolean; interactive?: boolean }) {
  const map = useMap();
  const { t } = useTranslation();
  const load = useAppStore((s) => s.loadTipCells);
  const cells = useAppStore((s) => (s.tipCells.alertId === alertId ? s.tipCells.value : null));
  const tipCount = useAppStore((s) => s.tipsByAlert.find((b) => b.alertId === alertId)?.total ?? 0);
  const [zoom, setZoom] = useState(() => Math.round(map.getZoom()));
  const group = usePaneGroup(TIP_PANE, { zIndex: 430, testId: 'tip-cells-pane' });
  const framed = useRef(false);

  useEffect(() => {
    const onZoom = () => setZoom(Math.round(map.getZoom()));
    map.on('zoomend', onZoom);
    return () => void map.off('zoomend', onZoom);
  }, [map]);
  useEffect(() => void load(alertId, Math.min(22, Math.max(0, zoom))), [load, alertId, zoom, tipCount]);

  useEffect(() => {
    group.clearLayers();
    if (!cells) return;
    const most = cells.cells.reduce((m, c) => Math.max(m, c.tips), 0);
    for (const cell of cells.cells) {
      const bounds = L.latLngBounds([cell.lat, cell.lon], [cell.lat + cells.cellSizeDeg, cell.lon + cells.cellSizeDeg]);
      // Built with textContent: a number in a tooltip, never markup.
      const label = document.createElement('span');
      label.textContent = t('tips.map.cell', { count: cell.tips, tipsters: cell.tipsters });
      const rect = L.rectangle(bounds, { pane: TIP_PANE, weight: 1, color: TIP_COLOR, fillColor: TIP_COLOR, fillOpacity: tipCellOpacity(cell.tips, most), className: 'tip-cell', interactive });
      group.addLayer(interactive ? rect.bindTooltip(label, { sticky: true }) : rect);
    }
    const size = map.getSize();
    if (frame && !framed.current && cells.cells.length > 0 && size.x > 0 && size.y > 0) {
      const b = L.latLngBounds(cells.cells.flatMap((c) => [L.latLng(c.lat, c.lon), L.latLng(c.lat + cells.cellSizeDeg, c.lon + cells.cellSizeDeg)]));
      map.fitBounds(b, { padding: [12, 12], maxZoom: 12, animate: false });
      framed.current = true;
    }
  }, [map, group, cells, frame, interactive, t]);
  return null;
}

/** What the layer leaves out, in words: the cells under the minimum and tips without a place. */
export function TipCellsNote({ alertId }: { alertId: number }) {
  const { t } = useTranslation();
  const state = useAppStore((s) => (s.tipCells.alertId === alertId ? s.tipCells : null));
  const value = state?.value ?? null;
  return (
    <div className="tip-map__note" aria-live="polite" data-testid="tip-cells-note">
      {state?.status === 'failed' ? <p>{t('tips.map.failed')}</p> : null}
      {value ? (
        <>
          <p>
            <span className="tip-map__swatch" style={{ background: TIP_COLOR }} aria-hidden="true" />
            {t('tips.map.shown', { count: value.cells.reduce((n, c) => n + c.tips, 0) })}
          </p>
          <p className="muted">{t('tips.map.hidden', { count: value.hiddenTips, min: value.minCount })}</p>
          {value.unplacedTips > 0 ? <p className="muted">{t('tips.map.unplaced', { count: value.unplacedTips })}</p> : null}
        </>
      ) : null}
    </div>
  );
}

/** The inbox's map of one alert's tips. */
export function TipMap({ alertId }: { alertId: number }) {
  const { t } = useTranslation();
  return (
    <section className="panel tip-map" aria-label={t('tips.map.title', { id: alertId })} data-testid="tip-map">
      <MapContainer key={alertId} className="tip-map__map" center={DENMARK_CENTER} zoom={DENMARK_ZOOM + 2} minZoom={6} maxZoom={16}>
        <StopAnimationsOnUnmount />
        <BaseTiles />
        <DistrictOutline />
        <TipCellsLayer alertId={alertId} frame />
      </MapContainer>
      <TipCellsNote alertId={alertId} />
    </section>
  );
}

/** The registered place of the tipster of an opened tip: one point, for this officer only. */
export function TipPlaceMap({ place }: { place: { lat: number; lon: number } }) {
  const { t } = useTranslation();
  return (
    <div className="tip-place" data-testid="tip-place-map" role="region" aria-label={t('tips.map.place')}>
      <MapContainer key={`${place.lat}:${place.lon}`} className="tip-place__map" center={[place.lat, place.lon]} zoom={14} minZoom={6} maxZoom={17}>
        <StopAnimationsOnUnmount />
        <BaseTiles />
        <CircleMarker center={[place.lat, place.lon]} radius={8} className="tip-place__point" pathOptions={{ color: TIP_COLOR, fillColor: TIP_COLOR, fillOpacity: 0.8 }} />
      </MapContainer>
    </div>
  );
}

/** The Kort screen's tip layer: the chosen alert's tips as cells; they never take the clicks that pick boundaries. */
export function MapTipsLayer() {
  const alertId = useAppStore((s) => s.mapTipsAlert);
  return alertId === null ? null : <TipCellsLayer key={alertId} alertId={alertId} frame interactive={false} />;
}

/** Picks the alert whose tips the Kort screen shows (the newest alerts with tips). */
export function MapTipsControl() {
  const { t } = useTranslation();
  const alertId = useAppStore((s) => s.mapTipsAlert);
  const setAlert = useAppStore((s) => s.setMapTipsAlert);
  const byAlert = useAppStore((s) => s.tipsByAlert);
  const options = byAlert.slice(0, 30);
  return (
    <fieldset className="panel" data-testid="map-tips">
      <legend className="panel__title">{t('tips.map.layer')}</legend>
      <label className="field">
        <span className="field__label">{t('tips.map.pick')}</span>
        <select data-testid="map-tips-alert" value={alertId ?? ''} onChange={(e) => setAlert(e.target.value ? Number(e.target.value) : null)}>
          <option value="">{t('tips.map.none')}</option>
          {alertId !== null && !options.some((o) => o.alertId === alertId) ? <option value={alertId}>{t('tips.alertN', { id: alertId })}</option> : null}
          {options.map((o) => (
            <option key={o.alertId} value={o.alertId}>
              {`${t('tips.alertN', { id: o.alertId })} (${t('tips.ofAlert', { count: o.total })})`}
            </option>
          ))}
        </select>
      </label>
      {options.length === 0 ? <p className="hint">{t('tips.map.noTips')}</p> : null}
      {alertId !== null ? <TipCellsNote alertId={alertId} /> : null}
    </fieldset>
  );
}
