import { useTranslation } from 'react-i18next';
import type { TargetArea } from '../../../shared/targeting/area';
import { useAppStore } from '../../store';

type Ring = [number, number][];

/** Rings of the drawn parts ([lon, lat]); a circle as a 48-gon. Boundaries have no shape here. */
function ringsOf(area: TargetArea): { mode: 'include' | 'exclude'; ring: Ring }[] {
  const out: { mode: 'include' | 'exclude'; ring: Ring }[] = [];
  for (const { mode, shape } of area.parts) {
    if (shape.type === 'polygon') out.push({ mode, ring: shape.coordinates[0] as Ring });
    else if (shape.type === 'multipolygon') for (const p of shape.coordinates) out.push({ mode, ring: p[0] as Ring });
    else if (shape.type === 'circle') {
      const [lon, lat] = shape.center;
      const dLat = shape.radiusM / 111_320;
      const dLon = dLat / Math.cos((lat * Math.PI) / 180);
      const ring: Ring = [];
      for (let i = 0; i <= 48; i++) {
        const a = (i / 48) * 2 * Math.PI;
        ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
      }
      out.push({ mode, ring });
    }
  }
  return out;
}

/** The drawn shapes in a small box, north up, with longitudes shrunk as a map at this latitude would. */
function Outline({ area }: { area: TargetArea }) {
  const { t } = useTranslation();
  const rings = ringsOf(area).filter((r) => r.ring.length > 2);
  if (rings.length === 0) return null;
  const all = rings.flatMap((r) => r.ring);
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const width = Math.max((e - w) * k, 1e-6);
  const height = Math.max(n - s, 1e-6);
  const scale = 180 / Math.max(width, height);
  const point = ([lon, lat]: [number, number]) => `${((lon - w) * k * scale + 10).toFixed(1)},${((n - lat) * scale + 10).toFixed(1)}`;
  return (
    <svg
      className="area-outline"
      data-testid="area-outline"
      viewBox={`0 0 ${(width * scale + 20).toFixed(1)} ${(height * scale + 20).toFixed(1)}`}
      role="img"
      aria-label={t('alerts.area.outline')}
    >
      {rings.map((r, i) => (
        <polygon key={i} className={`area-outline__${r.mode}`} points={r.ring.map(point).join(' ')} />
      ))}
    </svg>
  );
}

/** What the area is made of, in words, and its outline: enough for an approver to see where it goes. */
export function AreaSummary({ area }: { area: TargetArea | null }) {
  const { t } = useTranslation();
  const mapParts = useAppStore((s) => s.targetParts);
  if (!area) return <p data-testid="area-none">{t('alerts.area.none')}</p>;
  const nameOf = (kind: string, code: string) => {
    const p = mapParts.find((x) => x.source === 'boundary' && x.shape.kind === kind && x.shape.code === code);
    return p && p.source === 'boundary' ? p.name : null;
  };
  return (
    <div className="area-summary" data-testid="area-summary">
      <ul className="area-summary__parts">
        {area.parts.map((part, i) => {
          const { shape } = part;
          let what: string;
          if (shape.type === 'boundary') {
            const name = nameOf(shape.kind, shape.code);
            what = `${t(`alerts.area.kinds.${shape.kind}`)} ${shape.code}${name && name !== shape.code ? ` ${name}` : ''}`;
          } else if (shape.type === 'circle') {
            what = t('alerts.area.circle', { km: (shape.radiusM / 1000).toLocaleString(undefined, { maximumFractionDigits: 2 }) });
          } else {
            what = t(`alerts.area.kinds.${shape.type}`);
          }
          return (
            <li key={i} data-mode={part.mode}>
              {t(`alerts.area.modes.${part.mode}`)}: {what}
            </li>
          );
        })}
      </ul>
      <Outline area={area} />
    </div>
  );
}
