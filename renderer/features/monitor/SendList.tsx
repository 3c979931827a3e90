import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';
import { formatNumber, percentFinished } from './format';
import { selectSend } from './monitorSlice';
import { SendName, SendStateChip } from './SendPanel';

function SendItem({ sendId, current, onSelect }: { sendId: number; current: boolean; onSelect: () => void }) {
  const { i18n } = useTranslation();
  const status = useAppStore(selectSend(sendId));
  if (!status) return null;
  return (
    <li>
      <button
        type="button"
        className="send-list__item"
        data-testid={`monitor-item-${sendId}`}
        aria-current={current ? 'true' : undefined}
        onClick={onSelect}
      >
        <span className="send-list__name">
          <SendName sendId={sendId} />
        </span>
        <span className="send-list__meta">
          <SendStateChip state={status.state} />
          <span>{formatNumber(percentFinished(status), i18n.language)} %</span>
        </span>
      </button>
    </li>
  );
}

/** The sends, newest first, and "all" at the top; picking one shows it alone with its map. */
export function SendList() {
  const { t } = useTranslation();
  const order = useAppStore((s) => s.monitorOrder);
  const selected = useAppStore((s) => s.monitorSelected);
  const select = useAppStore((s) => s.selectSend);
  return (
    <nav className="send-list" aria-label={t('monitor.listLabel')}>
      <ul>
        <li>
          <button
            type="button"
            className="send-list__item send-list__item--all"
            data-testid="monitor-all"
            aria-current={selected === null ? 'true' : undefined}
            onClick={() => select(null)}
          >
            {t('monitor.all')}
          </button>
        </li>
        {order.map((id) => (
          <SendItem key={id} sendId={id} current={selected === id} onSelect={() => select(id)} />
        ))}
      </ul>
    </nav>
  );
}
