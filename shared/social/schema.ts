/** Facebook and X as they cross the bridge: channels, posts, reach series and comments. */
import { z } from 'zod';

export const SocialKind = z.enum(['facebook', 'x']);
export type SocialKind = z.infer<typeof SocialKind>;

export const SocialChannelSummary = z.object({
  name: z.string(),
  kind: SocialKind,
  /** The account (page id) and API base; the token is never shown back. */
  account: z.string(),
  api: z.string(),
  simulator: z.boolean(),
  enabled: z.boolean(),
  /** needs_login: the token expired or was revoked; an admin must add a new one. */
  state: z.enum(['ok', 'needs_login']),
});
export type SocialChannelSummary = z.infer<typeof SocialChannelSummary>;

export const SocialPostStatus = z.enum(['queued', 'posting', 'posted', 'failed', 'needs_login', 'deleted']);

export const SocialPostSummary = z.object({
  channel: z.string(),
  kind: SocialKind,
  postKind: z.enum(['post', 'comment', 'reply']),
  status: SocialPostStatus,
  remoteId: z.string().nullable(),
  postedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Latest figures by metric (views, impressions, shares, …). */
  figures: z.record(z.string(), z.number()),
  figuresAt: z.string().nullable(),
});
export type SocialPostSummary = z.infer<typeof SocialPostSummary>;

/** One alert's timeline: every series on one time axis (ms since epoch), cumulative values. */
export const AlertTimeline = z.object({
  alertId: z.number().int(),
  series: z.array(
    z.object({
      key: z.enum(['sms_delivered', 'facebook_views', 'x_impressions', 'tips']),
      points: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
  posts: z.array(SocialPostSummary),
});
export type AlertTimeline = z.infer<typeof AlertTimeline>;

export const SocialComment = z.object({
  id: z.number().int(),
  channel: z.string(),
  kind: SocialKind,
  alertId: z.number().int().nullable(),
  author: z.string(),
  /** Untrusted: display as text. */
  text: z.string(),
  createdAt: z.string(),
});
export type SocialComment = z.infer<typeof SocialComment>;
