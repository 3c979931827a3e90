import { useTranslation } from 'react-i18next';
import { formatNumber, sparklinePoints } from './format';

const WIDTH = 160;
const HEIGHT = 32;

/** Throughput over the last samples as a small line; the number beside it is the value now. */
export function Sparkline({ samples }: { samples: readonly number[] }) {
  const { t, i18n } = useTranslation();
  const max = samples.length > 0 ? Math.max(...samples) : 0;
  return (
    <svg
      className="sparkline"
      data-testid="send-sparkline"
      data-samples={samples.length}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={t('monitor.sparkline', { max: formatNumber(max, i18n.language, 1) })}
    >
      {samples.length > 1 && <polyline points={sparklinePoints(samples, WIDTH, HEIGHT)} fill="none" strokeWidth={1.5} />}
    </svg>
  );
}
