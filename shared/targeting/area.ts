/** What an officer targets: shapes combined, and who among the people inside. */
import { z } from 'zod';
import { countVertices, MAX_AREA_VERTICES, MAX_SHAPE_VERTICES } from '../geo/validate';

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
export const PositionSchema = z.tuple([lon, lat]);
// Length limits are checked by zod before the elements, so an oversized ring costs nothing.
const ring = z.array(PositionSchema).min(3).max(MAX_SHAPE_VERTICES);
const polygon = z.array(ring).min(1).max(1000);

export const boundaryKinds = ['district', 'municipality', 'postcode'] as const;
export type BoundaryKind = (typeof boundaryKinds)[number];

/** Half of Denmark's length: a larger circle is a slip, not a target. */
export const MAX_RADIUS_M = 500_000;

export const ShapeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('polygon'), coordinates: polygon }),
  z.object({ type: z.literal('multipolygon'), coordinates: z.array(polygon).min(1).max(1000) }),
  z.object({ type: z.literal('circle'), center: PositionSchema, radiusM: z.number().positive().max(MAX_RADIUS_M) }),
  z.object({ type: z.literal('boundary'), kind: z.enum(boundaryKinds), code: z.string().min(1).max(32) }),
]);
export type Shape = z.infer<typeof ShapeSchema>;

export const TargetPartSchema = z.object({ mode: z.enum(['include', 'exclude']), shape: ShapeSchema });
export type TargetPart = z.infer<typeof TargetPartSchema>;

/** A point is in the area iff it is in at least one include part and in no exclude part. */
export const TargetAreaSchema = z.object({
  parts: z
    .array(z.unknown())
    .min(1)
    .max(500)
    // Counted on the raw arrays before any position is parsed: a request of a million
    // vertices is refused in microseconds, with the limit in the message.
    .check((ctx) => {
      let n = 0;
      for (const part of ctx.value) {
        const shape = (part as { shape?: { type?: unknown; coordinates?: unknown } } | null)?.shape;
        if (shape?.type === 'polygon') n += countVertices(shape.coordinates, 1);
        else if (shape?.type === 'multipolygon') n += countVertices(shape.coordinates, 2);
      }
      if (n > MAX_AREA_VERTICES) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `the area has ${n} vertices; an area may have at most ${MAX_AREA_VERTICES}`, abort: true });
      }
    })
    .pipe(z.array(TargetPartSchema)),
});
export type TargetArea = z.infer<typeof TargetAreaSchema>;

export const subscriberStatuses = ['active', 'paused', 'opted_out'] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

/**
 * Who among the people in the area. A subscriber matches `groups` if in any of them and
 * `categories` if they asked for any of them; an absent or empty list does not restrict.
 */
export const TargetFilterSchema = z.object({
  groups: z.array(z.string().min(1)).optional(),
  categories: z.array(z.string().min(1)).optional(),
  statuses: z.array(z.enum(subscriberStatuses)).default(['active']),
});
export type TargetFilter = z.infer<typeof TargetFilterSchema>;
export type TargetFilterInput = z.input<typeof TargetFilterSchema>;
