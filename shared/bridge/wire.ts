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

/**
 * The headless bridge's handshake. The per-start token travels in the first frame, never in the
 * socket's URL (browsers print a failed socket's URL in their console), with the resume token
 * of this tab's session when it has one; the host answers with a welcome or closes the socket.
 */
export const HelloFrame = z.object({
  hello: z.object({
    token: z.string().max(200),
    resume: z.string().max(200).optional(),
  }),
});
export type HelloFrame = z.infer<typeof HelloFrame>;
/** `resumed`: the officer's session from before the blip or reload is this connection's again. */
export type WelcomeFrame = { welcome: { resume: string; resumed: boolean } };
/** Host → renderer: a new resume token (after a sign-in); the previous one no longer resumes anything. */
export type ResumeFrame = { resume: string };

/** How long the host waits for the hello before closing a socket. */
export const HELLO_TIMEOUT_MS = 10_000;

/** Close codes: 4401 no or wrong per-start token (the host restarted, or the address is old). */
export const UNAUTHORIZED_CLOSE = 4401;
/** 4409: another connection resumed this session (a duplicated tab, or the same tab after a blip). */
export const TAKEN_OVER_CLOSE = 4409;
