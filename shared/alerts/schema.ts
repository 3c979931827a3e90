/**
 * An alert as it crosses the bridge: the composer's draft, its approval and its follow-ups.
 * The state machine: draft → awaiting_approval → approved → scheduled → sending → sent →
 * closed, or rejected / cancelled. Any edit after approval voids the approval.
 */
import { z } from 'zod';
import { categories } from '../registry/subscriber';
import { TargetAreaSchema, TargetFilterSchema } from '../targeting/area';
import { X_WEIGHTED_LIMIT } from '../social/xtext';

export const alertStatuses = [
  'draft',
  'awaiting_approval',
  'approved',
  'scheduled',
  'sending',
  'sent',
  'closed',
  'rejected',
  'cancelled',
] as const;
export const AlertStatus = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** Alert: a new case; update: more about a sent one; close: "case closed — thank you". */
export const AlertKind = z.enum(['alert', 'update', 'close']);
export type AlertKind = z.infer<typeof AlertKind>;
export const CapStatus = z.enum(['Actual', 'Exercise', 'Test', 'Draft']);
export const Urgency = z.enum(['urgent', 'routine']);
export const Category = z.enum(categories);

/** X counts characters its own way (URLs as 23, CJK and emoji as 2: shared/social/xtext.ts); 280 weighted is the limit. */
export const X_MAX_LENGTH = X_WEIGHTED_LIMIT;

/**
 * Where an alert goes: SMS, the Facebook Page, the X account; 'picture' attaches the target
 * area as a map picture to the Facebook post. Part of the alert, so approval covers them.
 */
export const AlertChannel = z.enum(['sms', 'facebook', 'x', 'picture']);
export type AlertChannel = z.infer<typeof AlertChannel>;
export const AlertChannels = z
  .array(AlertChannel)
  .max(4)
  // Every alert goes by SMS: the social channels come on top (an alert without SMS would have no recipients to freeze).
  .refine((c) => c.includes('sms'), 'SMS is always one of the channels')
  .refine((c) => new Set(c).size === c.length, 'each channel once');
export const SMS_MAX_LENGTH = 153 * 10; // ten parts: longer is a slip, not an alert

const OfficerRef = z.object({ id: z.number().int(), displayName: z.string() }).nullable();

export const Alert = z.object({
  id: z.number().int(),
  /** The CAP identifier: stable across edits. */
  uuid: z.string(),
  kind: AlertKind,
  parentId: z.number().int().nullable(),
  category: Category,
  templateId: z.string().nullable(),
  language: z.enum(['da', 'en']),
  fields: z.record(z.string(), z.string().max(2000)),
  smsText: z.string().max(SMS_MAX_LENGTH),
  /** The SMS in the other language (English when `language` is da, Danish when en); '' for none. */
  smsTextOther: z.string().max(SMS_MAX_LENGTH).default(''),
  socialText: z.string().max(5000),
  channels: AlertChannels,
  capEnabled: z.boolean(),
  capStatus: CapStatus,
  urgency: Urgency,
  area: TargetAreaSchema.nullable(),
  filter: TargetFilterSchema.nullable(),
  status: AlertStatus,
  /** Bumped by every edit; an approval is for one revision. */
  revision: z.number().int(),
  createdBy: OfficerRef,
  approvedBy: OfficerRef,
  approvedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
  /** Whether the approval rule asks for a second officer for this alert as it stands. */
  needsApproval: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Released not before this time once approved (ISO 8601, UTC); null: as soon as approved. */
  releaseAt: z.string().nullable().default(null),
  /** Recipients not reached by this time are not sent to any more (they end as expired). */
  expiresAt: z.string().nullable().default(null),
});
export type Alert = z.infer<typeof Alert>;

/** An instant as the store keeps it: ISO 8601 with a zone, at most a year ahead or behind. */
export const ScheduleTime = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 time with a zone');

export const AlertPatch = z
  .object({
    fields: z.record(z.string().max(40), z.string().max(2000)),
    smsText: z.string().max(SMS_MAX_LENGTH),
    smsTextOther: z.string().max(SMS_MAX_LENGTH),
    socialText: z.string().max(5000),
    channels: AlertChannels,
    capEnabled: z.boolean(),
    capStatus: CapStatus,
    urgency: Urgency,
    category: Category,
    area: TargetAreaSchema.nullable(),
    filter: TargetFilterSchema.nullable(),
    releaseAt: ScheduleTime.nullable(),
    expiresAt: ScheduleTime.nullable(),
  })
  .partial()
  .strict();
export type AlertPatch = z.infer<typeof AlertPatch>;

export const ApprovalRule = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('always') }),
  z.object({ mode: z.literal('never') }),
  z.object({ mode: z.literal('above'), recipients: z.number().int().min(0) }),
  z.object({ mode: z.literal('categories'), categories: z.array(Category).min(1) }),
]);
export type ApprovalRule = z.infer<typeof ApprovalRule>;

export const Template = z.object({
  id: z.string(),
  category: Category,
  kind: AlertKind,
  language: z.enum(['da', 'en']),
  name: z.string(),
  /** Text with {field} placeholders. */
  sms: z.string(),
  social: z.string(),
  fields: z.array(z.object({ key: z.string(), label: z.string(), required: z.boolean() })),
});
export type Template = z.infer<typeof Template>;

/** What the approver and the composer see before sending. */
export const AlertPreview = z.object({
  recipients: z.number().int(),
  /** Recipients whose quiet hours hold a routine alert back until morning. */
  delayedByQuietHours: z.number().int(),
  smsParts: z.number().int(),
  totalParts: z.number().int(),
  /** In øre (1/100 DKK), from the admin's price per part. */
  costEstimateOre: z.number().int(),
  /** At the primary gateway's agreed rate. */
  sendSeconds: z.number(),
  /** The recipients by their registered language (Danish when they gave none). */
  byLanguage: z.object({ da: z.number().int(), en: z.number().int() }).optional(),
  /**
   * Per text the alert carries (its own language first): who gets it and its parts. With one
   * text everybody gets it; with two, each language's subscribers get theirs.
   */
  texts: z.array(z.object({ language: z.enum(['da', 'en']), recipients: z.number().int(), smsParts: z.number().int() })).optional(),
  /**
   * Once released: `recipients` are the ones frozen at release (not today's count of the area),
   * and the send that carries them, for its delivery result.
   */
  release: z.object({ sendId: z.number().int().nullable(), releasedAt: z.string() }).nullable().optional(),
});
export type AlertPreview = z.infer<typeof AlertPreview>;
