/**
 * The bridge contract: every call the renderer can make and every event it can hear.
 * Both hosts (Electron IPC and the headless WebSocket) carry exactly these channels;
 * handlers validate requests with these schemas, the renderer's client types itself from them.
 * To add a call: add a schema here, a handler in electron/bridge/handlers.ts, a test.
 */
import { z } from 'zod';

export const boundaryKinds = ['district', 'municipality', 'postcode', 'region'] as const;
export const BoundaryKind = z.enum(boundaryKinds);
export type BoundaryKind = z.infer<typeof BoundaryKind>;

export const GatewayState = z.enum(['connected', 'connecting', 'disconnected', 'disabled']);
export const GatewaySummary = z.object({
  name: z.string(),
  kind: z.enum(['simulator', 'smpp', 'kannel', 'http']),
  state: GatewayState,
  primary: z.boolean(),
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

const NoArgs = z.object({}).strict();

export const channels = {
  'app.status': { request: NoArgs, response: AppStatus },
  'boundaries.list': {
    request: z.object({ kind: BoundaryKind }).strict(),
    response: z.array(BoundarySummary),
  },
  'boundaries.outlines': {
    request: z.object({ kind: BoundaryKind }).strict(),
    response: z.array(BoundaryOutline),
  },
} as const;

export const events = {
  'app.statusChanged': AppStatus,
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

/** Largest request a host accepts, in bytes of JSON; bigger ones are refused with `too_large`. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
