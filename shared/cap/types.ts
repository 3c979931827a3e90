/**
 * What the console knows about an alert when it speaks CAP 1.2 (OASIS, 1 July 2010), and
 * how our words map onto CAP's. Field order and value lists follow the CAP 1.2 schema.
 */
import { z } from 'zod';
import { categories } from '../registry/subscriber';
import type { Category } from '../registry/subscriber';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** XML signatures are the one foreign element the CAP 1.2 schema allows (at the end of <alert>). */
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
/** The <eventCode> that carries our own category, so a round trip does not lose it to CAP's coarser one. */
export const TRYK_CATEGORY_CODE = 'tryk:category';

/** Our alert categories: the one list, in shared/registry/subscriber.ts. */
export type AlertCategory = Category;

export const capCategories = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export type CapCategory = (typeof capCategories)[number];

/** CAP's categories are broad: police work is "Security" except a search for a person and traffic. */
export const capCategoryOf: Record<AlertCategory, CapCategory> = {
  burglary: 'Security',
  missing_person: 'Rescue',
  wanted_vehicle: 'Security',
  wanted_person: 'Security',
  fraud: 'Security',
  traffic: 'Transport',
  prevention: 'Security',
  general: 'Other',
};

export const capStatuses = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
/** Ack and Error are replies between CAP systems, not alerts we write or import. */
export const capMsgTypes = ['Alert', 'Update', 'Cancel'] as const;
export const capScopes = ['Public', 'Restricted', 'Private'] as const;
export const capUrgencies = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const capSeverities = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const capCertainties = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export const capLanguages = ['da-DK', 'en-US'] as const;
export type CapLanguage = (typeof capLanguages)[number];

/** CAP 1.2 §3.2.1: identifier and sender must not include spaces, commas or "<" and "&". */
const capId = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s,<&]+$/, 'must not contain spaces, commas, "<" or "&"');

/** A CAP dateTime with its offset (kept as written), or any instant Date can parse. */
export const CAP_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/;
const instant = z.union([
  z.date().refine((d) => !Number.isNaN(d.getTime()), 'is not a valid date'),
  z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), 'is not an ISO 8601 date and time'),
]);

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
/** [longitude, latitude], as GeoJSON and our target areas order them; CAP writes lat first. */
export const CapPositionSchema = z.tuple([lon, lat]);
export type CapPosition = z.infer<typeof CapPositionSchema>;

const samePoint = (a: CapPosition, b: CapPosition) => a[0] === b[0] && a[1] === b[1];

/** An outer ring, closed or not (it is closed when written); at least three distinct corners. */
export const CapRingSchema = z
  .array(CapPositionSchema)
  .min(3)
  .max(100_000)
  .refine((ring) => {
    const open = ring.length > 1 && samePoint(ring[0]!, ring[ring.length - 1]!) ? ring.slice(0, -1) : ring;
    return open.length >= 3;
  }, 'a polygon needs at least three distinct corners');

export const CapCircleSchema = z.object({
  center: CapPositionSchema,
  radiusM: z.number().positive().max(20_037_509),
});

export const CapAreaSchema = z.object({
  desc: z.string().trim().min(1).max(1000),
  /** One outer ring per polygon: CAP has no holes (see area.ts). */
  polygons: z.array(CapRingSchema).max(1000).default([]),
  circles: z.array(CapCircleSchema).max(1000).default([]),
});

export const CapInfoSchema = z.object({
  language: z.enum(capLanguages),
  event: z.string().trim().min(1).max(200),
  headline: z.string().trim().min(1).max(500),
  description: z.string().max(10_000),
  instruction: z.string().max(10_000).optional(),
  /** e.g. "Nordsjællands Politi": the human-readable sender. */
  senderName: z.string().max(200).optional(),
  web: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  contact: z.string().max(500).optional(),
});

export const CapReferenceSchema = z.object({ sender: capId, identifier: capId, sent: instant });

export const CapAlertInputSchema = z
  .object({
    id: capId,
    sender: capId,
    sentAt: instant,
    status: z.enum(capStatuses),
    msgType: z.enum(capMsgTypes),
    /** The earlier messages an Update or Cancel is about. */
    references: z.array(CapReferenceSchema).max(100).optional(),
    scope: z.enum(capScopes),
    /** Who may see a Restricted alert (CAP requires it with that scope). */
    restriction: z.string().min(1).max(1000).optional(),
    /** The recipients of a Private alert (CAP requires it with that scope). */
    addresses: z.string().min(1).max(10_000).optional(),
    category: z.enum(categories),
    urgency: z.enum(capUrgencies),
    severity: z.enum(capSeverities),
    certainty: z.enum(capCertainties),
    expiresAt: instant.optional(),
    infos: z.array(CapInfoSchema).min(1).max(capLanguages.length),
    areas: z.array(CapAreaSchema).max(100).default([]),
  })
  .superRefine((a, ctx) => {
    if (a.msgType !== 'Alert' && !a.references?.length) {
      ctx.addIssue({ code: 'custom', path: ['references'], message: `an ${a.msgType} must reference the message(s) it updates or cancels` });
    }
    if (a.scope === 'Restricted' && !a.restriction) {
      ctx.addIssue({ code: 'custom', path: ['restriction'], message: 'a Restricted alert must say who may see it' });
    }
    if (a.scope === 'Private' && !a.addresses) {
      ctx.addIssue({ code: 'custom', path: ['addresses'], message: 'a Private alert must list its addresses' });
    }
    const langs = a.infos.map((i) => i.language);
    if (new Set(langs).size !== langs.length) {
      ctx.addIssue({ code: 'custom', path: ['infos'], message: 'one info per language' });
    }
  });

export type CapAlertInput = z.input<typeof CapAlertInputSchema>;
export type CapAlert = z.output<typeof CapAlertInputSchema>;
export type CapInfo = z.output<typeof CapInfoSchema>;
export type CapArea = z.output<typeof CapAreaSchema>;
export type CapAreaInput = z.input<typeof CapAreaSchema>;

/** An imported alert: times kept exactly as the document wrote them, ready to become a draft. */
export type CapDraft = Omit<CapAlert, 'sentAt' | 'expiresAt' | 'references'> & {
  sentAt: string;
  expiresAt?: string;
  references?: { sender: string; identifier: string; sent: string }[];
};

export type CapErrorCode =
  | 'cap_invalid_input'
  | 'cap_too_large'
  | 'cap_not_xml'
  | 'cap_doctype'
  | 'cap_too_deep'
  | 'cap_namespace'
  | 'cap_missing'
  | 'cap_invalid'
  | 'cap_unsupported'
  | 'cap_polygon'
  | 'cap_circle'
  | 'cap_no_area';

export interface CapError {
  code: CapErrorCode;
  /** English, for a developer or a log; the UI translates `code`. */
  message: string;
}

export type CapResult<T> = ({ ok: true; value: T } & { warnings: string[] }) | ({ ok: false } & CapError);
