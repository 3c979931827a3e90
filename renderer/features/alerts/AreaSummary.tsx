import { useTranslation } from 'react-i18next';
import type { TargetArea } from '../../../shared/targeting/area';
import { useAppStore } from '../../store';
import { AreaMap } from '../map/AreaMap';

/** What the area is made of, in words, and on a real map: enough for an approver to see where it goes. */
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
      <AreaMap area={area} />
    </div>
  );
}
