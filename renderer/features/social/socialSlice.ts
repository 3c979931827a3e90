import type { RequestOf, ResponseOf } from '../../../shared/bridge/contract';
import type { Result } from '../../../shared/bridge/result';
import type { SocialChannelSummary } from '../../../shared/social/schema';
import type { SliceCreator } from '../../store';

export interface SocialSlice {
  /** The configured Facebook and X channels (for the composer's choice and the settings). */
  socialChannels: SocialChannelSummary[];
  loadSocialChannels(): Promise<void>;
  /** Bumped per alert when its posts or figures changed (the host's aggregated social.changed). */
  socialVersion: Record<number, number>;
  socialCalls: {
    add(request: RequestOf<'social.add'>): Promise<Result<ResponseOf<'social.add'>>>;
    test(name: string): Promise<Result<ResponseOf<'social.test'>>>;
    timeline(alertId: number): Promise<Result<ResponseOf<'social.timeline'>>>;
    comments(alertId: number): Promise<Result<ResponseOf<'social.comments'>>>;
  };
}

export const createSocialSlice: SliceCreator<SocialSlice> = (set, get, { bridge }) => {
  bridge.onEvent('social.changed', ({ alertIds }) => {
    const v = { ...get().socialVersion };
    for (const id of alertIds) v[id] = (v[id] ?? 0) + 1;
    set({ socialVersion: v });
  });
  return {
    socialChannels: [],
    socialVersion: {},
    async loadSocialChannels() {
      const r = await bridge.invoke('social.list', {});
      if (r.ok) set({ socialChannels: r.value });
    },
    socialCalls: {
      add: (request) => bridge.invoke('social.add', request),
      test: (name) => bridge.invoke('social.test', { name }),
      timeline: (alertId) => bridge.invoke('social.timeline', { alertId }),
      comments: (alertId) => bridge.invoke('social.comments', { alertId, limit: 50 }),
    },
  };
};

export const selectSocialVersion = (alertId: number) => (s: { socialVersion: Record<number, number> }) => s.socialVersion[alertId] ?? 0;
