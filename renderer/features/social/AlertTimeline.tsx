import './social.css';
/**
 * One alert on one time axis: SMS delivered (cumulative), Facebook views, X impressions and tips,
 * live; beside it each channel's post with its latest figures. Fetched again when the host says
 * the alert's posts or figures changed, or when its send moved (at most once a second).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertTimeline as Timeline, SocialComment } from '../../../shared/social/schema';
import { Chart } from '../../components/Chart';
import type { ChartSeries } from '../../components/Chart';
import { useAppStore } from '../../store';
import { alignSeries } from './align';
import { selectSocialVersion } from './socialSlice';

const COLORS = { sms_delivered: '#2e7d32', facebook_views: '#1877f2', x_impressions: '#111111', tips: '#c62828' } as const;
const SCALE = { sms_delivered: 'count', facebook_views: 'reach', x_impressions: 'reach', tips: 'count' } as const;

export function AlertTimelinePanel({ alertId, sendVersion }: { alertId: number; sendVersion: number }) {
  const { t, i18n } = useTranslation();
  const calls = useAppStore((s) => s.socialCalls);
  const version = useAppStore(selectSocialVersion(alertId));
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [comments, setComments] = useState<SocialComment[]>([]);
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let live = true;
    const load = () => {
      last.current = Date.now();
      void calls.timeline(alertId).then((r) => {
        if (live && r.ok) setTimeline(r.value);
      });
      void calls.comments(alertId).then((r) => {
        if (live && r.ok) setComments(r.value);
      });
    };
    const wait = 1000 - (Date.now() - last.current);
    if (wait <= 0) load();
    else if (!pending.current) pending.current = setTimeout(() => ((pending.current = null), load()), wait);
    const every = setInterval(load, 15_000);
    return () => {
      live = false;
      clearInterval(every);
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    };
  }, [alertId, calls, version, sendVersion]);

  const nf = useMemo(() => new Intl.NumberFormat(i18n.language === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 0 }), [i18n.language]);
  const data = useMemo(() => (timeline ? alignSeries(timeline.series.map((s) => s.points)) : null), [timeline]);
  if (!timeline || !data) return null;
  const series: ChartSeries[] = timeline.series.map((s) => ({ key: s.key, label: t(`social.timeline.${s.key}`), color: COLORS[s.key], scale: SCALE[s.key] }));
  return (
    <section className="timeline" data-testid={`timeline-${alertId}`} aria-label={t('social.timeline.title')}>
      <h3 className="panel__title">{t('social.timeline.title')}</h3>
      <Chart
        testId={`timeline-chart-${alertId}`}
        data={data}
        series={series}
        axes={[
          { scale: 'reach', label: `${t('social.timeline.facebook_views')} / ${t('social.timeline.x_impressions')}` },
          { scale: 'count', label: `${t('social.timeline.sms_delivered')} / ${t('social.timeline.tips')}`, side: 1 },
        ]}
        ariaLabel={t('social.timeline.title')}
        formatValue={(v) => nf.format(v)}
        height={220}
      />
      {timeline.posts.length > 0 && (
        <ul className="timeline__posts" aria-label={t('social.timeline.posts')}>
          {timeline.posts.map((p) => (
            <li key={p.channel} data-testid={`post-${p.kind}`} data-status={p.status}>
              <strong>{p.channel}</strong> ({p.kind === 'facebook' ? 'Facebook' : 'X'}): {t(`social.post.${p.status}`)}
              {Object.keys(p.figures).length > 0 && (
                <span className="muted">
                  {' · '}
                  {Object.entries(p.figures)
                    .map(([m, v]) => `${nf.format(v)} ${t(`social.metric.${m}`, { defaultValue: m })}`)
                    .join(' · ')}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {comments.length > 0 && (
        <details className="timeline__comments" data-testid={`comments-${alertId}`}>
          <summary>
            {t('social.comments.title')} ({nf.format(comments.length)})
          </summary>
          <ul>
            {comments.slice(0, 20).map((c) => (
              <li key={c.id} data-testid="social-comment">
                {/* A citizen's words: text, never markup. */}
                <strong>{c.author}</strong> ({c.kind === 'facebook' ? 'Facebook' : 'X'}): {c.text}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
