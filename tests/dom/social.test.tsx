import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertTimeline } from '../../shared/social/schema';
import { App } from '../../renderer/App';
import { alignSeries } from '../../renderer/features/social/align';
import { createI18n } from '../../renderer/i18n';
import { makeAlert } from './alerts.host';
import { demoHost, rig } from './fakes';
import { dispatchHost, makeSend } from './monitor.host';

afterEach(() => cleanup());

const ok = (value: unknown) => ({ ok: true, value });
const t0 = Date.parse('2026-12-05T10:00:00Z');

function timeline(views: number): AlertTimeline {
  return {
    alertId: 40,
    series: [
      { key: 'sms_delivered', points: [[t0, 0], [t0 + 60_000, 3000]] },
      { key: 'facebook_views', points: [[t0, 0], [t0 + 30_000, views / 2], [t0 + 90_000, views]] },
      { key: 'x_impressions', points: [[t0, 0], [t0 + 90_000, 1200]] },
      { key: 'tips', points: [[t0, 0], [t0 + 80_000, 1]] },
    ],
    posts: [
      { channel: 'facebook', kind: 'facebook', postKind: 'post', status: 'posted', remoteId: '1_2', postedAt: null, lastError: null, figures: { views, shares: 40 }, figuresAt: null },
      { channel: 'x', kind: 'x', postKind: 'post', status: 'deleted', remoteId: '9', postedAt: null, lastError: null, figures: { impressions: 1200 }, figuresAt: null },
    ],
  };
}

describe('an alert’s timeline on the monitor', () => {
  it('aligns series with their own times onto one axis, null where a series has no sample', () => {
    expect(alignSeries([[[1000, 1], [3000, 5]], [[2000, 7]]])).toEqual([
      [1, 2, 3],
      [1, null, 5],
      [null, 7, null],
    ]);
  });

  it('shows the latest figures per series and post, follows social.changed live, and shows comments as text', async () => {
    let views = 8000;
    const d = dispatchHost([makeSend({ sendId: 1, alertRef: 'alert:40' })], {
      alerts: [makeAlert({ id: 40, category: 'burglary' })],
      overrides: {
        'social.timeline': () => ok(timeline(views)),
        'social.comments': () => ok([{ id: 1, channel: 'facebook', kind: 'facebook', alertId: 40, author: 'Borger 1', text: '<img src=x onerror=alert(1)> Jeg så bilen', createdAt: '2026-12-05T10:01:20Z' }]),
      },
    });
    const r = rig({ host: d.host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-monitor'));
    const panel = await screen.findByTestId('timeline-40');
    const latest = (key: string) => within(panel).getByTestId(`chart-latest-${key}`).dataset.value;
    expect(latest('facebook_views')).toBe('8000');
    expect(latest('sms_delivered')).toBe('3000');
    expect(latest('tips')).toBe('1');
    expect(within(panel).getByTestId('post-facebook').textContent).toMatch(/Slået op · 8\.000 visninger · 40 delinger/);
    expect(within(panel).getByTestId('post-x').textContent).toMatch(/Slettet på platformen/);
    const comment = await within(panel).findByTestId('social-comment');
    expect(comment.textContent).toContain('<img src=x onerror=alert(1)> Jeg så bilen');
    expect(comment.querySelector('img')).toBeNull();

    views = 20000;
    d.host.emit('social.changed', { alertIds: [40] });
    await waitFor(() => expect(latest('facebook_views')).toBe('20000'), { timeout: 3000 });
  });
});

describe('Facebook and X in settings', () => {
  const admin = { id: 3, username: 'admin', displayName: 'Administrator', roles: ['admin'] };
  const channel = (state: 'ok' | 'needs_login') => ({ name: 'fb', kind: 'facebook', account: '123456', api: 'https://graph.facebook.com', simulator: false, enabled: true, state });

  it('lists channels without tokens, lets an admin add one (the field is emptied), and tests it', async () => {
    let list = [channel('needs_login')];
    const added: unknown[] = [];
    const host = demoHost({
      'session.current': () => ok({ officer: admin, officersExist: true, idleLockMinutes: 0 }),
      'gateways.list': () => ok([]),
      'social.list': () => ok(list),
      'social.add': (p) => {
        added.push(p);
        list = [channel('ok')];
        return ok(channel('ok'));
      },
      'social.test': () => ok({ name: 'fb', ok: true, account: 'Nordsjællands Politi', ms: 12 }),
    });
    const r = rig({ host });
    render(<App store={r.store} i18n={createI18n('da')} />);
    fireEvent.click(await screen.findByTestId('nav-settings'));
    const row = await screen.findByTestId('social-fb');
    expect(row.textContent).toContain('Skal logges ind igen');
    fireEvent.change(screen.getByTestId('social-name'), { target: { value: 'fb' } });
    fireEvent.change(screen.getByTestId('social-url'), { target: { value: 'facebook://123456?token=NEW-SECRET' } });
    fireEvent.click(screen.getByText('Erstat token for en eksisterende kanal'));
    fireEvent.click(screen.getByTestId('social-add'));
    await waitFor(() => expect(screen.getByTestId('social-fb').dataset.state).toBe('ok'));
    expect(added).toEqual([{ name: 'fb', url: 'facebook://123456?token=NEW-SECRET', replace: true }]);
    expect(screen.getByTestId<HTMLInputElement>('social-url').value).toBe('');
    expect(document.body.textContent).not.toContain('NEW-SECRET');
    fireEvent.click(screen.getByTestId('social-test-fb'));
    expect((await screen.findByTestId('social-test-result-fb')).textContent).toContain('forbundet som Nordsjællands Politi');
  });
});
