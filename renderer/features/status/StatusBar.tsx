import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store';
import { selectGateway, selectGatewayState } from './statusSlice';

type Tone = 'ok' | 'warn' | 'bad' | 'unknown';

function Item({ testid, label, tone, children }: { testid: string; label: string; tone: Tone; children: string }) {
  // The dot repeats the text's meaning in colour; the text alone must be enough.
  return (
    <div className={`status__item status__item--${tone}`} data-testid={testid} data-tone={tone}>
      <span className="status__dot" aria-hidden="true" />
      <span className="status__label">{label}:</span> <span className="status__value">{children}</span>
    </div>
  );
}

function StoreItem() {
  const { t } = useTranslation();
  const status = useAppStore((s) => s.appStatus);
  const error = useAppStore((s) => s.statusError);
  const loading = useAppStore((s) => s.statusLoading);
  const connected = useAppStore((s) => s.connection === 'connected');
  if (!status) {
    const text = error ? t(`errors.${error.code}`) : loading ? t('status.loading') : t('status.unavailable');
    return (
      <Item testid="status-store" label={t('status.store')} tone={error ? 'bad' : 'unknown'}>
        {text}
      </Item>
    );
  }
  return (
    // Without the host the figures are the last ones known: still shown, no longer marked good.
    <Item testid="status-store" label={t('status.store')} tone={connected ? 'ok' : 'unknown'}>
      {t('status.storeValue', {
        schema: status.store.schemaVersion,
        subscribers: t('status.subscribers', { count: status.store.subscribers }),
      })}
    </Item>
  );
}

const gatewayTone = { connected: 'ok', connecting: 'warn', disconnected: 'bad', disabled: 'warn', attention: 'bad' } as const;

function GatewayItem() {
  const { t } = useTranslation();
  const gateway = useAppStore(selectGateway);
  const state = useAppStore(selectGatewayState);
  const known = useAppStore((s) => s.appStatus !== null);
  if (!gateway) {
    return (
      <Item testid="status-gateway" label={t('status.gateway')} tone={known ? 'bad' : 'unknown'}>
        {known ? t('status.noGateway') : t('status.unavailable')}
      </Item>
    );
  }
  return (
    <Item testid="status-gateway" label={t('status.gateway')} tone={state ? gatewayTone[state] : 'unknown'}>
      {`${gateway.name} — ${state ? t(`gatewayState.${state}`) : t('status.unavailable')}${gateway.problem && state === 'attention' ? ` (${gateway.problem.reason})` : ''}`}
    </Item>
  );
}

const connectionTone = { connected: 'ok', connecting: 'warn', disconnected: 'bad', unauthorized: 'bad', stale: 'bad' } as const;

function NetworkItem() {
  const { t } = useTranslation();
  const online = useAppStore((s) => s.online);
  const connection = useAppStore((s) => s.connection);
  // Offline matters less than a lost host: drafting works offline, nothing works without the host.
  const tone: Tone = connection !== 'connected' ? connectionTone[connection] : online ? 'ok' : 'warn';
  return (
    <Item testid="status-network" label={t('status.network')} tone={tone}>
      {`${online ? t('status.online') : t('status.offline')} · ${t('status.bridge')} ${t(`connection.${connection}`)}`}
    </Item>
  );
}

export function StatusBar() {
  const { t } = useTranslation();
  return (
    <footer className="status" aria-label={t('status.label')} aria-live="polite">
      <StoreItem />
      <GatewayItem />
      <NetworkItem />
    </footer>
  );
}
