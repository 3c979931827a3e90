/** The social channels of the bridge: settings for admins, timelines and comments for every officer. */
import { ALL_ROLES } from '../bridge/dispatcher';
import type { Handlers } from '../bridge/dispatcher';
import { appendAudit } from '../audit/service';
import type { Db } from '../store/db';
import { socialChannelService, summarize } from './channels';
import { alertTimeline, listComments, testSocialChannel } from './service';

export type SocialChannelName = 'social.list' | 'social.add' | 'social.test' | 'social.timeline' | 'social.comments';

export function socialHandlers(db: Db, now: () => Date = () => new Date()): Pick<Handlers, SocialChannelName> {
  const channels = socialChannelService(db, now);
  return {
    'social.list': { roles: ALL_ROLES, passive: true, handle: async () => (await channels.list()).map(summarize) },
    'social.add': {
      roles: ['admin'],
      handle: async ({ name, url, replace }, caller) => {
        const c = await channels.add(name, url, { replace });
        await db.transaction((tx) =>
          appendAudit(tx, { at: now(), officer: caller.session.officer!.username, action: 'social_channel_added', subject: `social:${c.name}`, details: { kind: c.kind, replaced: replace } }),
        );
        return summarize(c);
      },
    },
    'social.test': { roles: ['admin'], handle: ({ name }) => testSocialChannel(channels, name) },
    'social.timeline': { roles: ALL_ROLES, passive: true, handle: ({ alertId }) => alertTimeline(db, alertId) },
    'social.comments': { roles: ALL_ROLES, passive: true, handle: ({ alertId, limit }) => listComments(db, { ...(alertId !== undefined ? { alertId } : {}), limit }) },
  };
}
