/** The composer's choice of channels: SMS always, Facebook and X when configured, and the area picture for Facebook. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel } from '../../../shared/alerts/schema';
import { useAppStore } from '../../store';

export function ChannelsPicker({ channels, onChange, disabled }: { channels: readonly AlertChannel[]; onChange(next: AlertChannel[]): void; disabled?: boolean }) {
  const { t } = useTranslation();
  const configured = useAppStore((s) => s.socialChannels);
  const load = useAppStore((s) => s.loadSocialChannels);
  useEffect(() => void load(), [load]);
  const toggle = (c: AlertChannel, on: boolean) => {
    let next = on ? [...new Set([...channels, c])] : channels.filter((x) => x !== c);
    if (c === 'facebook' && !on) next = next.filter((x) => x !== 'picture');
    onChange(next);
  };
  const kindRow = (kind: 'facebook' | 'x') => {
    const ofKind = configured.filter((c) => c.kind === kind && c.enabled);
    const stale = ofKind.find((c) => c.state === 'needs_login');
    return (
      <>
        <label className="choice">
          <input
            type="checkbox"
            data-testid={`channel-${kind}`}
            checked={channels.includes(kind)}
            disabled={disabled || (!ofKind.length && !channels.includes(kind))}
            onChange={(e) => toggle(kind, e.target.checked)}
          />
          {t(`social.channels.${kind}`)}
          {ofKind.length > 0 && <span className="muted"> ({ofKind.map((c) => c.name).join(', ')})</span>}
        </label>
        {!ofKind.length && <p className="hint">{t('social.channels.notConfigured', { kind: t(`social.channels.${kind}`) })}</p>}
        {stale && (
          <p className="hint hint--warning" role="status">
            {t('social.channels.needsLogin', { name: stale.name })}
          </p>
        )}
      </>
    );
  };
  return (
    <fieldset className="panel" data-testid="channels">
      <legend className="panel__title">{t('social.channels.title')}</legend>
      <label className="choice">
        <input type="checkbox" data-testid="channel-sms" checked disabled />
        {t('social.channels.sms')} <span className="muted">({t('social.channels.smsAlways')})</span>
      </label>
      {kindRow('facebook')}
      {channels.includes('facebook') && (
        <label className="choice choice--nested">
          <input type="checkbox" data-testid="channel-picture" checked={channels.includes('picture')} disabled={disabled} onChange={(e) => toggle('picture', e.target.checked)} />
          {t('social.channels.picture')}
        </label>
      )}
      {kindRow('x')}
      <p className="hint">{t('social.channels.hint')}</p>
    </fieldset>
  );
}
