/**
 * The one place a bridge call is checked and answered, whichever host carried it:
 * unknown channel, schema, size and role are checked here, handlers only see valid input,
 * and nothing thrown crosses the bridge — every answer is a Result.
 */
import type { z } from 'zod';
import { channels, isChannelName, MAX_REQUEST_BYTES } from '../../shared/bridge/contract';
import type { ChannelName, ResponseOf } from '../../shared/bridge/contract';
import { fail, isTrykError, ok } from '../../shared/bridge/result';
import type { Result } from '../../shared/bridge/result';
import { logFor } from '../log';
import type { Log } from '../log';
import { systemError } from '../store/store';

export type Role = 'operator' | 'approver' | 'admin';

export interface SignedInOfficer {
  id: number;
  username: string;
  displayName: string;
  roles: readonly Role[];
}

/** One per window (Electron) or WebSocket connection (headless): who is signed in there. */
export interface CallerSession {
  officer: SignedInOfficer | null;
  /** When the officer last did something (ms); the console locks itself after a quiet spell. */
  lastActivity: number;
}

export const newSession = (): CallerSession => ({ officer: null, lastActivity: 0 });

/** Who is calling: established by the host (IPC sender frame, WebSocket token), never by the payload. */
export interface Caller {
  host: 'electron' | 'headless';
  session: CallerSession;
}

export const ALL_ROLES: readonly Role[] = ['operator', 'approver', 'admin'];

export interface Handler<C extends ChannelName> {
  /** Roles allowed to call; undefined means any caller the host accepted, signed in or not. */
  roles?: readonly Role[];
  /** Background calls (status polling) do not count as the officer being active. */
  passive?: boolean;
  handle(request: z.output<(typeof channels)[C]['request']>, caller: Caller): Promise<ResponseOf<C>>;
}

export type Handlers = { [C in ChannelName]: Handler<C> };
/** The handlers of one domain (`session`, `alerts`, …): each domain's folder exports its own. */
export type DomainHandlers<C extends ChannelName> = Pick<Handlers, C>;

/**
 * What the dispatcher logs: every refused call by channel and code, never the payload (it may
 * hold personal data), and unexpected failures, whose message must not hold personal data either.
 */
function dispatchLog(log: Log) {
  return {
    // Only names of real channels reach the log: a made-up name is the caller's text, not ours.
    refused(channel: string, code: string) {
      const name = isChannelName(channel) ? channel : '(unknown channel)';
      log.warn({ channel: name, code }, `bridge: refused ${name} (${code})`);
    },
    failed(channel: string, message: string) {
      log.error({ channel }, `bridge: ${channel} failed: ${message}`);
    },
  };
}

export type Dispatch = (caller: Caller, channel: unknown, payload: unknown) => Promise<Result<unknown>>;

export interface DispatchOptions {
  now?: () => number;
  /** Idle time after which a signed-in officer is signed out (0: never). */
  idleLockMs?: () => number;
  /** Told when the idle lock signs an officer out (the console audits it as `lock`). */
  onIdleLock?: (officer: SignedInOfficer, caller: Caller) => Promise<void> | void;
}

export function createDispatcher(handlers: Handlers, logger: Log = logFor('bridge'), opts: DispatchOptions = {}): Dispatch {
  const now = opts.now ?? Date.now;
  const log = dispatchLog(logger);
  return async (caller, channel, payload) => {
    if (!isChannelName(channel)) {
      log.refused(String(channel), 'unknown_channel');
      return fail('unknown_channel', 'No such bridge channel');
    }
    const parsed = channels[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      log.refused(channel, 'bad_request');
      return fail('bad_request', `Request for ${channel} does not match its schema`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const handler = handlers[channel] as Handler<typeof channel>;
    const { session } = caller;
    const idle = opts.idleLockMs?.() ?? 0;
    if (session.officer && idle > 0 && now() - session.lastActivity > idle) {
      const locked = session.officer;
      session.officer = null; // locked: the next call that needs a role asks for sign-in again
      try {
        await opts.onIdleLock?.(locked, caller);
      } catch (e) {
        log.failed('session.lock', e instanceof Error ? e.message : 'unknown error');
      }
      if (handler.roles) {
        log.refused(channel, 'unauthorized');
        return fail('unauthorized', 'The console locked itself after a quiet spell: sign in again', { reason: 'idle_lock' });
      }
    }
    if (handler.roles && !handler.roles.some((r) => session.officer?.roles.includes(r))) {
      log.refused(channel, session.officer ? 'forbidden' : 'unauthorized');
      return session.officer
        ? fail('forbidden', `Your role may not call ${channel}`)
        : fail('unauthorized', `Sign in to call ${channel}`);
    }
    if (session.officer && !handler.passive) session.lastActivity = now();
    try {
      return ok(await handler.handle(parsed.data as never, caller));
    } catch (e) {
      if (isTrykError(e)) return fail(e.code, e.message, e.details);
      // A store or disk fault (damaged page, full disk, no permission): one line that says so.
      const known = systemError(e, 'the data directory');
      log.failed(channel, known ? known.code : e instanceof Error ? e.message : 'unknown error');
      if (known) return fail(known.code, known.message);
      return fail('internal', `${channel} failed unexpectedly`);
    }
  };
}

/** The byte size check hosts apply before parsing a message at all. */
export const isOversized = (bytes: number) => bytes > MAX_REQUEST_BYTES;

export type { ResponseOf };
