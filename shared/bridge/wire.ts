/**
 * How bridge calls travel. In Electron the preload exposes `window.tryk` (TrykBridgeApi) over IPC;
 * in the headless host the same calls go as JSON frames over a WebSocket at /bridge?token=….
 */
import { z } from 'zod';
import type { Result } from './result';

/** What the preload exposes as `window.tryk`, and what the renderer's client wraps. */
export interface TrykBridgeApi {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  /** Listens to every bridge event; returns the function that stops listening. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

/** The IPC channel names the Electron host uses (one for calls, one for events). */
export const IPC_INVOKE = 'tryk:invoke';
export const IPC_EVENT = 'tryk:event';

/** WebSocket path and the query parameter carrying the per-start token. */
export const WS_PATH = '/bridge';
export const TOKEN_PARAM = 'token';

/** Renderer → host. */
export const CallFrame = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  payload: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrame>;

/** Host → renderer: the answer to a call, or an event. */
export type ReplyFrame = { id: number; result: Result<unknown> };
export type EventFrame = { event: string; payload: unknown };
export type HostFrame = ReplyFrame | EventFrame;
