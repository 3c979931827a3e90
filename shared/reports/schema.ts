/**
 * The evaluation figures as they cross the bridge and leave the CLI as JSON. Every figure is
 * computed in one place (electron/reports/figures.ts); its definition is written there.
 */
import { z } from 'zod';
import { Category } from '../alerts/schema';

export const outcomes = ['found', 'arrested', 'solved', 'no_result', 'unknown', 'other'] as const;
export const Outcome = z.enum(outcomes);
export type Outcome = z.infer<typeof Outcome>;

const day = z.string().regex(/^\d{4}-\d\d-\d\d$/, 'a date as YYYY-MM-DD');

/** The period, inclusive of both days (Danish local time), and what it is narrowed to. */
export const PeriodQuery = z
  .object({
    from: day,
    to: day,
    /** A police district's code; absent: everything in the store. */
    district: z.string().min(1).max(32).optional(),
    category: Category.optional(),
  })
  .strict();
export type PeriodQuery = z.infer<typeof PeriodQuery>;

const int = z.number().int();
/** Seconds, or null when the share was never reached (or nothing was delivered). */
const seconds = z.number().nullable();

export const OutcomeRecord = z.object({
  outcome: Outcome,
  tipsHelped: z.boolean().nullable(),
  note: z.string(),
  recordedBy: z.string(),
  recordedAt: z.string(),
});
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;

export const DeliveryFigures = z.object({
  recipients: int,
  delivered: int,
  failed: int,
  expired: int,
  cancelled: int,
  /** Not yet final (queued, deferred, submitting, accepted). */
  pending: int,
  /** delivered ÷ (recipients − cancelled); null when nothing was meant to leave. */
  rate: z.number().nullable(),
  t50: seconds,
  t90: seconds,
  t99: seconds,
});
export type DeliveryFigures = z.infer<typeof DeliveryFigures>;

export const AlertFigures = z.object({
  id: int,
  kind: z.enum(['alert', 'update', 'close']),
  parentId: int.nullable(),
  category: Category,
  urgency: z.enum(['urgent', 'routine']),
  status: z.string(),
  releasedAt: z.string(),
  district: z.string().nullable(),
  delivery: DeliveryFigures,
  segments: int,
  /** SMS parts handed to the gateway: segments × recipients that were submitted. */
  parts: int,
  costOre: int,
  tips: int,
  /** Seconds from release to the first tip. */
  firstTipSeconds: seconds,
  outcome: OutcomeRecord.nullable(),
});
export type AlertFigures = z.infer<typeof AlertFigures>;

export const MonthSubscribers = z.object({ month: z.string(), signups: int, leaves: int, net: int, total: int });
export const EvaluationReport = z.object({
  query: z.object({ from: z.string(), to: z.string(), district: z.object({ code: z.string(), name: z.string() }).nullable(), category: Category.nullable() }),
  generatedAt: z.string(),
  subscribers: z.object({
    /** Subscribed (active or paused) at the start and end of the period. */
    atStart: int,
    atEnd: int,
    signups: int,
    /** Opt-outs and erasures of subscribed people; opt-ins (re-joining) count as sign-ups. */
    leaves: int,
    net: int,
    byMonth: z.array(MonthSubscribers),
    /** Sign-ups and leaves in the period by the person's groups (as they are now; a person in two groups counts in both). */
    byGroup: z.array(z.object({ group: z.string(), signups: int, leaves: int })),
    /** Erased people's groups and places are gone: their events count only in the totals. */
    unknownGroup: int,
  }),
  /** New cases (kind 'alert'); follow-ups are counted apart but their sends count in delivery, cost and tips. */
  alerts: z.object({
    count: int,
    followUps: int,
    byCategory: z.record(z.string(), int),
    byMonth: z.array(z.object({ month: z.string(), byCategory: z.record(z.string(), int), total: int })),
  }),
  delivery: DeliveryFigures.extend({
    /** The time figures above are the median over the alerts that reached the share. */
    alertsWithReceipts: int,
  }),
  cost: z.object({ parts: int, pricePerPartOre: int, totalOre: int }),
  tips: z.object({
    total: int,
    /** Tips per released alert, follow-ups included. */
    perAlert: z.number().nullable(),
    /** Median seconds from release to the first tip, over alerts that got one. */
    medianFirstTipSeconds: seconds,
    source: z.string(),
  }),
  reach: z.object({ channels: z.array(z.object({ channel: z.string(), posts: int, reach: int })) }),
  /** Of the new cases (outcomes belong to a case, not to its follow-ups). */
  outcomes: z.object({ recorded: int, notRecorded: int, byOutcome: z.record(z.string(), int), tipsHelped: int }),
  perAlert: z.array(AlertFigures),
});
export type EvaluationReport = z.infer<typeof EvaluationReport>;

export const AlertReport = z.object({
  alert: AlertFigures.extend({ smsText: z.string(), createdBy: z.string().nullable(), approvedBy: z.string().nullable() }),
  timeline: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })),
  failures: z.array(z.object({ reason: z.string(), count: int })),
  tipsByHour: z.array(z.object({ hour: int, count: int })),
  reach: z.object({ channels: z.array(z.object({ channel: z.string(), posts: int, reach: int })) }),
  cells: z.object({
    cellSizeDeg: z.number(),
    minCount: int,
    cells: z.array(z.object({ lon: z.number(), lat: z.number(), delivered: int, pending: int, failed: int })),
  }),
  /** The area's outline, [lon, lat] rings, for the map. */
  outline: z.array(z.array(z.array(z.tuple([z.number(), z.number()])))),
  generatedAt: z.string(),
});
export type AlertReport = z.infer<typeof AlertReport>;
